"""The verify-test generator: ``generate_verify_test(root)`` and ``amplitude-ai verify-test``.

It reads the scanner's ``ProjectReport`` (never detects anything itself) and renders
``templates/verify_test.py.j2``: a pytest file that imports the project's own modules, drives
every LLM call site (through its function, else its client) and every web route / click
command that can reach the LLM, with provider HTTP stubbed by ``amplitude_ai.verify_support``,
and asserts the ``[Agent]`` events. ``warnings`` say honestly what the test cannot drive.

    amplitude-ai verify-test PATH [-o FILE]      # default FILE: PATH/tests/test_amplitude_verify.py
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from .findings import ClientSite, ProjectReport

DEFAULT_TEST_PATH = "tests/test_amplitude_verify.py"
ROUTE_FRAMEWORKS = ("fastapi", "starlette", "flask")


def _client_for(report: ProjectReport, site: Any) -> ClientSite | None:
    for client in report.clients:
        if client.path == site.client_path and client.line == site.client_line:
            return client
    return None


def _client_dict(client: ClientSite | None) -> dict[str, Any] | None:
    if client is None:
        return None
    return {
        "path": client.path,
        "line": client.line,
        "binding": client.binding,
        "function": client.function,
        "is_async": client.is_async,
    }


def _drivable_client(client: ClientSite | None) -> str | None:
    """Why the fallback client cannot be reached from the test, or None when it can."""
    if client is None:
        return "its client is not known"
    if not client.binding:
        return "its client is not assigned to a name"
    if client.function and not (client.binding.startswith("self.") and client.function.endswith(".__init__")):
        return f"its client is local to {client.function}()"
    return None


def build_context(report: ProjectReport) -> tuple[dict[str, Any], list[str]]:
    """The template variables and the warnings, from the report alone."""
    warnings: list[str] = []
    sites = []
    for site in report.call_sites:
        label = f"{site.path}:{site.line} {site.provider} {site.api}"
        client = _client_for(report, site)
        function = site.function if site.function and "<locals>" not in site.function else None
        if function is None:
            why = _drivable_client(client)
            if why:
                warnings.append(f"{label}: not driven (module-level or nested code and {why})")
            else:
                warnings.append(f"{label}: driven through its client (the call is not inside a function)")
        sites.append(
            {
                "label": label,
                "path": site.path,
                "line": site.line,
                "provider": site.provider,
                "api": site.api,
                "function": function,
                "client": _client_dict(client) if _drivable_client(client) is None else None,
            }
        )
    handlers = []
    for h in report.handlers:
        if h.kind == "command" and h.framework == "click":
            kind = "command"
            label = f"{h.path}:{h.line} click {h.name}"
        elif h.framework == "lambda":
            kind = "lambda"
            label = f"{h.path}:{h.line} lambda {h.name}"
        elif h.framework in ROUTE_FRAMEWORKS and h.kind in ("route", "view", "method_view"):
            kind = "route"
            label = f"{h.path}:{h.line} {h.framework} {h.route or h.name} ({h.name})"
        else:
            if h.reaches_llm:
                warnings.append(f"{h.path}:{h.line} {h.framework} {h.name}: handler not driven ({h.framework} {h.kind})")
            continue
        handlers.append(
            {
                "label": label,
                "path": h.path,
                "name": h.name,
                "kind": kind,
                "framework": h.framework,
                "app": h.app,
                "route": h.route,
                "user_id": h.user_id_source is not None,
            }
        )
    if not sites:
        warnings.append("no LLM call sites found: the test has nothing to check")
    for err in report.errors:
        warnings.append(f"{err['path']}: not scanned ({err['message']})")
    return {"sites": sites, "handlers": handlers}, warnings


def generate_verify_test(
    root_path: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    write: bool = False,
    report: ProjectReport | None = None,
) -> dict[str, Any]:
    """Render the verify test for the project at ``root_path``.

    Returns ``{path, source, warnings}``; ``path`` is where it belongs (``output`` or
    ``tests/test_amplitude_verify.py`` under the root). ``write=True`` writes it atomically.
    """
    from amplitude_ai.templates import render
    from amplitude_ai.verify_support import COMPLETION_TOKENS, PROMPT_TOKENS

    from .api import scan

    root = Path(root_path).resolve()
    if not root.is_dir():
        raise ValueError(f"{root_path}: not a directory")
    if report is None:
        report = scan(root)
    target = Path(output) if output is not None else root / DEFAULT_TEST_PATH
    if not target.is_absolute():
        target = (Path.cwd() / target).resolve()
    context, warnings = build_context(report)
    root_rel = Path(os.path.relpath(root, target.parent)).as_posix()
    source = render(
        "verify_test.py",
        project_name=root.name,
        root_rel=root_rel,
        prompt_tokens=PROMPT_TOKENS,
        completion_tokens=COMPLETION_TOKENS,
        **context,
    )
    if write:
        from .instrument import write_atomic

        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, source)
    return {"path": target.as_posix(), "source": source, "warnings": warnings}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="amplitude-ai verify-test",
        description="Generate a pytest file that drives the project's LLM clients and asserts their [Agent] events.",
    )
    parser.add_argument("path", metavar="PATH", help="project root")
    parser.add_argument("-o", "--output", metavar="FILE", help=f"where to write (default: PATH/{DEFAULT_TEST_PATH}; '-' prints)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    if not Path(args.path).is_dir():
        print(f"amplitude-ai verify-test: {args.path}: not a directory", file=sys.stderr)
        return 2
    to_stdout = args.output == "-"
    try:
        result = generate_verify_test(args.path, None if to_stdout else args.output, write=not to_stdout)
    except (OSError, ValueError) as exc:
        print(f"amplitude-ai verify-test: {exc}", file=sys.stderr)
        return 2
    if to_stdout:
        sys.stdout.write(result["source"])
    else:
        print(f"wrote {result['path']}")
    for warning in result["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    return 0
