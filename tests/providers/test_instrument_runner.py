"""amplitude-ai-instrument: a real subprocess, patched through the sitecustomize bootstrap."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap


from amplitude_ai import instrument_runner

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
APP = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {repo!r})
    import httpx2, openai
    from tests.support.openai_stub import OpenAIStub
    stub = OpenAIStub()
    client = openai.OpenAI(api_key="sk", base_url="http://stub/v1", max_retries=0,
                           http_client=httpx2.Client(transport=stub.transport()))
    print(type(client).__module__)
    print(client.chat.completions.create(model="gpt-4o", messages=[{{"role": "user", "content": "hi"}}]).choices[0].message.content)
    """
)


def _runner():
    exe = shutil.which("amplitude-ai-instrument", path=os.path.dirname(sys.executable))
    return [exe] if exe else [sys.executable, "-m", "amplitude_ai.instrument_runner"]


def _run(args, env_extra, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMPLITUDE_AI_")}
    env.update(env_extra)
    return subprocess.run([*_runner(), *args], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)


def test_help_lists_the_environment_variables(capsys):
    assert instrument_runner.main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in ("AMPLITUDE_AI_API_KEY", "AMPLITUDE_AI_AUTO_PATCH", "AMPLITUDE_AI_CONTENT_MODE", "AMPLITUDE_AI_DEBUG"):
        assert name in out
    assert out.startswith("usage: amplitude-ai-instrument COMMAND")


def test_no_command_is_a_usage_error(capsys):
    assert instrument_runner.main([]) == 2


def test_unknown_command_is_one_clear_message(tmp_path):
    result = _run(["no-such-program-xyz"], {}, tmp_path)
    assert result.returncode == 127
    assert result.stderr.strip() == "amplitude-ai-instrument: command not found: no-such-program-xyz"


def test_runs_a_python_app_with_its_clients_patched(tmp_path, ingest):
    (tmp_path / "app.py").write_text(APP.format(repo=REPO))
    result = _run(
        [sys.executable, "app.py"],
        {"AMPLITUDE_AI_API_KEY": "test-key", "AMPLITUDE_AI_AUTO_PATCH": "true", "AMPLITUDE_AI_SERVER_URL": ingest.url},
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == ["amplitude_ai.providers.openai", "Retention is users coming back."]
    events = ingest.wait_for_events(1)
    assert [e["event_type"] for e in events] == ["[Agent] AI Response"]  # patch(): no User Message


def test_without_auto_patch_the_app_runs_untouched(tmp_path, ingest):
    (tmp_path / "app.py").write_text(APP.format(repo=REPO))
    result = _run(
        [sys.executable, "app.py"],
        {"AMPLITUDE_AI_API_KEY": "test-key", "AMPLITUDE_AI_SERVER_URL": ingest.url},
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "openai"
    assert "AMPLITUDE_AI_AUTO_PATCH" in result.stderr
    assert ingest.events == []


def test_exit_code_of_the_command_is_kept(tmp_path):
    result = _run([sys.executable, "-c", "raise SystemExit(7)"], {"AMPLITUDE_AI_AUTO_PATCH": "true"}, tmp_path)
    assert result.returncode == 7
