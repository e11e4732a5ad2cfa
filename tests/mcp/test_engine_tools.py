"""The engine-backed tools through the real client: scan, validate, instrument (preview and
write), verify test, validate_setup on a project — on the fixture project copied to a temp root."""

from __future__ import annotations

import ast
import asyncio
import json
import shutil
import subprocess
import sys

import pytest

from amplitude_ai.mcp.masking import mask_data



def _importable(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


needs_engine = pytest.mark.skipif(not _importable("amplitude_ai.codemods.api"), reason="codemods/api.py not landed yet")
needs_instrument = pytest.mark.skipif(
    not (_importable("amplitude_ai.codemods.instrument") and _importable("amplitude_ai.codemods.scanner")),
    reason="codemods/instrument.py or scanner.py not landed yet",
)

SECRET = "abcdefghijklmnopqrstuvwx"  # the fake key in fixtures/project/openai_app/chat.py


def _ok(result):
    assert not result.is_error, " ".join(getattr(b, "text", "") for b in result.content)
    return result.structured_content


def _sites(report, path):
    return sorted((s["line"], s["api"]) for s in report["call_sites"] if s["path"] == path)


@needs_engine
def test_scan_project_reports_the_fixture_call_sites(server, workspace):
    report = _ok(server.call("scan_project", {"root_path": "."}))
    paths = {s["path"] for s in report["call_sites"]}
    assert {"openai_app/chat.py", "anthropic_app/bot.py", "fastapi_app/main.py"} <= paths
    assert not any(p.startswith("plain/") for p in paths)  # twilio look-alike
    chat = [s for s in report["call_sites"] if s["path"] == "openai_app/chat.py"]
    assert len(chat) == 2 and sorted(s["streaming"] for s in chat) == [False, True]
    fastapi_site = next(s for s in report["call_sites"] if s["path"] == "fastapi_app/main.py")
    assert fastapi_site["async"] is True and fastapi_site["provider"] == "openai"
    assert all(not s["instrumented"] for s in report["call_sites"])
    assert SECRET not in json.dumps(report)


@needs_engine
def test_scan_project_never_reads_through_symlinks_out_of_the_roots(server, workspace):
    report = _ok(server.call("scan_project", {"root_path": str(workspace.root)}))
    blob = json.dumps(report)
    assert "escape_link" not in blob and "escape_dir" not in blob and "secret.py" not in blob


@needs_engine
def test_scan_project_matches_the_cli_json(server, workspace):
    report = _ok(server.call("scan_project", {"root_path": str(workspace.clean)}))
    cli = subprocess.run(
        [sys.executable, "-m", "amplitude_ai.cli", "scan", str(workspace.clean), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=workspace.clean,
    )
    assert cli.returncode in (0, 1), cli.stderr
    expected = mask_data(json.loads(cli.stdout))  # the only difference allowed: secrets masked
    assert json.dumps(report, sort_keys=True) == json.dumps(expected, sort_keys=True)


@needs_engine
def test_validate_file_statuses_and_next_steps(server):
    data = _ok(server.call("validate_file", {"file_path": "openai_app/chat.py"}))
    assert data["file_path"].endswith("openai_app/chat.py")
    assert len(data["call_sites"]) == 2
    assert SECRET not in json.dumps(data)
    for site in data["call_sites"]:
        assert site["status"] == "not instrumented"
        assert site["next_steps"] and any("session" in step for step in site["next_steps"])
    assert data["summary"]["call_sites"] == 2 and data["error"] is None
    inline = _ok(
        server.call(
            "validate_file",
            {"source": "import anthropic\nanthropic.Anthropic().messages.create(model='m', max_tokens=1, messages=[])\n"},
        )
    )
    assert inline["file_path"] is None and len(inline["call_sites"]) == 1


@needs_engine
def test_validate_file_that_does_not_parse_is_a_clear_answer(server):
    data = _ok(server.call("validate_file", {"source": "def broken(:\n    pass\n"}))
    assert "does not parse" in data["error"] and data["call_sites"] == []
    assert not server.call("search_docs", {"query": "session"}).is_error  # still serving


@needs_instrument
def test_instrument_preview_writes_nothing(server, workspace):
    target = workspace.root / "openai_app" / "chat.py"
    before = target.read_bytes()
    data = _ok(server.call("instrument_file", {"file_path": "openai_app/chat.py", "agent_id": "chat-helper"}))
    assert data["changed"] is True and data["written"] is False
    assert "amplitude_ai" in data["new_source"] and data["diff"].startswith("--- ")
    assert "+from amplitude_ai import OpenAI" in data["diff"].splitlines()
    ast.parse(data["new_source"])
    assert target.read_bytes() == before
    assert not (workspace.root / "amplitude_setup.py").exists()
    assert [c["path"] for c in data["created_files"]] == [str(workspace.root / "amplitude_setup.py")]
    assert "chat-helper" in data["created_files"][0]["content"]
    # new_source is exact (a client may write it), so the original key is still in it
    assert SECRET in data["new_source"]


@needs_instrument
def test_instrument_inline_source(server):
    source = "from anthropic import Anthropic\nclient = Anthropic()\n"
    data = _ok(server.call("instrument_file", {"source": source}))
    assert data["file_path"] is None and data["changed"] is True
    ast.parse(data["new_source"])


@needs_instrument
def test_instrument_source_that_does_not_parse_is_refused(server):
    result = server.call("instrument_file", {"source": "def broken(:\n    pass\n"})
    assert result.is_error and "does not parse" in result.content[0].text


@needs_instrument
def test_instrument_write_inside_a_temp_root_and_idempotent(workspace, tmp_path):
    from tests.support.mcp_harness import McpHarness

    project = tmp_path / "proj"
    shutil.copytree(workspace.root / "anthropic_app", project / "anthropic_app")
    (project / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "0"\n')
    params = workspace.server_params(AMPLITUDE_AI_MCP_ROOTS=str(project))
    with McpHarness(params) as other:
        first = _ok(other.call("instrument_file", {"file_path": str(project / "anthropic_app" / "bot.py"), "write": True}))
        second = _ok(other.call("instrument_file", {"file_path": str(project / "anthropic_app" / "bot.py"), "write": True}))
        outside = workspace.outside / "secret.py"
        before = outside.read_bytes()
        refused = other.call("instrument_file", {"file_path": str(outside), "write": True})
    assert first["changed"] and first["written"]
    written = (project / "anthropic_app" / "bot.py").read_text()
    assert written == first["new_source"]
    ast.parse(written)
    assert (project / "amplitude_setup.py").exists()
    assert second["changed"] is False and second["written"] is False  # idempotent
    assert refused.is_error and outside.read_bytes() == before


@needs_instrument
def test_instrument_write_through_a_symlink_is_refused(server, workspace):
    before = (workspace.outside / "secret.py").read_bytes()
    result = server.call("instrument_file", {"file_path": "escape_link.py", "write": True})
    assert result.is_error and "outside the allowed roots" in result.content[0].text
    assert (workspace.outside / "secret.py").read_bytes() == before


@needs_engine
def test_generate_verify_test_preview_and_write(server, workspace):
    data = _ok(server.call("generate_verify_test", {"root_path": "."}))
    assert data["path"] == str(workspace.root / "tests" / "test_amplitude_verify.py")
    ast.parse(data["source"])
    assert data["written"] is False and not (workspace.root / "tests" / "test_amplitude_verify.py").exists()
    written = _ok(server.call("generate_verify_test", {"root_path": ".", "write": True}))
    assert written["written"] is True
    assert (workspace.root / "tests" / "test_amplitude_verify.py").read_text() == written["source"]


@needs_engine
def test_validate_setup_with_a_project(server):
    data = _ok(server.call("validate_setup", {"root_path": "."}))
    checks = {c["name"]: c for c in data["checks"]}
    assert "openai" in checks["project_providers"]["detail"] and "anthropic" in checks["project_providers"]["detail"]
    assert checks["project_instrumentation"]["ok"] is False


@needs_engine
def test_engine_calls_in_flight_together(server):
    async def burst(client):
        return await asyncio.gather(
            client.call_tool("scan_project", {"root_path": "."}),
            client.call_tool("validate_file", {"file_path": "anthropic_app/bot.py"}),
            client.call_tool("validate_file", {"file_path": "fastapi_app/main.py"}),
            client.call_tool("validate_file", {"file_path": "escape_link.py"}),
            client.call_tool("get_event_schema", {}),
        )

    scan, bot, api, escape, schema = server.run(burst)
    assert not scan.is_error and len(bot.structured_content["call_sites"]) == 1
    assert len(api.structured_content["call_sites"]) == 1
    assert escape.is_error and not schema.is_error


@pytest.mark.skipif(not _importable("amplitude_ai.codemods.verify"), reason="codemods/verify.py not landed yet")
def test_agent_workflow_scan_instrument_verify(workspace, tmp_path):
    """What a coding agent does through the server: scan, instrument with write=True, get a verify
    test — which fails on the original project and passes on the instrumented one."""
    from tests.support.mcp_harness import McpHarness

    project = tmp_path / "app"
    for name in ("openai_app", "anthropic_app", "pyproject.toml"):
        src = workspace.clean / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, project / name)

    def run_verify() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_amplitude_verify.py"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=300,
        )

    params = workspace.server_params(AMPLITUDE_AI_MCP_ROOTS=str(project))
    with McpHarness(params) as agent:
        report = _ok(agent.call("scan_project", {"root_path": str(project)}))
        files = sorted({s["path"] for s in report["call_sites"]})
        assert files == ["anthropic_app/bot.py", "openai_app/chat.py"]
        _ok(agent.call("generate_verify_test", {"root_path": str(project), "write": True}))
        before = run_verify()
        for rel in files:
            assert _ok(agent.call("instrument_file", {"file_path": str(project / rel), "agent_id": "e2e", "write": True}))[
                "written"
            ]
        after_scan = _ok(agent.call("scan_project", {"root_path": str(project)}))
        verify = _ok(agent.call("generate_verify_test", {"root_path": str(project), "write": True}))
    assert before.returncode != 0, before.stdout[-2000:]
    assert "openai_app/chat.py:9" in before.stdout and "anthropic_app/bot.py:9" in before.stdout
    assert all(s["instrumented"] for s in after_scan["call_sites"])
    assert verify["written"] and (project / "tests" / "test_amplitude_verify.py").read_text() == verify["source"]
    after = run_verify()
    assert after.returncode == 0, after.stdout[-3000:] + after.stderr[-2000:]
