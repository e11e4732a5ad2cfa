"""``amplitude-ai demo``: dry-run without a key, sends with one."""

from __future__ import annotations

import os
import subprocess
import sys

TYPES = ["User Message", "Tool Call", "AI Response", "Score", "Session End"]


def _demo(env_updates: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMPLITUDE_AI_")}
    env.update(env_updates)
    code = "import sys; from amplitude_ai.cli import main; sys.exit(main(['demo']))"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def test_demo_without_a_key_is_a_dry_run_with_one_line_per_event(ingest):
    proc = _demo({})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert [line.split(" | ")[0] for line in lines] == [f"[amplitude-ai] [Agent] {t}" for t in TYPES]
    ai_line = lines[2]
    assert "model=gpt-4o-mini" in ai_line and "tokens=1,336" in ai_line and "cost=$0.0" in ai_line
    assert "cost=$0.0000" not in ai_line  # a real price from genai-prices
    assert "dry-run" in proc.stdout
    assert ingest.requests == 0


def test_demo_with_a_key_sends_every_event(ingest):
    proc = _demo({"AMPLITUDE_AI_API_KEY": "test-api-key", "AMPLITUDE_AI_SERVER_URL": ingest.url})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == ""  # debug is off when sending
    events = ingest.wait_for_events(5, timeout=10)
    assert [e["event_type"] for e in events] == [f"[Agent] {t}" for t in TYPES]
    assert "jane.doe@example.com" not in str(events)  # PII redaction is on by default
    assert "sent them" in proc.stdout


def test_demo_help():
    proc = subprocess.run([sys.executable, "-m", "amplitude_ai.cli", "demo", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "--user-id" in proc.stdout
