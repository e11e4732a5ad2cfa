"""The amplitude-ai MCP server (stdio): ``amplitude-ai-mcp`` or ``amplitude-ai mcp``.

``build_server()`` assembles the tools (``tools.py``), the resources and the
``instrument_app`` prompt on the SDK's ``MCPServer``; ``main()`` serves it over stdio.
While serving, the SDK points file descriptor 1 at stderr, so stray prints from the
code we call never corrupt the protocol; our own logging goes to stderr too.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError
from mcp.types import ToolAnnotations

from . import patterns, tools
from .paths import ROOTS_ENV

SERVER_NAME = "amplitude-ai"

INSTRUCTIONS = (
    "Instrument a Python LLM app with amplitude-ai: scan_project → instrument_file (preview, then "
    "write=True) → generate_verify_test → validate_setup. Paths must lie inside the client's roots, "
    "the server's working directory or AMPLITUDE_AI_MCP_ROOTS. Read amplitude-ai://instrument-guide first."
)


def _guide() -> str:
    try:
        from amplitude_ai.guide import guide_text

        return guide_text()
    except (ImportError, OSError) as exc:
        raise ResourceError(f"the guide amplitude-ai.md is missing from this installation: {exc}") from None


def build_server() -> MCPServer:
    from amplitude_ai import __version__

    server: MCPServer = MCPServer(
        SERVER_NAME,
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level=os.environ.get("AMPLITUDE_AI_MCP_LOG_LEVEL", "WARNING").upper(),  # type: ignore[arg-type]
    )
    for fn in tools.TOOLS:
        read_only = fn.__name__ in tools.READ_ONLY
        server.add_tool(
            fn,
            annotations=ToolAnnotations(
                read_only_hint=read_only,
                # the writing tools overwrite files (only with write=True, only inside the roots)
                destructive_hint=None if read_only else True,
                idempotent_hint=True,
                open_world_hint=False,
            ),
        )

    @server.resource(
        "amplitude-ai://event-schema",
        name="event-schema",
        description="The [Agent] event catalog (event types, properties, types, required flags) as JSON",
        mime_type="application/json",
    )
    def event_schema() -> str:
        from amplitude_ai.catalog import get_event_schema

        return json.dumps(get_event_schema(), indent=2)

    @server.resource(
        "amplitude-ai://integration-patterns",
        name="integration-patterns",
        description="Canonical instrumentation patterns with code, as JSON",
        mime_type="application/json",
    )
    def integration_patterns() -> str:
        return json.dumps({"patterns": patterns.PATTERNS}, indent=2)

    @server.resource(
        "amplitude-ai://instrument-guide",
        name="instrument-guide",
        description="The coding-agent guide (amplitude-ai.md): detect → plan → instrument → verify → ship",
        mime_type="text/markdown",
    )
    def instrument_guide() -> str:
        return _guide()

    @server.prompt(
        name="instrument_app",
        description="Guided walkthrough: instrument this app with amplitude-ai using the server's tools",
    )
    def instrument_app(framework: str, provider: str) -> str:
        return instrument_prompt(framework, provider)

    return server


def instrument_prompt(framework: str, provider: str) -> str:
    framework = framework.strip()[:100] or "unknown"
    provider = provider.strip()[:100] or "unknown"
    return f"""Instrument this {framework} app, which calls {provider}, with amplitude-ai.

Use the amplitude-ai MCP tools in this order and show me each diff before writing anything:

1. Read the resource amplitude-ai://instrument-guide.
2. scan_project(root_path=".") — list every LLM call site (path:line, provider, api) and whether it is
   instrumented and inside a session.
3. suggest_instrumentation(framework, provider, content_tier) — framework is one of
   {", ".join(patterns.Framework.__args__)}; provider one of {", ".join(patterns.Provider.__args__)}.
   Ask me which content tier (full, metadata_only, customer_enriched) and which agent id to use.
4. For each file with call sites: instrument_file(file_path, agent_id=...) to preview; after I approve,
   instrument_file(file_path, agent_id=..., write=True). Replace every TODO(amplitude-ai) placeholder
   with the app's real user id source; never invent one.
5. generate_verify_test(root_path=".", write=True), then run pytest and fix what fails.
6. validate_setup(root_path=".") and report the next steps it lists.

Never put an API key in code: the runtime reads AMPLITUDE_AI_API_KEY from the environment.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="amplitude-ai-mcp",
        description="Serve the amplitude-ai MCP tools over stdio.",
        epilog=(
            "Paths are allowed inside the client's roots, the working directory, "
            f"{ROOTS_ENV} ({os.pathsep}-separated) and --root."
        ),
    )
    parser.add_argument("--root", action="append", default=[], metavar="DIR", help="allow another directory")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.version:
        from amplitude_ai import __version__

        print(f"amplitude-ai-mcp {__version__}")
        return 0
    if args.root:
        extra = [os.path.abspath(r) for r in args.root]
        current = [p for p in os.environ.get(ROOTS_ENV, "").split(os.pathsep) if p]
        os.environ[ROOTS_ENV] = os.pathsep.join(current + extra)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    server = build_server()
    try:
        server.run("stdio")
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
