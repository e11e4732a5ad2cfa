"""The facade every front end calls (CLI, MCP tools, verify-test generator).

All functions return plain JSON-ready dicts (the MCP server serializes them as is) except
where noted. Detection lives in ``scanner.py``; rewriting in ``instrument.py``.

- ``scan_project(root, exclude=(), jobs=None)`` → ``ProjectReport.to_dict()``: ``root``,
  ``frameworks``, ``providers``, ``clients``, ``handlers``, ``apps``, ``agents``, ``patched``,
  ``recommendations``, ``call_sites`` (``path``, ``line``, ``column`` — 1-based —, ``provider``,
  ``api``, ``async``, ``streaming``, ``instrumented``, ``in_session``, and more), ``summary``,
  ``errors``, ``skipped``.
- ``validate_file(file_path=None, source=None)`` → ``{file_path, call_sites (each with
  status and next_steps), clients, handlers, summary, error, recommendations}``. With a
  path, imports from other project modules (a client defined in ``myapp/llm.py``, a
  bootstrap module re-exporting amplitude_ai's classes) are followed one level.
- ``instrument_file`` / ``instrument_source`` / ``fix_paths`` delegate to ``instrument.py``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .findings import FileReport, ProjectReport, summarize
from .recommend import recommendations, site_next_steps
from .scanner import module_name_for, scan_paths, scan_source


def scan(
    root: str | os.PathLike[str], exclude: tuple[str, ...] | list[str] = (), jobs: int | None = None, progress=None
) -> ProjectReport:
    """The project report object (``scan_project`` returns its dict)."""
    return scan_paths([root], root=root, exclude=tuple(exclude), jobs=jobs, progress=progress)


def scan_project(
    root_path: str | os.PathLike[str], exclude: tuple[str, ...] | list[str] = (), jobs: int | None = None
) -> dict[str, Any]:
    root = Path(root_path)
    if not root.is_dir():
        raise ValueError(f"{root_path}: not a directory")
    return scan(root, exclude, jobs).to_dict()


def _project_root(path: Path) -> Path:
    from .instrument import find_project_root

    return find_project_root(path)


def _module_file(root: Path, dotted: str) -> Path | None:
    parts = dotted.split(".")
    for base in (root, root / "src"):
        for n in range(len(parts), 0, -1):
            stem = base.joinpath(*parts[:n])
            for cand in (stem.with_suffix(".py"), stem / "__init__.py"):
                if cand.is_file():
                    return cand
    return None


def scan_file_in_project(file_path: str | os.PathLike[str], source: str | None = None) -> FileReport:
    """Scan one file, following its imports of other project modules one level."""
    path = Path(file_path).absolute()
    if source is None:
        from .prefilter import decode

        source = decode(path.read_bytes())
    root = _project_root(path)
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.name
    packages = {p.name[:-3] if p.name.endswith(".py") else p.name for p in root.iterdir() if not p.name.startswith(".")}
    if (root / "src").is_dir():
        packages |= {p.name for p in (root / "src").iterdir()}
    packages = {p for p in packages if p.isidentifier()}
    module_name = module_name_for(rel)
    report = scan_source(source, rel, module_name=module_name, project_packages=packages)
    if report.error or not report.deps:
        return report
    links: dict[str, dict[str, Any]] = {}
    for dep in report.deps:
        target = _module_file(root, dep)
        if target is None or target == path:
            continue
        target_rel = target.relative_to(root).as_posix()
        try:
            from .prefilter import decode

            dep_report = scan_source(
                decode(target.read_bytes()),
                target_rel,
                module_name=module_name_for(target_rel),
                project_packages=packages,
            )
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        name = module_name_for(target_rel)
        if dep_report.exports and name:
            links[name] = dep_report.exports
            if name.startswith("src."):
                links[name[4:]] = dep_report.exports
    if links:
        report = scan_source(source, rel, module_name=module_name, project_packages=packages, links=links)
    return report


def validate_file(file_path: str | os.PathLike[str] | None = None, source: str | None = None) -> dict[str, Any]:
    if file_path is None and source is None:
        raise ValueError("give file_path or source")
    if file_path is not None:
        report = scan_file_in_project(file_path, source)
        shown = str(Path(file_path).absolute().as_posix())
    else:
        assert source is not None
        report = scan_source(source, "<source>")
        shown = None
    sites = []
    for s in report.call_sites:
        data = s.to_dict()
        data["status"] = (
            "ok"
            if s.instrumented and s.in_session
            else ("instrumented, no session" if s.instrumented else "not instrumented")
        )
        data["next_steps"] = site_next_steps(s)
        sites.append(data)
    project = ProjectReport(root=str(Path(file_path).parent) if file_path else "", files=[report])
    return {
        "file_path": shown,
        "call_sites": sites,
        "clients": [c for c in report.to_dict()["clients"]],
        "handlers": report.to_dict()["handlers"],
        "apps": report.to_dict()["apps"],
        "summary": summarize(report.call_sites),
        "error": report.error,
        "recommendations": recommendations(project) if not report.error else [],
    }


# -- rewriting: delegated to instrument.py (engine-transforms) ------------------------------------
def instrument_source(source: str, path: str = "<source>", **kwargs: Any):
    from .instrument import instrument_source as _impl

    return _impl(source, path, **kwargs)


def instrument_file(path: str | os.PathLike[str], **kwargs: Any):
    from .instrument import instrument_file as _impl

    return _impl(path, **kwargs)


def fix_paths(paths, **kwargs: Any):
    from .instrument import fix_paths as _impl

    return _impl(paths, **kwargs)


def generate_verify_test(root_path: str | os.PathLike[str], write: bool = False) -> Any:
    from .verify import generate_verify_test as _impl  # owned by the verify-test generator

    return _impl(root_path, write=write)
