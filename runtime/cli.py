"""The ``amplitude-ai`` command: a thin dispatcher.

Each subcommand lives in the module that owns the behaviour and is imported only
when used, so ``amplitude-ai status`` never loads libcst or mcp. Every target is a
``main(argv: list[str]) -> int`` function receiving the arguments after the subcommand.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

# subcommand -> (module, function, one-line help, needs the [instrument] extra)
COMMANDS: dict[str, tuple[str, str, str, bool]] = {
    "check": ("amplitude_ai.codemods.cli", "check_main", "report LLM call sites and whether they are instrumented", True),
    "fix": ("amplitude_ai.codemods.cli", "fix_main", "rewrite LLM call sites to use the runtime (--diff to preview)", True),
    "scan": ("amplitude_ai.codemods.cli", "scan_main", "print the project report (--json) that MCP scan_project returns", True),
    "verify-test": ("amplitude_ai.codemods.verify", "main", "generate a pytest file that proves the instrumentation works", True),
    "mcp": ("amplitude_ai.mcp.server", "main", "start the MCP server on stdio", True),
    "doctor": ("amplitude_ai.doctor", "doctor_main", "check environment, dependencies and the event pipeline", False),
    "status": ("amplitude_ai.doctor", "status_main", "show SDK version, installed providers and configuration", False),
    "demo": ("amplitude_ai.demo", "main", "run a sample agent session (dry-run without an API key)", False),
}


def _usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = ["usage: amplitude-ai [--print-guide] <command> [args...]", "", "commands:"]
    lines += [f"  {name.ljust(width)}  {spec[2]}" for name, spec in COMMANDS.items()]
    lines += ["", "With no command, prints the prompt to paste into an AI coding agent."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    try:
        return _dispatch(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:  # output piped into `head` and the like
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        return 0


def _dispatch(args: list[str]) -> int:
    if not args:
        from .guide import print_agent_prompt

        return print_agent_prompt()
    head, rest = args[0], args[1:]
    if head in ("-h", "--help", "help"):
        print(_usage())
        return 0
    if head == "--print-guide":
        from .guide import print_guide

        return print_guide()
    if head in ("-V", "--version"):
        from ._version import __version__

        print(f"amplitude-ai {__version__}")
        return 0
    spec = COMMANDS.get(head)
    if spec is None:
        print(f"amplitude-ai: unknown command {head!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module_name, func_name, _help, needs_instrument = spec
    try:
        module = import_module(module_name)
    except ImportError as exc:
        if needs_instrument:
            print(
                f"amplitude-ai {head}: needs the instrumentation extra ({exc.name or exc} is missing).\n"
                "  pip install 'amplitude-ai[instrument]'",
                file=sys.stderr,
            )
            return 2
        raise
    try:
        return int(getattr(module, func_name)(rest) or 0)
    except KeyboardInterrupt:
        return 130


def doctor_main() -> int:
    """Console script ``amplitude-ai-doctor`` (the spec's name for ``amplitude-ai doctor``)."""
    return main(["doctor", *sys.argv[1:]])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
