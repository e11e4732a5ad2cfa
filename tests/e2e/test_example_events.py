"""The instrumented examples, run through their own entry points (a process each) with the
provider HTTP stubbed in-process, send the right [Agent] events through the bootstrap module's
real amplitude-analytics client to the loopback ``ingest`` server (flushed at process exit)."""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

RUNNER = """
import runpy, sys
from amplitude_ai.verify_support import stub_providers
with stub_providers() as stub:
    {body}
print("provider calls:", len(stub.calls))
"""


def _run(name: str, ingest, body: str, tmp_path: Path, args: list[str] = ()) -> subprocess.CompletedProcess:
    app = tmp_path / name
    shutil.copytree(EXAMPLES / name / "instrumented", app, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMPLITUDE_AI_")}
    env.update(PYTHONPATH=str(app), AMPLITUDE_AI_API_KEY="e2e-key", AMPLITUDE_AI_SERVER_URL=ingest.url)
    code = RUNNER.format(body=body)
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=app, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def _props(events, event_type):
    return [e for e in events if e["event_type"] == event_type]


def _one_session(events, user_id, agent_id):
    sessions = {e["event_properties"]["[Agent] Session ID"] for e in events}
    assert len(sessions) == 1, sessions
    assert {e.get("user_id") for e in events} == {user_id}
    assert {e["event_properties"].get("[Agent] Agent ID") for e in events} == {agent_id}
    assert len(_props(events, "[Agent] Session End")) == 1


def test_support_chat_request(ingest, tmp_path):
    body = (
        "from fastapi.testclient import TestClient\n"
        "    from support_chat.app import app\n"
        "    r = TestClient(app).post('/chat', json={'message': 'How do I export a chart?'}, "
        "headers={'X-User-Id': 'customer-1234'})\n"
        "    assert r.status_code == 200, r.text\n"
        "    print(r.json()['reply'])"
    )
    proc = _run("support_chat", ingest, body, tmp_path)
    assert "Stubbed reply" in proc.stdout
    events = ingest.wait_for_events(3)
    _one_session(events, "customer-1234", "support-chat")
    [ai] = _props(events, "[Agent] AI Response")
    p = ai["event_properties"]
    assert (p["[Agent] Provider"], p["[Agent] Model Name"]) == ("openai", "gpt-4o-mini")
    assert (p["[Agent] Input Tokens"], p["[Agent] Output Tokens"]) == (21, 9)
    assert p["[Agent] Temperature"] == 0.2
    [user] = _props(events, "[Agent] User Message")  # recorded by the wrapper from the last user message
    assert user["event_properties"]["$llm_message"]["text"] == "How do I export a chart?"


def test_release_notes_cli(ingest, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=Dev", "-c", "user.email=dev@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    for msg in ("Initial import", "Add CSV export", "Fix timezone bug in charts"):
        subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", msg], check=True)
    first = subprocess.run([*git, "rev-list", "--max-parents=0", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    body = "sys.argv = ['release-notes', *sys.argv[1:]]\n    runpy.run_module('release_notes.cli', run_name='__main__')"
    # click exits through SystemExit(0): catch it inside the stub block
    body = "try:\n        " + body.replace("\n    ", "\n        ") + "\n    except SystemExit as exc:\n        assert not exc.code, exc.code"
    proc = _run("release_notes_cli", ingest, body, tmp_path, ["v1.2.0", "--since", first, "--repo", str(repo), "--audience", "customers"])
    assert "Stubbed reply" in proc.stdout
    events = ingest.wait_for_events(5)
    _one_session(events, getpass.getuser(), "release-notes")
    ais = _props(events, "[Agent] AI Response")
    assert [a["event_properties"]["[Agent] Provider"] for a in ais] == ["anthropic", "anthropic"]
    assert [a["event_properties"].get("[Agent] Is Streaming", False) for a in ais] == [False, True]
    for a in ais:
        p = a["event_properties"]
        assert p["[Agent] Model Name"] == "claude-sonnet-4-20250514"
        assert (p["[Agent] Input Tokens"], p["[Agent] Output Tokens"]) == (21, 9)


def test_research_agents_run(ingest, tmp_path):
    body = "sys.argv = ['research', *sys.argv[1:]]\n    runpy.run_module('research_agents.orchestrator', run_name='__main__')"
    proc = _run("research_agents", ingest, body, tmp_path, ["What drives churn in B2B SaaS?", "--user", "analyst-0042"])
    assert "Stubbed reply" in proc.stdout
    assert "provider calls: 3" in proc.stdout
    events = ingest.wait_for_events(6)
    _one_session(events, "analyst-0042", "research-agents")
    ais = _props(events, "[Agent] AI Response")
    models = sorted((a["event_properties"]["[Agent] Provider"], a["event_properties"]["[Agent] Model Name"]) for a in ais)
    assert models == [("google", "gemini-2.0-flash"), ("openai", "gpt-4o"), ("openai", "gpt-4o-mini")]
    users = _props(events, "[Agent] User Message")
    assert users and users[0]["event_properties"].get("$llm_message", {}).get("text", "").startswith("What drives churn")
