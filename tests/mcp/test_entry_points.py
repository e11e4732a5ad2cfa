"""Both commands start the same server: `amplitude-ai-mcp` and `amplitude-ai mcp` (with --root)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from mcp import StdioServerParameters

from tests.support.mcp_harness import McpHarness

BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        [str(BIN / "amplitude-ai-mcp")],
        [str(BIN / "amplitude-ai"), "mcp"],
    ],
)
def test_console_scripts_serve_and_honour_root(command, workspace):
    if not Path(command[0]).exists():
        pytest.skip(f"{command[0]} is not installed (pip install -e .)")
    params = StdioServerParameters(
        command=command[0], args=[*command[1:], "--root", str(workspace.outside)], cwd=str(workspace.root)
    )
    with McpHarness(params) as harness:
        names = {t.name for t in harness.run(lambda c: c.list_tools()).tools}
        result = harness.call("validate_file", {"file_path": str(workspace.outside / "nothing.py")})
    assert "scan_project" in names
    assert "does not exist" in result.content[0].text  # --root made the folder an allowed root


def test_version_flag_prints_to_stdout_and_exits():
    out = subprocess.run(
        [sys.executable, "-m", "amplitude_ai.mcp.server", "--version"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0 and out.stdout.startswith("amplitude-ai-mcp ")


def test_schema_check_command_passes_on_the_committed_file():
    out = subprocess.run(
        [sys.executable, "-m", "amplitude_ai.mcp.schema", "--check"], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr


def test_schema_check_command_fails_on_drift(tmp_path):
    stale = tmp_path / "mcp.schema.json"
    stale.write_text("{}\n")
    out = subprocess.run(
        [sys.executable, "-m", "amplitude_ai.mcp.schema", "--check", "-o", str(stale)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1 and "out of date" in out.stderr
