"""The background dispatcher: events reach amplitude-analytics off the caller's thread.

Through the real amplitude-analytics client and the loopback ingestion server: ``flush()``
drains our queue first, a blocked SDK never blocks the caller (a full queue drops and counts),
debug lines and recorders stay synchronous, a fork starts a fresh thread, and events queued
just before interpreter exit with a caller-owned client still arrive.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from amplitude import Amplitude, Config

from amplitude_ai import AIConfig, AmplitudeAI
from amplitude_ai.core import delivery
from amplitude_ai.testing import MockAmplitudeAI


def _client(ingest, **overrides) -> Amplitude:
    # no periodic flush: only an explicit flush sends, so counts show what flush() drained
    options = dict(server_url=ingest.url, flush_interval_millis=60_000, flush_queue_size=1000, flush_max_retries=3)
    options.update(overrides)
    return Amplitude("test-api-key", Config(**options))


def _wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def test_flush_delivers_every_event_tracked_from_many_threads(ingest):
    amp = _client(ingest)
    try:
        ai = AmplitudeAI(amplitude=amp)
        ids: list[str] = []
        lock = threading.Lock()

        def work(t: int) -> None:
            for i in range(50):
                mid = ai.track_user_message(f"user-{t}", f"m{i}", f"session-{t}")
                with lock:
                    ids.append(mid)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        ai.flush().result(10)
        assert ai.status()["queued_events"] == 0
        events = ingest.wait_for_events(200, timeout=10)
        assert sorted(e["insert_id"] for e in events) == sorted(ids)
        assert ai.status()["dropped_events"] == 0
    finally:
        amp.shutdown()


def test_events_of_one_session_keep_their_order(ingest):
    amp = _client(ingest)
    try:
        ai = AmplitudeAI(amplitude=amp)
        sent = [ai.track_user_message("user-1", f"m{i}", "s1") for i in range(30)]
        ai.flush().result(10)
        assert [e["insert_id"] for e in ingest.wait_for_events(30)] == sent
    finally:
        amp.shutdown()


def test_a_blocked_sdk_never_blocks_the_caller_and_overflow_is_counted(ingest, monkeypatch, caplog):
    monkeypatch.setattr(delivery, "QUEUE_SIZE", 5)
    amp = _client(ingest)
    storage = delivery._destinations(amp)[0].storage
    ai = AmplitudeAI(amplitude=amp)
    try:
        with caplog.at_level(logging.WARNING, logger="amplitude_ai"):
            with storage.lock:  # amplitude.track() now blocks inside the SDK (its buffer lock)
                ids = [ai.track_user_message("user-1", f"m{i}", "s1") for i in range(40)]
                assert all(ids)  # every call returned while the SDK was blocked
                status = ai.status()
                # at most one event is held by the blocked thread, five wait in the queue
                assert status["dropped_events"] >= 40 - 5 - 1
                assert status["queued_events"] <= 5
        warnings = [r.getMessage() for r in caplog.records if "queue full" in r.getMessage()]
        assert len(warnings) == 1  # rate-limited: one warning for the whole burst
        dropped = ai.status()["dropped_events"]
        ai.flush().result(10)
        assert len({e["insert_id"] for e in ingest.wait_for_events(40 - dropped)}) == 40 - dropped
    finally:
        amp.shutdown()


def test_debug_lines_and_recorders_are_synchronous(ingest, capsys):
    amp = _client(ingest)
    try:
        ai = AmplitudeAI(amplitude=amp, config=AIConfig(debug=True))
        with storage_blocked(amp):  # even with the hand-off stuck, the line is printed before return
            ai.track_user_message("user-1", "hello", "s1")
            ai.track_ai_message("user-1", "hi", "s1", "gpt-4o", "openai", 12.0)
            lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("[amplitude-ai]")]
            assert len(lines) == 2
            assert "[Agent] User Message" in lines[0] and "[Agent] AI Response" in lines[1]
        mock = MockAmplitudeAI()
        mock.track_user_message("user-1", "hello", "s1")
        assert len(mock.events) == 1  # recorded before the call returned
        assert mock.status()["queued_events"] == 0
    finally:
        amp.shutdown()


class storage_blocked:
    def __init__(self, amp: Amplitude) -> None:
        self.lock = delivery._destinations(amp)[0].storage.lock

    def __enter__(self):
        self.lock.acquire()

    def __exit__(self, *exc):
        self.lock.release()


def test_validation_errors_still_raise_in_the_caller(ingest):
    from amplitude_ai import ValidationError

    amp = _client(ingest)
    try:
        ai = AmplitudeAI(amplitude=amp, config=AIConfig(validate=True))
        with pytest.raises(ValidationError):
            ai.track_ai_message("user-1", "x", "s1", "gpt-4o", "openai", -1.0)
    finally:
        amp.shutdown()


def test_serverless_session_exit_drains_the_queue(ingest, monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "fn")
    amp = _client(ingest)
    try:
        ai = AmplitudeAI(amplitude=amp)
        with ai.agent("lambda-bot").session(user_id="user-1") as s:
            for i in range(5):
                s.track_user_message(f"m{i}")
        # no flush by the test: the session's exit drained our queue and flushed the SDK
        events = ingest.wait_for_events(6, timeout=10)
        assert len({e["insert_id"] for e in events}) == 6
    finally:
        amp.shutdown()


EXIT_SCRIPT = textwrap.dedent(
    """
    import sys
    from amplitude import Amplitude, Config
    from amplitude_ai import AmplitudeAI

    amp = Amplitude("test-api-key", Config(server_url=sys.argv[1], flush_interval_millis=60000))
    ai = AmplitudeAI(amplitude=amp)
    for i in range(200):
        ai.track_user_message("user-1", f"m{i}", "s1")
    print("tracked", flush=True)
    """
)


def test_caller_owned_client_gets_the_queue_before_its_own_exit_shutdown(ingest):
    proc = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT, ingest.url], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "tracked"
    assert len({e["insert_id"] for e in ingest.wait_for_events(200, timeout=10)}) == 200


FORK_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from amplitude import Amplitude, Config
    from amplitude_ai import AmplitudeAI

    amp = Amplitude("test-api-key", Config(server_url=sys.argv[1], flush_interval_millis=100))
    ai = AmplitudeAI(amplitude=amp)
    ai.track_user_message("user-1", "parent before fork", "s1")
    ai.flush().result(10)
    pid = os.fork()
    if pid == 0:
        queued = ai.status()["queued_events"]
        ai.track_user_message("user-1", "child", "s1")
        deadline = time.monotonic() + 10
        while ai.status()["queued_events"] and time.monotonic() < deadline:
            time.sleep(0.01)
        # the child's own dispatcher thread took the event (an inherited, dead thread would not)
        print("child", queued, ai.status()["queued_events"], flush=True)
        os._exit(0)
    os.waitpid(pid, 0)
    ai.track_user_message("user-1", "parent after fork", "s1")
    ai.flush().result(10)
    print("parent done", flush=True)
    """
)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_starts_its_own_dispatcher(ingest):
    proc = subprocess.run(
        [sys.executable, "-c", FORK_SCRIPT, ingest.url], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "child 0 0" in lines
    assert "parent done" in lines
    events = ingest.wait_for_events(2, timeout=10)
    texts = [e["event_properties"]["$llm_message"]["text"] for e in events]
    assert texts.count("parent before fork") == 1 and texts.count("parent after fork") == 1


def test_flushing_or_shutting_down_the_amplitude_client_directly_drains_the_queue(ingest):
    """Code that calls its own client's flush()/shutdown() right after tracking loses nothing."""
    amp = _client(ingest)
    ai = AmplitudeAI(amplitude=amp)
    first = [ai.track_user_message("user-1", f"a{i}", "s1") for i in range(20)]
    amp.flush()
    assert {e["insert_id"] for e in ingest.wait_for_events(20)} == set(first)
    second = [ai.track_user_message("user-1", f"b{i}", "s1") for i in range(20)]
    amp.shutdown()
    assert {e["insert_id"] for e in ingest.wait_for_events(40)} == set(first) | set(second)
