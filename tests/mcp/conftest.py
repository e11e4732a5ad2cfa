"""Fixtures: a temporary workspace (project copy, an outside folder, symlink escapes) and the
real server as a subprocess over stdio, driven by the official mcp client (one for the session)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from mcp import StdioServerParameters

from tests.support.mcp_harness import McpHarness

FIXTURES = Path(__file__).parent / "fixtures"


class Workspace:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.root = base / "root"  # the server's working directory
        self.extra = base / "extra"  # listed in AMPLITUDE_AI_MCP_ROOTS
        self.outside = base / "outside"  # allowed by nothing
        self.client_root = base / "client_root"  # offered by a client's roots capability
        shutil.copytree(FIXTURES / "project", self.root)
        for folder in (self.extra, self.outside, self.client_root):
            folder.mkdir()
        self.clean = self.extra / "project"  # a copy without symlinks or oversized files
        shutil.copytree(FIXTURES / "project", self.clean)
        (self.outside / "secret.py").write_text("from openai import OpenAI\nOpenAI().chat.completions.create(model='x', messages=[])\n")
        (self.extra / "extra_app.py").write_text(
            "from anthropic import Anthropic\nAnthropic().messages.create(model='m', max_tokens=1, messages=[])\n"
        )
        (self.client_root / "client_app.py").write_text(
            "from openai import OpenAI\nOpenAI().chat.completions.create(model='m', messages=[])\n"
        )
        (self.root / "blob.py").write_bytes(b"\x00\x01\x02binary\xff\xfe")
        (self.root / "big.py").write_text("x = 1\n" * 400_000)  # 2.4 MB
        os.symlink(self.outside, self.root / "escape_dir")
        os.symlink(self.outside / "secret.py", self.root / "escape_link.py")

    def server_params(self, **env: str) -> StdioServerParameters:
        return StdioServerParameters(
            command=sys.executable,
            args=["-m", "amplitude_ai.mcp.server"],
            cwd=str(self.root),
            env={"AMPLITUDE_AI_MCP_ROOTS": str(self.extra), **env},
        )


@pytest.fixture(scope="session")
def workspace(tmp_path_factory) -> Workspace:
    return Workspace(tmp_path_factory.mktemp("mcp"))


@pytest.fixture(scope="session")
def server(workspace):
    harness = McpHarness(workspace.server_params()).start()
    try:
        yield harness
    finally:
        harness.close()
