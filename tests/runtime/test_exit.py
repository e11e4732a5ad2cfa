"""Interpreter exit: events tracked just before a normal exit arrive, and the exit does not hang.

Each test runs a real Python subprocess that creates its own client from AMPLITUDE_AI_API_KEY /
AMPLITUDE_AI_SERVER_URL (pointing at the loopback server of this test process), tracks, and
returns from the script without calling flush() or shutdown().
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import sys
    from amplitude_ai import AmplitudeAI

    n = int(sys.argv[1])
    ai = AmplitudeAI()
    agent = ai.agent("exit-bot")
    with agent.session(user_id="user-1", session_id="exit-session") as s:
        for i in range(n):
            s.track_user_message(f"message {i}")
    for i in range(n):
        ai.track_ai_message("user-1", f"late {i}", "exit-session", "gpt-4o", "openai", 1.0)
    print("tracked", flush=True)
    """
)


def _run(ingest, n: int, timeout: float = 60.0, extra_env=None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(AMPLITUDE_AI_API_KEY="test-api-key", AMPLITUDE_AI_SERVER_URL=ingest.url)
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, str(n)], env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize("n", [1, 250])
def test_events_tracked_before_a_normal_exit_arrive(ingest, n):
    proc = _run(ingest, n)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "tracked"
    events = ingest.wait_for_events(2 * n + 1, timeout=10)
    assert len({e["insert_id"] for e in events}) == 2 * n + 1
    assert sum(e["event_type"] == "[Agent] Session End" for e in events) == 1


def test_exit_waits_for_a_slow_server(ingest):
    ingest.mode = "stall"
    ingest.stall_seconds = 1.5
    proc = _run(ingest, 10)
    assert proc.returncode == 0, proc.stderr
    assert len({e["insert_id"] for e in ingest.wait_for_events(21, timeout=10)}) == 21


def test_exit_recovers_from_a_transient_failure(ingest):
    """The first request at exit is answered 500; the retry during the exit flush delivers."""
    ingest.mode = "error500"
    import threading

    def recover():
        import time

        deadline = time.monotonic() + 30
        while ingest.requests < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        ingest.mode = "ok"

    threading.Thread(target=recover, daemon=True).start()
    proc = _run(ingest, 5)
    assert proc.returncode == 0, proc.stderr
    assert len({e["insert_id"] for e in ingest.wait_for_events(11, timeout=10)}) == 11


def test_exit_with_an_unreachable_server_does_not_hang(ingest):
    ingest.mode = "error500"
    proc = _run(ingest, 3, timeout=60, extra_env={"AMPLITUDE_AI_EXIT_TIMEOUT": "2"})
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
