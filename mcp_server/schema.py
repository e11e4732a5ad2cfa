"""Generate ``mcp.schema.json`` from the live server.

    python -m amplitude_ai.mcp.schema            # (re)write mcp.schema.json at the repository root
    python -m amplitude_ai.mcp.schema --check    # exit 1 when the file differs from the live server
    python -m amplitude_ai.mcp.schema -o FILE    # write elsewhere

The schema is read through a real MCP client session (``mcp.Client`` connected
in-process to ``build_server()``): exactly what a client sees from ``tools/list``,
``resources/list`` and ``prompts/list``. Never edit the file by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import anyio

SCHEMA_FILE = "mcp.schema.json"


def default_path() -> Path:
    return Path(__file__).resolve().parent.parent / SCHEMA_FILE


async def collect() -> dict[str, Any]:
    from mcp import Client

    from .server import SERVER_NAME, build_server

    async with Client(build_server()) as client:
        tools = (await client.list_tools()).tools
        resources = (await client.list_resources()).resources
        prompts = (await client.list_prompts()).prompts

    def dump(model: Any) -> dict[str, Any]:
        return model.model_dump(mode="json", by_alias=True, exclude_none=True)

    return {
        "name": SERVER_NAME,
        "transport": "stdio",
        "command": "amplitude-ai-mcp",
        "tools": sorted(
            (
                {
                    key: value
                    for key, value in dump(tool).items()
                    if key in ("name", "title", "description", "inputSchema", "outputSchema", "annotations")
                }
                for tool in tools
            ),
            key=lambda t: t["name"],
        ),
        "resources": sorted(
            (
                {k: v for k, v in dump(r).items() if k in ("uri", "name", "title", "description", "mimeType")}
                for r in resources
            ),
            key=lambda r: r["uri"],
        ),
        "prompts": sorted(
            ({k: v for k, v in dump(p).items() if k in ("name", "title", "description", "arguments")} for p in prompts),
            key=lambda p: p["name"],
        ),
    }


def render() -> str:
    return json.dumps(anyio.run(collect), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m amplitude_ai.mcp.schema", description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=None, help=f"default: {SCHEMA_FILE} at the repository root")
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on drift")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    target = args.output or default_path()
    text = render()
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target} is out of date: run python -m amplitude_ai.mcp.schema", file=sys.stderr)
            return 1
        print(f"{target} is up to date")
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
