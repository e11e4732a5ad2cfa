"""The coding-agent guide (``amplitude-ai.md``, shipped as package data) and the prompt that points at it."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

GUIDE_NAME = "amplitude-ai.md"


def guide_path() -> Path:
    """Filesystem path of the installed guide."""
    return Path(str(resources.files("amplitude_ai").joinpath(GUIDE_NAME)))


def guide_text() -> str:
    return resources.files("amplitude_ai").joinpath(GUIDE_NAME).read_text(encoding="utf-8")


def agent_prompt() -> str:
    return (
        f"Instrument this app with amplitude-ai. Follow {guide_path()}\n"
        "(MCP server: `amplitude-ai mcp`; CLI: `amplitude-ai check .`, `amplitude-ai fix . --diff`.)"
    )


def print_agent_prompt() -> int:
    print("Paste this into your AI coding agent (Claude Code, Cursor, Copilot, Codex, ...):\n")
    print(agent_prompt())
    return 0


def print_guide() -> int:
    try:
        sys.stdout.write(guide_text())
    except FileNotFoundError:
        print(f"amplitude-ai: the guide {GUIDE_NAME} is missing from this installation", file=sys.stderr)
        return 2
    return 0
