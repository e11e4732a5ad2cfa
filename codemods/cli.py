"""``amplitude-ai check / fix / scan`` (routed here by ``amplitude_ai.cli``).

Exit codes, like ruff: 0 clean, 1 findings (check: an uninstrumented call site) or changes
(fix: files changed / would change), 2 usage errors or files that do not parse. Usage
errors print one line on stderr, never a traceback. Progress goes to stderr, and only on a
TTY.

- ``check PATH... [--json] [--exclude GLOB]... [--jobs N]``: one line per call site,
  ``path:line:col provider api status`` (status: ``instrumented`` / ``uninstrumented``, then
  ``in-session`` / ``no-session``), then a summary line.
- ``scan PATH [--json] [--exclude GLOB]... [--jobs N]``: the project report (``--json``: the
  same object MCP ``scan_project`` returns). Exit 0 unless usage error.
- ``fix PATH... [--diff] [--agent-id ID] [--bootstrap-module MODULE] [--exclude GLOB]...``:
  calls ``instrument.fix_paths(paths, diff_only=, agent_id=, bootstrap_module=, exclude=)``
  (owned by the transforms) and prints what changed (``--diff``: the unified diff, nothing
  written).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _parser(name: str, description: str) -> _Parser:
    p = _Parser(prog=f"amplitude-ai {name}", description=description)
    p.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or folders (default: .)")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip matching paths (repeatable)")
    return p


def _parse(parser: _Parser, argv: Sequence[str]) -> argparse.Namespace:
    args = parser.parse_args(list(argv))
    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing:
        raise UsageError(f"{parser.prog}: no such file or directory: {missing[0]}")
    if getattr(args, "jobs", None) is not None and args.jobs < 1:
        raise UsageError(f"{parser.prog}: --jobs must be at least 1")
    return args


def _progress():
    if not sys.stderr.isatty():
        return None, lambda: None
    state = {"shown": False}

    def show(done: int, total: int) -> None:
        if total >= 20 and (done % 10 == 0 or done == total):
            sys.stderr.write(f"\rscanning {done}/{total} files")
            sys.stderr.flush()
            state["shown"] = True

    def clear() -> None:
        if state["shown"]:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()

    return show, clear


def _scan(args: argparse.Namespace):
    from .scanner import scan_paths

    show, clear = _progress()
    try:
        return scan_paths(args.paths, exclude=args.exclude, jobs=args.jobs, progress=show)
    finally:
        clear()


def _note_skipped(report: Any) -> None:
    """One stderr line per file the scanner left alone (binary, too large, unreadable)."""
    for entry in report.skipped:
        print(f"{entry['path']}: {entry['reason']}", file=sys.stderr)


def _status(site: Any) -> str:
    first = "instrumented" if site.instrumented else "uninstrumented"
    return f"{first} {'in-session' if site.in_session else 'no-session'}"


def _run(func, argv: Sequence[str]) -> int:
    try:
        return func(argv)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1


def _check(argv: Sequence[str]) -> int:
    parser = _parser("check", "Report LLM call sites and whether they are instrumented and in a session.")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    args = _parse(parser, argv)
    report = _scan(args)
    sites = report.call_sites
    if args.json:
        print(json.dumps({"call_sites": [s.to_dict() for s in sites], "summary": report.summary(), "errors": report.errors}, indent=2))
    else:
        _note_skipped(report)
        for f in report.files:
            if f.error:
                print(f"{f.path}:1:1 error: {f.error}")
        for s in sites:
            print(f"{s.path}:{s.line}:{s.column} {s.provider} {s.api} {_status(s)}")
        summary = report.summary()
        files = len({s.path for s in sites})
        line = (
            f"{summary['call_sites']} call site(s) in {files} file(s): "
            f"{summary['instrumented_pct']:g}% instrumented, {summary['in_session_pct']:g}% in a session"
        )
        if report.errors:
            line += f"; {len(report.errors)} file(s) do not parse"
        print(line)
    if report.errors:
        return 2
    return 1 if any(not s.instrumented for s in sites) else 0


def _scan_cmd(argv: Sequence[str]) -> int:
    parser = _parser("scan", "Print the project report (--json: what MCP scan_project returns).")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    args = _parse(parser, argv)
    report = _scan(args)
    data = report.to_dict()
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    _note_skipped(report)
    s = data["summary"]
    print(f"root: {data['root']}")
    print(f"files: {s['files_scanned']} scanned, {s['files_parsed']} parsed, {s['errors']} with errors")
    print(f"providers: {', '.join(data['providers']) or 'none'}")
    print(f"frameworks: {', '.join(data['frameworks']) or 'none'}")
    print(f"agents: {', '.join(data['agents']) or 'none'}")
    print(
        f"call sites: {s['call_sites']} ({s['instrumented_pct']:g}% instrumented, {s['in_session_pct']:g}% in a session); "
        f"clients: {len(data['clients'])}; handlers: {len(data['handlers'])}"
    )
    if data["recommendations"]:
        print("next steps:")
        for rec in data["recommendations"]:
            print(f"  - {rec}")
    return 0


def _fix(argv: Sequence[str]) -> int:
    parser = _parser("fix", "Instrument LLM call sites in place (--diff: preview only).")
    parser.add_argument("--diff", action="store_true", help="print a unified diff and write nothing")
    parser.add_argument("--agent-id", default=None, metavar="ID", help="agent id for the bootstrap module")
    parser.add_argument(
        "--bootstrap-module", default=None, metavar="MODULE", help="dotted module holding `ai` (default: amplitude_setup)"
    )
    args = _parse(parser, argv)
    if args.bootstrap_module is not None and not all(p.isidentifier() for p in args.bootstrap_module.split(".")):
        raise UsageError(f"{parser.prog}: --bootstrap-module {args.bootstrap_module!r} is not a dotted module name")
    from .instrument import InstrumentError, fix_paths

    try:
        result = fix_paths(
            args.paths,
            diff_only=args.diff,
            agent_id=args.agent_id,
            bootstrap_module=args.bootstrap_module,
            exclude=args.exclude,
        )
    except InstrumentError as exc:
        raise UsageError(f"{parser.prog}: {exc}") from None
    changed = [f for f in result.files if f.changed]
    for f in result.files:
        for warning in f.warnings:
            print(f"{f.path}: warning: {warning}", file=sys.stderr)
        if f.error:
            print(f"{f.path}: error: {f.error}", file=sys.stderr)
    if args.diff:
        sys.stdout.write(result.diff)
        for path in result.created_files:
            print(f"would create {path}", file=sys.stderr)
    else:
        for path in result.created_files:
            if path in result.written:
                print(f"created {path}")
        for f in changed:
            print(f"fixed {f.path}" + (f" ({'; '.join(f.changes)})" if f.changes else ""))
        print(f"{len(changed)} file(s) {'would change' if args.diff else 'changed'}")
    if any(f.error for f in result.files):
        return 2
    return 1 if changed else 0


def check_main(argv: Sequence[str] | None = None) -> int:
    return _run(_check, sys.argv[1:] if argv is None else argv)


def scan_main(argv: Sequence[str] | None = None) -> int:
    return _run(_scan_cmd, sys.argv[1:] if argv is None else argv)


def fix_main(argv: Sequence[str] | None = None) -> int:
    return _run(_fix, sys.argv[1:] if argv is None else argv)
