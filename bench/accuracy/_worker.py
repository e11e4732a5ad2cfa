"""One measurement job, run in a subprocess by run.py with the interpreter of the side measured.

    python _worker.py JOB < ARGS_JSON

JOB is one of ``ours-scan``, ``peer-scan``, ``peer-validate``, ``ours-fix``, ``peer-fix``,
``ours-speed``, ``peer-speed``. The JSON on stdin holds ``root`` (a package's corpus tree) or
``roots``, and ``files`` (paths relative to root) where relevant; or ``packages``, a list of
such objects each with a ``name``, answered as ``{"by_package": {name: result}}``. The result is one JSON
object on stdout. The peer (``amplitude-ai==1.21.0`` in its own venv) is only called through
its public functions and MCP tools; this file never reads its source.

Everything a tool raises is caught and reported as an error for that side and that file, so
one crash never aborts a run.
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any


def _err(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _rel(path: str, root: Path) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(root.resolve())
        except ValueError:
            pass
    return p.as_posix()


# -- ours ----------------------------------------------------------------------------------------
def _ours_scan_fn():
    try:
        from amplitude_ai.codemods.api import scan_project  # type: ignore

        return scan_project
    except ImportError:
        from amplitude_ai.codemods.scanner import scan_paths  # type: ignore

        return lambda root: scan_paths([root], root=root)


def _as_dict(report: Any) -> dict:
    if isinstance(report, dict):
        return report
    if hasattr(report, "to_dict"):
        return report.to_dict()
    raise TypeError(f"unexpected report type {type(report).__name__}")


def _ours_sites(report: dict, root: Path) -> tuple[list[dict], list[dict]]:
    sites = []
    for s in report.get("call_sites", []):
        sites.append({
            "path": _rel(s["path"], root), "line": int(s["line"]), "provider": s.get("provider"),
            "api": s.get("api"), "instrumented": s.get("instrumented"), "in_session": s.get("in_session"),
        })
    errors = []
    for e in report.get("errors", []) or report.get("parse_errors", []) or []:
        if isinstance(e, dict):
            errors.append({"path": _rel(str(e.get("path", "?")), root), "error": str(e.get("error") or e.get("message") or e)})
        else:
            errors.append({"path": "?", "error": str(e)})
    return sites, errors


def _per_file_fallback(scan_one, root: Path, files: list[str]) -> tuple[list[dict], list[dict]]:
    """Scan each file alone in a scratch tree (same relative path); a crash is that file's error."""
    sites, errors = [], []
    for rel in files:
        with tempfile.TemporaryDirectory() as tmp:
            dest = Path(tmp) / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / rel, dest)
            try:
                s, e = scan_one(Path(tmp))
                sites += s
                errors += e
            except BaseException as exc:  # noqa: BLE001 - a crash is a measurement
                errors.append({"path": rel, "error": _err(exc)})
    return sites, errors


def ours_scan(args: dict) -> dict:
    root = Path(args["root"])
    scan = _ours_scan_fn()

    def one(r: Path):
        return _ours_sites(_as_dict(scan(str(r))), r)

    try:
        sites, errors = one(root)
        mode = "project"
    except BaseException as exc:  # noqa: BLE001
        sites, errors = _per_file_fallback(one, root, args["files"])
        errors.insert(0, {"path": "<project>", "error": "project scan crashed, fell back to per-file: " + _err(exc)})
        mode = "per-file"
    return {"sites": sites, "errors": errors, "mode": mode}


# -- peer ----------------------------------------------------------------------------------------
def _peer_sites(report: dict, root: Path) -> list[dict]:
    sites = []
    for agent in report.get("agents", []):
        path = _rel(str(agent.get("file", "?")), root)
        for s in agent.get("call_site_details", []):
            sites.append({"path": path, "line": int(s["line"]), "provider": s.get("provider"),
                          "api": s.get("api"), "instrumented": s.get("instrumented")})
    return sites


def peer_scan(args: dict) -> dict:
    from amplitude_ai.mcp.scan_project import scan_project  # public function of the peer

    root = Path(args["root"])

    def one(r: Path):
        return _peer_sites(scan_project(str(r)), r), []

    try:
        sites, errors = one(root)
        mode = "project"
    except BaseException as exc:  # noqa: BLE001
        sites, errors = _per_file_fallback(one, root, args["files"])
        errors.insert(0, {"path": "<project>", "error": "project scan crashed, fell back to per-file: " + _err(exc)})
        mode = "per-file"
    return {"sites": sites, "errors": errors, "mode": mode}


def _peer_server():
    from amplitude_ai.mcp.server import build_server  # public function of the peer

    return build_server()


def peer_validate(args: dict) -> dict:
    root = Path(args["root"])
    server = _peer_server()
    sites, errors = [], []

    async def run():
        for rel in args["files"]:
            src = (root / rel).read_text(encoding="utf-8", errors="replace")
            try:
                res = await server.call_tool("validate_file", {"source": src, "language": "python"})
                data = res.structured_content or json.loads(res.content[0].text)
                for s in data.get("call_sites", []):
                    sites.append({"path": rel, "line": int(s["line"]), "provider": s.get("provider"),
                                  "api": s.get("api"), "instrumented": s.get("instrumented")})
            except BaseException as exc:  # noqa: BLE001
                errors.append({"path": rel, "error": _err(exc)})

    asyncio.run(run())
    return {"sites": sites, "errors": errors, "mode": "per-file"}


# -- fix quality ---------------------------------------------------------------------------------
def _bound_names(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                names.add((a.asname or a.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
    return names


def _loaded_names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _quality(before: str, first: str, second: str | None) -> dict:
    out: dict[str, Any] = {"changed": first != before}
    try:
        compile(first, "<fixed>", "exec", dont_inherit=True)
        out["parses"] = True
    except SyntaxError as exc:
        out["parses"] = False
        out["parse_error"] = _err(exc)
    out["idempotent"] = second is not None and second == first
    if out["parses"]:
        old_tree, new_tree = ast.parse(before), ast.parse(first)
        old_bound, new_bound = _bound_names(old_tree), _bound_names(new_tree)
        lost = sorted((old_bound - new_bound) & _loaded_names(new_tree))
        out["lost_names"] = lost  # bound before the fix, still used after it, no longer bound
    return out


def _tree_text(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(root.rglob("*.py"))}


def ours_fix(args: dict) -> dict:
    """``amplitude-ai fix`` (``fix_paths``) on a scratch copy of the whole package, run twice.

    Quality is reported for every labelled file and every file the fix changed; after the fix
    our scanner re-scans the copy and says how many sites in the labelled files are instrumented.
    If ``fix_paths`` itself crashes, each labelled file is fixed alone (``instrument_source``)."""
    scan = _ours_scan_fn()
    root = Path(args["root"])
    labelled = set(args["files"])
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "pkg"
        shutil.copytree(root, tree, ignore=shutil.ignore_patterns(".stamp.json"))
        before = _tree_text(tree)
        mode = "fix_paths"
        try:
            try:
                from amplitude_ai.codemods.api import fix_paths  # type: ignore
            except ImportError:
                from amplitude_ai.codemods.instrument import fix_paths  # type: ignore
            first_res = fix_paths([str(tree)], root=str(tree))
            file_errors = {f.path: f.error for f in first_res.files if getattr(f, "error", None)}
            first = _tree_text(tree)
            second_error = None
            try:
                fix_paths([str(tree)], root=str(tree))
            except BaseException as exc:  # noqa: BLE001
                second_error = _err(exc)
            second = _tree_text(tree)
        except BaseException as exc:  # noqa: BLE001
            mode = "per-file (fix_paths crashed: " + _err(exc) + ")"
            shutil.rmtree(tree)
            shutil.copytree(root, tree, ignore=shutil.ignore_patterns(".stamp.json"))
            return _ours_fix_per_file(root, tree, sorted(labelled), mode, scan)
        results = []
        for rel in sorted(labelled | {r for r in first if first[r] != before.get(r)}):
            rec: dict[str, Any] = {"path": rel, "labelled": rel in labelled}
            if rel in file_errors:
                rec.update(error=str(file_errors[rel]), parses=False, idempotent=False)
            elif rel not in before:
                rec.update(created=True, changed=True)
                try:
                    compile(first[rel], rel, "exec", dont_inherit=True)
                    rec["parses"] = True
                except SyntaxError as exc:
                    rec.update(parses=False, parse_error=_err(exc))
                rec["idempotent"] = second.get(rel) == first[rel]
            else:
                rec.update(_quality(before[rel], first[rel], second.get(rel) if second_error is None else None))
                if second_error:
                    rec["second_error"] = second_error
            results.append(rec)
        return {"files": results, "after": _after(scan, tree, labelled), "mode": mode}


def _after(scan, tree: Path, labelled: set[str]) -> dict:
    try:
        sites, _ = _ours_sites(_as_dict(scan(str(tree))), tree)
    except BaseException as exc:  # noqa: BLE001
        return {"error": _err(exc)}
    sites = [s for s in sites if s["path"] in labelled]
    return {"sites": len(sites), "instrumented": sum(1 for s in sites if s.get("instrumented")),
            "in_session": sum(1 for s in sites if s.get("in_session")),
            "not_instrumented": [f"{s['path']}:{s['line']} {s['api']}" for s in sites if not s.get("instrumented")]}


def _ours_fix_per_file(root: Path, tree: Path, files: list[str], mode: str, scan) -> dict:
    from amplitude_ai.codemods.instrument import instrument_source  # type: ignore

    results = []
    for rel in files:
        src = (root / rel).read_text(encoding="utf-8")
        rec: dict[str, Any] = {"path": rel, "labelled": True}
        try:
            res = instrument_source(src, str(tree / rel), project_root=str(tree), project_has_calls=True)
            first = res.new_source
        except BaseException as exc:  # noqa: BLE001
            rec.update(error=_err(exc), parses=False, idempotent=False)
            results.append(rec)
            continue
        try:
            second = instrument_source(first, str(tree / rel), project_root=str(tree), project_has_calls=True).new_source
        except BaseException as exc:  # noqa: BLE001
            second = None
            rec["second_error"] = _err(exc)
        rec.update(_quality(src, first, second))
        (tree / rel).write_text(first, encoding="utf-8")
        for created, text in res.created_files.items():
            Path(created).parent.mkdir(parents=True, exist_ok=True)
            if not Path(created).exists():
                Path(created).write_text(text, encoding="utf-8")
        results.append(rec)
    return {"files": results, "after": _after(scan, tree, set(files)), "mode": mode}


PEER_BOOTSTRAP = "from amplitude_setup import ai"


def peer_fix(args: dict) -> dict:
    from amplitude_ai.mcp.instrument_file import instrument_file  # public function of the peer

    root = Path(args["root"])
    tier = args.get("tier", "advanced")
    results = []
    for rel in args["files"]:
        src = (root / rel).read_text(encoding="utf-8")
        rec: dict[str, Any] = {"path": rel}
        try:
            first = instrument_file(src, rel, tier, PEER_BOOTSTRAP, "bench-agent")
        except BaseException as exc:  # noqa: BLE001
            rec.update(error=_err(exc), parses=False, idempotent=False)
            results.append(rec)
            continue
        try:
            second = instrument_file(first, rel, tier, PEER_BOOTSTRAP, "bench-agent")
        except BaseException as exc:  # noqa: BLE001
            second = None
            rec["second_error"] = _err(exc)
        rec.update(_quality(src, first, second))
        results.append(rec)
    return {"files": results}


# -- speed ---------------------------------------------------------------------------------------
def _speed(scan, roots: list[str]) -> dict:
    errors = 0
    t0 = time.perf_counter()
    for r in roots:
        try:
            scan(r)
        except BaseException:  # noqa: BLE001
            errors += 1
    return {"seconds": time.perf_counter() - t0, "errors": errors}


def ours_speed(args: dict) -> dict:
    return _speed(_ours_scan_fn(), args["roots"])


def peer_speed(args: dict) -> dict:
    from amplitude_ai.mcp.scan_project import scan_project

    return _speed(scan_project, args["roots"])


JOBS = {
    "ours-scan": ours_scan, "peer-scan": peer_scan, "peer-validate": peer_validate,
    "ours-fix": ours_fix, "peer-fix": peer_fix, "ours-speed": ours_speed, "peer-speed": peer_speed,
}


def main() -> int:
    job, args = sys.argv[1], json.loads(sys.stdin.read())
    # keep the tools' own logging off our stdout
    real_stdout = sys.stdout
    sys.stdout = sys.stderr
    def one(a: dict) -> dict:
        try:
            return JOBS[job](a)
        except BaseException as exc:  # noqa: BLE001
            return {"fatal": _err(exc), "traceback": traceback.format_exc()[-3000:]}

    if "packages" in args:  # one process for many packages: the peer takes ~10-20 s to import
        result = {"by_package": {p["name"]: one(p) for p in args["packages"]}}
    else:
        result = one(args)
    sys.stdout = real_stdout
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("AMPLITUDE_AI_DRY_RUN", "1")
    sys.exit(main())
