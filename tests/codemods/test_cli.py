"""``amplitude-ai check / scan / fix``: output, exit codes (0 clean, 1 findings/changes, 2 usage or
parse errors), JSON, and no tracebacks on bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from amplitude_ai.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "scanner"
CLI = Path(sys.executable).with_name("amplitude-ai")
APP = 'from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef ask(q):\n    return client.chat.completions.create(model="m", messages=[q])\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "util.py").write_text("import os\n")
    return tmp_path


def test_check_lists_sites_and_fails_when_uninstrumented(project: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(project)
    assert main(["check", "."]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "app.py:7:12 openai chat.completions.create uninstrumented no-session",
        "1 call site(s) in 1 file(s): 0% instrumented, 0% in a session",
    ]


def test_check_clean_project_exits_0(tmp_path: Path, capsys) -> None:
    shutil.copytree(FIXTURES / "projects" / "bootstrap", tmp_path / "p")
    assert main(["check", str(tmp_path / "p")]) == 0
    out = capsys.readouterr().out
    assert "app/chat.py:10:16 openai chat.completions.create instrumented in-session" in out
    assert "2 call site(s) in 1 file(s): 100% instrumented, 50% in a session" in out


def test_check_json(project: Path, capsys) -> None:
    assert main(["check", str(project), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [(s["path"], s["line"], s["column"], s["async"]) for s in data["call_sites"]] == [("app.py", 7, 12, False)]
    assert data["summary"]["uninstrumented"] == 1


def test_check_parse_error_exits_2(project: Path, capsys) -> None:
    (project / "broken.py").write_text("import openai\ndef f(:\n")
    assert main(["check", str(project)]) == 2
    out = capsys.readouterr().out
    assert "broken.py:1:1 error: does not parse: line 2" in out
    assert "1 file(s) do not parse" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["check", "/definitely/not/here"], "amplitude-ai check: no such file or directory: /definitely/not/here"),
        (["check", "--bogus"], "amplitude-ai check: unrecognized arguments: --bogus"),
        (["scan", ".", "--jobs", "0"], "amplitude-ai scan: --jobs must be at least 1"),
        (["fix", ".", "--bootstrap-module", "not a module"], "amplitude-ai fix: --bootstrap-module 'not a module' is not a dotted module name"),
    ],
)
def test_usage_errors_exit_2_with_one_line(argv, message, capsys) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == message
    assert "Traceback" not in captured.err + captured.out


def test_scan_json_is_the_project_report(project: Path, capsys) -> None:
    assert main(["scan", str(project), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["root"] == str(project)
    assert data["providers"] == ["openai"]
    assert data["clients"][0]["qualified_name"] == "openai.OpenAI"
    assert data["call_sites"][0]["api"] == "chat.completions.create"


def test_scan_human_summary(project: Path, capsys) -> None:
    assert main(["scan", str(project)]) == 0
    out = capsys.readouterr().out
    assert "providers: openai" in out and "call sites: 1 (0% instrumented, 0% in a session)" in out
    assert "next steps:" in out


def test_fix_diff_writes_nothing_then_fix_then_check_passes(project: Path, capsys) -> None:
    before = (project / "app.py").read_text()
    assert main(["fix", str(project), "--diff"]) == 1
    out = capsys.readouterr().out
    assert "+from amplitude_ai import OpenAI" in out
    assert (project / "app.py").read_text() == before
    assert not (project / "amplitude_setup.py").exists()
    assert main(["fix", str(project), "--agent-id", "demo-bot"]) == 1
    assert "fixed app.py" in capsys.readouterr().out
    assert "demo-bot" in (project / "amplitude_setup.py").read_text()
    assert main(["check", str(project)]) == 0
    assert main(["fix", str(project)]) == 0  # idempotent: nothing left to change


def test_console_script_usage_error_has_no_traceback() -> None:
    if not CLI.exists():
        pytest.skip("console script not installed")
    proc = subprocess.run([str(CLI), "check", "--nope"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "amplitude-ai check: unrecognized arguments: --nope"
    assert proc.stdout == ""
