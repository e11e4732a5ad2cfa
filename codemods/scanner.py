"""The one scanner: ``scan_source`` (one module) and ``scan_paths`` (a tree) → findings.

Every front end reads these results (``check``/``scan``/``fix``, the MCP tools, the
verify-test generator); none detects anything itself.

Per file: raw-text prefilter (``prefilter.py``) → ``libcst.parse_module`` → the resolver
(``resolve.py``) → call sites, client constructions, sessions, agents, ``patch()`` calls →
frameworks/handlers (``frameworks.py``) → positions from libcst's ``PositionProvider``
(only for files with findings).

Per tree (``scan_paths``): walk (skipping venvs, build output, caches, VCS folders and
``--exclude`` globs), prefilter, scan in a process pool when many files pass the prefilter,
then link the project: clients, factories and runtime re-exports that one module exports
(``from myapp.llm import client``, ``from myapp.amplitude_setup import OpenAI``) are
resolved in the modules importing them (those are re-scanned with the export table), and
project-wide facts are applied: ``patch()`` anywhere marks every site of the patched
providers instrumented; AmplitudeAIMiddleware on any FastAPI/Starlette app puts those
frameworks' handlers (and what they reach) in a session.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import pickle
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import libcst as cst

from . import providers as P
from .findings import AppSite, CallSite, FileReport, Handler, ImportSite, ProjectReport, SessionSite
from .frameworks import detect, user_id_source
from .infer import Chain, declared_as_project_type, endpoint_chain, evidence, opaque, pick
from .positions import ast_ranges, provider_ranges
from .prefilter import decode, names_provider, skip_reason
from .resolve import Analyzer, Ext, FuncV, Res, Scope, Str, _interesting_ext, dotted, root_name

SKIP_DIRS = {
    "node_modules",
    "site-packages",
    "__pycache__",
    "venv",
    "env",
    "build",
    "dist",
    "__pypackages__",
}
PARALLEL_THRESHOLD = 48  # files passing the prefilter before a process pool pays off
SESSION_METHODS = {"session": "session", "run_as": "run_as", "arun_as": "run_as"}


# -- one module -------------------------------------------------------------------------------
def _syntax_message(exc: Exception, source: str = "") -> str:
    try:  # CPython's messages point at the real culprit more often than libcst's
        import ast

        ast.parse(source)
    except SyntaxError as err:
        where = f"line {err.lineno}, column {err.offset}" if err.offset else f"line {err.lineno}"
        return f"does not parse: {where}: {err.msg}"
    except Exception:  # noqa: BLE001 - fall back to libcst's message
        pass
    if isinstance(exc, cst.ParserSyntaxError):
        return f"does not parse: line {exc.raw_line}, column {exc.raw_column + 1}: {exc.message}"
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"does not parse: {first}"


def scan_source(
    source: str,
    path: str = "<source>",
    *,
    module_name: str | None = None,
    project_packages: Iterable[str] = (),
    links: dict[str, dict[str, Any]] | None = None,
) -> FileReport:
    """Scan one module's text. ``path`` is reported as given (use a root-relative,
    ``/``-separated path); ``module_name`` (dotted) resolves relative imports;
    ``project_packages`` names top-level packages of the project (imports from them may be
    linked); ``links`` maps project module names to their exports (``scan_paths`` fills it).
    Never raises for bad source: a file that does not parse gets ``error`` set."""
    report = FileReport(path=path)
    try:
        module = _parse(source)
    except Exception as exc:  # noqa: BLE001 - ParserSyntaxError, RecursionError, odd encodings
        report.error = _syntax_message(exc, source)
        return report
    try:
        analyze(module, report, module_name, frozenset(project_packages), links, source)
    except RecursionError:
        report.error = "too deeply nested to analyse; left alone"
        report.call_sites.clear()
        report.clients.clear()
    return report


def _parse(source: str) -> cst.Module:
    """``libcst.parse_module``, without re-validating every node the parser builds when
    nothing else can be building nodes concurrently (a third of the parse time on real
    files: the parser's output is valid by construction). Only in a single-threaded process
    (the CLI, the scan workers); with other threads alive (an MCP server) nothing changes."""
    if threading.active_count() != 1:
        return cst.parse_module(source)
    from libcst._nodes.base import CSTNode

    original = CSTNode.__post_init__
    CSTNode.__post_init__ = _no_validation  # type: ignore[method-assign]
    try:
        return cst.parse_module(source)
    finally:
        CSTNode.__post_init__ = original  # type: ignore[method-assign]


def _no_validation(self: Any) -> None:
    return None


def _is_session_item(a: Analyzer, call: cst.Call, scope: Scope) -> str | None:
    if not isinstance(call.func, cst.Attribute) or call.func.attr.value not in SESSION_METHODS:
        return None
    receiver = a.evaluate(call.func.value, scope)
    kind = SESSION_METHODS[call.func.attr.value]
    if isinstance(receiver, Ext):
        if receiver.path.split(".")[0] == P.RUNTIME_MODULE or receiver.origin:
            return kind
        if not receiver.project:
            return None
    elif receiver is not None:
        return None
    # unresolved receiver (an agent imported from the project, a parameter): accept when the
    # file uses amplitude_ai or the receiver is obviously an agent/session
    text = (dotted(call.func.value) or "").lower()
    root = root_name(call.func.value)
    imported_from = ""
    if root is not None:
        for b in a.lookup(root.value, scope):
            if b[0] == "ext":
                imported_from = b[2].module
    if a.uses_runtime or "agent" in text or "amplitude" in imported_from or kind == "run_as":
        return kind
    return None


def _stream_kwarg(call: cst.Call) -> bool:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "stream":
            value = arg.value
            return not (isinstance(value, cst.Name) and value.value in ("False", "None"))
    return False


def analyze(
    module: cst.Module,
    report: FileReport,
    module_name: str | None,
    project_packages: frozenset[str],
    links: dict[str, dict[str, Any]] | None,
    source: str | None = None,
) -> Analyzer:
    a = Analyzer(module, report.path, module_name, project_packages, links)
    positioned: list[tuple[Any, cst.CSTNode, cst.CSTNode | None]] = []  # (finding, node, end node)

    # sessions (with blocks) and @observe
    session_withs: set[int] = set()
    for with_node, scope in a.withs:
        for item in with_node.items:
            if isinstance(item.item, cst.Call):
                kind = _is_session_item(a, item.item, scope)
                if kind:
                    session_withs.add(id(with_node))
                    site = SessionSite(report.path, 0, 0, kind, with_node.asynchronous is not None)
                    report.sessions.append(site)
                    positioned.append((site, with_node, None))
                    break
    observed: set[int] = set()
    for scope in a.functions:
        for deco in scope.decorators:
            func = deco.func if isinstance(deco, cst.Call) else deco
            v = a.evaluate(func, scope.parent or a.module_scope)
            if isinstance(v, Ext) and (v.path in P.OBSERVE_DECORATORS or (v.origin and v.path.endswith(".observe"))):
                observed.add(id(scope))
                site = SessionSite(report.path, 0, 0, "observe", scope.is_async)
                report.sessions.append(site)
                positioned.append((site, scope.node, None))

    # call sites, constructions, agents, call graph
    edges: dict[int, set[int]] = {}
    scope_by_id: dict[int, Scope] = {id(s): s for s in a.functions}
    site_funcs: list[tuple[CallSite, tuple]] = []
    agents: list[str] = []

    def add_site(
        node: cst.CSTNode, info: Any, provider: str, api: str, res: Res | None, reference: bool,
        chain: Chain | None = None,
    ) -> None:
        call = node if isinstance(node, cst.Call) else None
        client = res.client if res is not None else None
        last = api.rsplit(".", 1)[-1]
        streaming = bool(
            last in P.STREAM_APIS
            or (res is not None and res.streaming)
            or (chain is not None and chain.streaming)
            or (call is not None and _stream_kwarg(call))
        )
        is_async = bool(
            (res is not None and res.is_async)
            or (chain is not None and chain.aio)
            or last.endswith("_async")
            or last == "acreate"
            or id(node) in a.awaited
            or id(node) in a.async_ctx
        )
        in_session = any(id(w) in session_withs for w in info.withs) or any(id(f) in observed for f in info.funcs)
        wrapped = bool(client is not None and client.wrapped) or provider in a.patches
        site = CallSite(
            path=report.path,
            line=0,
            column=0,
            col_offset=0,
            end_line=0,
            end_col_offset=0,
            provider=provider,
            api=api,
            is_async=is_async,
            streaming=streaming,
            instrumented=wrapped,
            in_session=in_session,
            client_class=(client.qualname.rsplit(".", 1)[-1] if client is not None else None),
            via="reference" if reference else (res.via if res is not None else ("inferred" if chain else "module")),
            reference=reference,
            raw_response=bool((res is not None and res.raw) or (chain is not None and chain.raw)),
            function=info.funcs[-1].qualname if info.funcs else None,
            resolution="inferred" if chain is not None else "resolved",
        )
        if client is not None and client.site is not None:
            site.client_path = client.site.path
            site.client_line = client.site.line or None  # filled after positions (same file)
            site._client_site = client.site  # type: ignore[attr-defined]
        report.call_sites.append(site)
        positioned.append((site, node, None))
        site_funcs.append((site, info.funcs))

    kinds: list[set[str] | None] = []  # the file's SDK evidence, computed on first need

    def infer(node: cst.BaseExpression, info: Any, reference: bool, at: cst.CSTNode) -> None:
        chain = endpoint_chain(node)
        if chain is None:
            return
        base = chain.base
        if isinstance(base, cst.Name) and base.value == info.scope.self_name:
            return  # the method's own instance: a project class, not an SDK client
        if not opaque(a, a.evaluate(base, info.scope)) or declared_as_project_type(a, base, info.scope):
            return  # known to be something else (or already resolved)
        if not kinds:
            kinds.append(evidence(a.imports, source if source is not None else module.code))
        if kinds[0] is None:
            return
        picked = pick(chain.path, kinds[0])
        if picked is None:
            return
        provider, kind = picked
        api = ".".join(chain.path)
        if kind == P.GENERATIVEAI:
            api = f"GenerativeModel.{api}"
        add_site(at, info, provider, api, None, reference, chain)

    for info in a.calls:
        call = info.node
        a.evaluate(call, info.scope)
        f = a.evaluate(call.func, info.scope)
        if opaque(a, f):
            if isinstance(call.func, cst.Attribute) and call.func.attr.value in P.ENDPOINT_LAST_NAMES:
                infer(call.func, info, False, call)
        elif isinstance(f, Res):
            if f.via == "stored_method":
                continue  # reported where the method reference was taken
            if f.path in P.ENDPOINTS.get(f.client.kind, ()):
                api = ".".join(f.path)
                if f.client.kind == P.GENERATIVEAI:
                    api = f"GenerativeModel.{api}"
                add_site(call, info, f.client.provider, api, f, False)
        elif isinstance(f, Ext):
            if f.path in P.MODULE_ENDPOINTS:
                provider, api = P.MODULE_ENDPOINTS[f.path]
                add_site(call, info, provider, api, None, False)
            elif f.path.endswith((".agent", ".child")) and (
                f.path.split(".")[0] == P.RUNTIME_MODULE or f.origin
            ) and call.args:
                arg = call.args[0]
                if arg.keyword is None or arg.keyword.value == "agent_id":
                    v = a.evaluate(arg.value, info.scope)
                    if isinstance(v, Str) and v.value not in agents:
                        agents.append(v.value)
        elif isinstance(f, FuncV):
            src = id(info.funcs[-1]) if info.funcs else 0
            edges.setdefault(src, set()).add(id(f.scope))
    for info in a.refs:
        node = info.node
        if id(node) in a.call_funcs or id(node) in a.assign_targets:
            continue
        v = a.evaluate(node, info.scope)
        if isinstance(v, Res) and v.path in P.ENDPOINTS.get(v.client.kind, ()):
            api = ".".join(v.path)
            if v.client.kind == P.GENERATIVEAI:
                api = f"GenerativeModel.{api}"
            add_site(node, info, v.client.provider, api, v, True)
        elif opaque(a, v) and id(node) not in a.attr_bases:
            infer(node, info, True, node)

    for call_node, client_site, _scope in a.clients:
        if client_site.provider in a.patches and not client_site.instrumented:
            client_site.instrumented, client_site.wrapped_by = True, "patch"
        report.clients.append(client_site)
        positioned.append((client_site, call_node, None))
    report.agents = agents
    report.patches = sorted(a.patches)

    # frameworks and handlers
    fw = detect(a)
    report.frameworks = fw.frameworks
    middleware_apps = {app.name for app in fw.apps if app.has_middleware}
    for app in fw.apps:
        site = AppSite(report.path, app.name, app.framework, 0, 0, 0, 0, app.has_middleware)
        report.apps.append(site)
        positioned.append((site, app.statement or app.call, None))

    def closure(start: int) -> set[int]:
        seen, todo = {start}, [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    for h in fw.handlers:
        scope = h.scope
        node = scope.node
        assert isinstance(node, cst.FunctionDef)
        reach = closure(id(scope))
        sites = [s for s, funcs in site_funcs if any(id(f) in reach for f in funcs)]
        has_session = id(scope) in observed or any(
            _inside(ws, scope) for w, ws in a.withs if id(w) in session_withs
        )
        middleware = h.framework in ("fastapi", "starlette") and (
            (h.app in middleware_apps) or bool(middleware_apps)
        )
        if middleware:
            for s in sites:
                s.in_session = True
        for s in sites:
            s.handler = s.handler or scope.qualname
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        has_doc = bool(body) and _is_docstring(body[0])
        handler = Handler(
            path=report.path,
            name=scope.name,
            qualname=scope.qualname,
            line=0,
            column=0,
            col_offset=0,
            end_line=0,
            framework=h.framework,
            kind=h.kind,
            is_async=scope.is_async,
            reaches_llm=bool(sites),
            in_session=has_session or middleware,
            user_id_source=user_id_source(h, fw),
            route=h.route,
            app=h.app,
            has_docstring=has_doc,
        )
        report.handlers.append(handler)
        positioned.append((handler, node, body[1] if has_doc and len(body) > 1 else (body[0] if body else None)))
    del scope_by_id

    # imports worth reporting (only when something else was found)
    if report.call_sites or report.clients or report.handlers or report.apps or report.sessions:
        for imp in a.imports:
            if imp.provider or imp.module.split(".")[0] == P.RUNTIME_MODULE:
                existing = [i for i in report.imports if i.line == id(imp.node)]
                pair = [imp.name or imp.module, imp.asname]
                if existing:
                    existing[0].names.append(pair)
                    continue
                site = ImportSite(id(imp.node), 0, 0, 0, imp.module, [pair], imp.kind, imp.provider)
                report.imports.append(site)
                positioned.append((site, imp.node, None))

    if positioned:
        _apply_positions(source if source is not None else module.code, module, a, positioned)
    for s in report.call_sites:
        cs = s.__dict__.pop("_client_site", None)
        if cs is not None:
            s.client_line, s.client_column = cs.line or None, cs.column or None
    report.exports = a.exports()
    report.deps = sorted(a.deps)
    report.call_sites.sort(key=lambda s: (s.line, s.column))
    report.clients.sort(key=lambda c: (c.line, c.column))
    report.handlers.sort(key=lambda h: h.line)
    report.imports.sort(key=lambda i: i.line)
    _fill_client_imports(report)
    return a


def _inside(scope: Scope, target: Scope) -> bool:
    s: Scope | None = scope
    while s is not None:
        if s is target:
            return True
        s = s.parent
    return False


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _apply_positions(source: str, module: cst.Module, a: Analyzer, positioned: list) -> None:
    nodes = [node for _, node, _ in positioned]
    functions: dict[int, tuple[int, int]] = {}
    ranges = ast_ranges(source, a.order, {id(n) for n in nodes}, functions)
    if ranges is None or any(id(n) not in ranges for n in nodes):
        functions.clear()
        ranges = provider_ranges(module, nodes, functions)
    lines = source.splitlines()
    for finding, node, _extra in positioned:
        rng = ranges.get(id(node))
        if rng is None:
            continue
        line, col, end_line, end_col = rng
        if isinstance(finding, Handler):
            text = lines[line - 1] if 0 < line <= len(lines) else ""
            col = len(text) - len(text.lstrip())
            finding.line = finding.def_line = line
            finding.column, finding.col_offset = col + 1, col
            finding.end_line = end_line
            finding.decorator_line, finding.body_line = functions.get(id(node), (0, 0))
            finding.decorator_line = finding.decorator_line or line
            continue
        finding.line = line
        if hasattr(finding, "column"):
            finding.column, finding.col_offset = col + 1, col
        finding.end_line = end_line
        if hasattr(finding, "end_col_offset"):
            finding.end_col_offset = end_col


def _fill_client_imports(report: FileReport) -> None:
    for client in report.clients:
        for imp in report.imports:
            if imp.module == client.import_module and any(
                (n[1] or n[0]) == client.local_name or n[0] == client.import_name for n in imp.names
            ):
                client.import_line = imp.line
                break


# -- trees ------------------------------------------------------------------------------------
ProgressFn = Callable[[int, int], None]


def _excluded(rel: str, name: str, exclude: Sequence[str]) -> bool:
    for pattern in exclude:
        pat = pattern.rstrip("/")
        if fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(name, pat) or fnmatch.fnmatch(rel, pat + "/*"):
            return True
        if rel.startswith(pat + "/"):
            return True
    return False


def iter_python_files(paths: Sequence[str], root: Path, exclude: Sequence[str] = ()) -> list[Path]:
    """Python files under ``paths`` (files given explicitly are kept), sorted, de-duplicated,
    skipping virtualenvs (any folder holding ``pyvenv.cfg``), ``SKIP_DIRS``, hidden folders
    (``.git``, ``.venv``, ``.tox``, ``.mypy_cache`` ...) and ``exclude`` globs (matched against
    the root-relative path and the base name)."""
    found: set[Path] = set()

    def rel_of(p: Path) -> str:
        try:
            return p.relative_to(root).as_posix()
        except ValueError:
            return p.as_posix()

    def walk(folder: Path) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        if any(e.name == "pyvenv.cfg" for e in entries) and folder != root:
            return
        for entry in entries:
            name = entry.name
            p = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file()
            except OSError:
                continue
            if is_dir:
                if name.startswith(".") or name in SKIP_DIRS or name.endswith(".egg-info"):
                    continue
                if exclude and _excluded(rel_of(p), name, exclude):
                    continue
                walk(p)
            elif is_file and name.endswith(".py"):
                if exclude and _excluded(rel_of(p), name, exclude):
                    continue
                found.add(p)

    for raw in paths:
        p = Path(raw).absolute()
        if p.is_dir():
            walk(p)
        elif p.is_file():
            if not (exclude and _excluded(rel_of(p), p.name, exclude)):
                found.add(p)
    return sorted(found, key=lambda q: rel_of(q))


def module_name_for(rel: str) -> str | None:
    if not rel.endswith(".py") or rel.startswith("/"):
        return None
    parts = rel[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


# what may make a finding, seen in CPython's ast: the last two segments of an endpoint path or a
# stored resource (``completions.create``, ``chat.completions``, ``with_raw_response.create``),
# a single-segment endpoint (``converse``, ``generate_content``), a client class or wrapper name,
# session / wrapping helpers; boto3's ``.client`` only in files that mention bedrock
_HOLD_PAIRS = frozenset(
    (path[i - 1], path[i]) for paths in P.ENDPOINT_PREFIXES.values() for path in paths for i in range(1, len(path))
) | frozenset(tuple(name.split(".")[-2:]) for name in P.MODULE_ENDPOINTS)
_HOLD_TAILS = frozenset(t for _, t in _HOLD_PAIRS)
_LEGACY_SINGLE = frozenset(path[0] for path in P.ENDPOINTS[P.MISTRAL_LEGACY])  # chat, embeddings: mistral files only
_HOLD_SINGLE = frozenset(
    path[0] for kind, paths in P.ENDPOINTS.items() for path in paths if len(path) == 1 and kind != P.MISTRAL_LEGACY
) | frozenset(name.rsplit(".", 1)[1] for name in P.MODULE_ENDPOINTS if name.startswith("google."))
_HOLD_NAMES = frozenset(
    {n.rsplit(".", 1)[1] for n in [*P.CLIENT_CLASSES, *P.WRAPPER_CLASSES] if not n.endswith(".client")}
    | {"Session", "session", "run_as", "arun_as", "wrap", "patch", "observe"}
)
_RAW_SEGMENTS = frozenset({"with_raw_response", "with_streaming_response", "with_options", "aio"})


def _last_name(node: Any) -> str | None:
    import ast

    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _names_in(node: Any) -> set[str]:
    import ast

    out: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            out.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            out.add(sub.attr)
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            out.update(re.findall(r"\w+", sub.value))
    return out


def _quick_report(data: bytes, rel: str) -> FileReport | None:
    """CPython ``ast`` pre-check (≈10× cheaper than a libcst parse): a file that never uses an
    endpoint method, a client class or factory, amplitude_ai or a framework cannot hold a
    finding — typically a module importing a provider SDK for its types only. Returns its
    (empty) report with the SDK names it re-exports, or None when the file needs a real scan."""
    import ast

    if b"amplitude_ai" in data or _HANDLER_HINT_RE.search(data):
        return None
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the real scan reports it
    names = _HOLD_NAMES
    bedrock = b"bedrock" in data or b"Bedrock" in data
    mistral = b"mistral" in data
    exports: dict[str, Any] = {}
    for node in ast.walk(tree):
        kind = type(node)
        if kind is ast.Attribute:
            attr = node.attr
            if attr in _HOLD_SINGLE or (attr == "client" and bedrock) or (attr in _LEGACY_SINGLE and mistral):
                return None
            if attr in _HOLD_TAILS:
                value = node.value
                prev = value.attr if isinstance(value, ast.Attribute) else (
                    value.func.attr if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) else None
                )
                if prev is not None and ((prev, attr) in _HOLD_PAIRS or prev in _RAW_SEGMENTS):
                    return None
        elif kind is ast.Call:
            # a client construction / session / wrap call (a name only used as a type is no finding)
            if _last_name(node.func) in names:
                return None
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            # a factory typed `-> OpenAI`, an `@observe` handler
            if node.returns is not None and _names_in(node.returns) & names:
                return None
            if any(_last_name(d.func if isinstance(d, ast.Call) else d) in names for d in node.decorator_list):
                return None
        elif kind is ast.AnnAssign and node in tree.body:
            if _names_in(node.annotation) & names:  # module-level `client: OpenAI = make()`
                return None
        elif kind is ast.ImportFrom and not node.level and node.module:
            for alias in node.names:
                path = f"{node.module}.{alias.name}"
                if _interesting_ext(path):
                    exports[alias.asname or alias.name] = Ext(path)
        elif kind is ast.Import:
            for alias in node.names:
                if alias.asname and _interesting_ext(alias.name):
                    exports[alias.asname] = Ext(alias.name)
    report = FileReport(path=rel)
    report.exports = exports
    return report


def _scan_file(job: tuple[str, str, str | None, frozenset[str], dict | None]) -> FileReport:
    full, rel, module_name, packages, links = job
    try:
        data = Path(full).read_bytes()
    except OSError as exc:
        return FileReport(path=rel, error=f"cannot read: {exc.strerror or exc}")
    quick = _quick_report(data, rel)
    if quick is not None:
        return quick
    try:
        text = decode(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        return FileReport(path=rel, error=f"cannot decode: {exc}")
    return scan_source(text, rel, module_name=module_name, project_packages=packages, links=links)


def _run(jobs: list, workers: int, progress: ProgressFn | None, done_offset: int, total: int) -> list[FileReport]:
    results: list[FileReport] = []
    if workers > 1 and len(jobs) >= PARALLEL_THRESHOLD:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        try:
            ctx = multiprocessing.get_context("fork")
        except ValueError:
            ctx = multiprocessing.get_context()
        chunk = max(1, min(16, len(jobs) // (workers * 4)))
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            for i, report in enumerate(pool.map(_scan_file, jobs, chunksize=chunk)):
                results.append(report)
                if progress:
                    progress(done_offset + i + 1, total)
        return results
    for i, job in enumerate(jobs):
        results.append(_scan_file(job))
        if progress:
            progress(done_offset + i + 1, total)
    return results


def _has_findings(r: FileReport) -> bool:
    return bool(r.error or r.call_sites or r.clients or r.handlers or r.apps or r.sessions or r.agents or r.patches)


def _import_pattern(modules: Iterable[str]) -> re.Pattern[bytes]:
    """Import statements that may bring in a name from one of ``modules`` (absolute,
    relative or by suffix): ``from pkg.llm import x``, ``from .llm import x``,
    ``from . import llm``, ``import pkg.llm``."""
    lasts = sorted({m.rsplit(".", 1)[-1] for m in modules})
    alt = b"|".join(re.escape(w.encode()) for w in lasts)
    return re.compile(
        rb"^[ \t]*(?:from[ \t]+[\w.]*?\b(?:" + alt + rb")[ \t]+import\b"
        rb"|from[ \t]+[\w.]*[ \t]+import[^\n]*?\b(?:" + alt + rb")\b"
        rb"|import[ \t]+[^\n]*?\b(?:" + alt + rb")\b)",
        re.MULTILINE,
    )


def _imports_exported(data: bytes, module_name: str | None, rel: str, links: dict[str, dict[str, Any]]) -> bool:
    """Cheap check (CPython ``ast``, imports only) that a file imports a name some project
    module exports, before paying for a libcst parse."""
    import ast

    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True  # let the real scan report it
    package = (module_name or "").split(".")
    if not rel.endswith("__init__.py"):
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                if node.level - 1 > len(package):
                    continue
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                if _dep_matches(f"{module}.{alias.name}", links):
                    return True
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _dep_matches(alias.name, links) or any(k.startswith(alias.name + ".") for k in links):
                    return True
    return False


# a file that may define handlers (frameworks.py): worth parsing when it imports a module with call sites
_HANDLER_HINT_RE = re.compile(
    rb"^[ \t]*(?:from|import)[ \t]+(?:fastapi|starlette|flask|django|rest_framework|click|typer)\b|def[ \t]+\w*handler\w*[ \t]*\(",
    re.MULTILINE,
)


class _Everything(dict):
    """An export table holding every name (modules with call sites, for the importer probe)."""

    def __contains__(self, name: object) -> bool:
        return True

    def __bool__(self) -> bool:
        return True


def _dep_matches(dep: str, links: dict[str, dict[str, Any]]) -> bool:
    """Does the imported name ``dep`` (``pkg.mod.name`` or a module ``pkg.mod``) bring in
    something a project module exports? Only those importers are re-scanned."""
    if dep in links:
        return True
    module, _, name = dep.rpartition(".")
    exports = links.get(module)
    return bool(exports) and name in exports


def scan_paths(
    paths: Sequence[str | os.PathLike[str]],
    root: str | os.PathLike[str] | None = None,
    exclude: Sequence[str] = (),
    jobs: int | None = None,
    progress: ProgressFn | None = None,
) -> ProjectReport:
    """Scan files and trees. ``root`` (default: the single folder given, else the common
    parent) makes reported paths relative. ``jobs``: worker processes (default: all cores,
    used only above ``PARALLEL_THRESHOLD`` prefiltered files). ``progress(done, total)`` is
    called as files are parsed. Results are deterministic (sorted by path)."""
    str_paths = [os.fspath(p) for p in paths] or ["."]
    if root is None:
        absolute = [Path(p).absolute() for p in str_paths]
        if len(absolute) == 1 and absolute[0].is_dir():
            root_path = absolute[0]
        else:
            folders = [p if p.is_dir() else p.parent for p in absolute]
            root_path = Path(os.path.commonpath([str(f) for f in folders]))
    else:
        root_path = Path(root).absolute()
    files = iter_python_files(str_paths, root_path, exclude)
    report = ProjectReport(root=str(root_path))
    report.files_scanned = len(files)

    def rel_of(p: Path) -> str:
        try:
            return p.relative_to(root_path).as_posix()
        except ValueError:
            return p.as_posix()

    rels = [rel_of(p) for p in files]
    packages: set[str] = set()
    for rel in rels:
        parts = rel.split("/")
        if parts[0] == "src" and len(parts) > 1:
            parts = parts[1:]
        top = parts[0][:-3] if parts[0].endswith(".py") else parts[0]
        if top.isidentifier():
            packages.add(top)
    frozen = frozenset(packages)

    candidates: list[tuple[str, str, str | None, frozenset[str], dict | None]] = []
    others: list[tuple[Path, str]] = []
    cached: dict[str, FileReport] = {}
    keys: dict[str, tuple] = {}
    for p, rel in zip(files, rels):
        try:
            with open(p, "rb") as fh:
                data = fh.read(P_MAX_READ)
        except OSError as exc:
            report.skipped.append({"path": rel, "reason": f"cannot read: {exc.strerror or exc}"})
            continue
        reason = skip_reason(data)
        if reason:
            report.skipped.append({"path": rel, "reason": reason})
            continue
        if names_provider(data):
            job = (str(p), rel, module_name_for(rel), frozen, None)
            candidates.append(job)
            key = (rel, job[2], frozen, hashlib.blake2b(data, digest_size=16).digest())
            keys[rel] = key
            hit = _CACHE.get(key)
            if hit is not None:
                cached[rel] = pickle.loads(hit)
        else:
            others.append((p, rel))
    workers = jobs or min(2, os.cpu_count() or 1)
    todo = [c for c in candidates if c[1] not in cached]
    results = {r.path: r for r in _run(todo, workers, progress, 0, len(todo))}
    for rel, r in results.items():
        if len(_CACHE) >= CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[keys[rel]] = pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL)
    results.update(cached)
    parsed = len(candidates)  # passed the prefilter (parsed now or earlier: see _CACHE)

    # link the project: modules exporting clients / factories / runtime names
    for _round in range(2):
        links = {}
        reaching: dict[str, Any] = {}  # modules with call sites: any importer may hold a handler reaching them
        for cand in candidates:
            r = results.get(cand[1])
            if r is not None and cand[2] and (r.exports or r.call_sites):
                names = [cand[2], cand[2][4:]] if cand[2].startswith("src.") else [cand[2]]
                for name in names:
                    if r.exports:
                        links[name] = r.exports
                    if r.call_sites:
                        reaching[name] = _Everything()
        if not links and not reaching:
            break
        keys = list(links)
        rescan = [
            (c[0], c[1], c[2], frozen, links)
            for c in candidates
            if any(_dep_matches(d, links) for d in results[c[1]].deps)
        ]
        if _round == 0 and others:
            probe_links = {**links, **reaching}
            pattern = _import_pattern(probe_links)
            newly = []
            for p, rel in others:
                try:
                    data = p.read_bytes()
                except OSError:
                    continue
                if not pattern.search(data):
                    continue
                probe = probe_links if _HANDLER_HINT_RE.search(data) else links
                if probe and _imports_exported(data, module_name_for(rel), rel, probe):
                    newly.append((str(p), rel, module_name_for(rel), frozen, links))
            if newly:
                probe = {r.path: r for r in _run(newly, workers, None, 0, len(newly))}
                parsed += len(newly)
                for job in newly:
                    r = probe[job[1]]
                    results[job[1]] = r
                    candidates.append((job[0], job[1], job[2], frozen, None))
                others = []
        if not rescan:
            break
        for r in _run(rescan, workers, None, 0, len(rescan)):
            results[r.path] = r
    report.files_parsed = parsed

    files_out = [results[c[1]] for c in sorted(candidates, key=lambda c: c[1])]
    _finalize(report, files_out)
    return report


P_MAX_READ = 2_000_001
CACHE_SIZE = 4096
# first-pass reports by (path, module, project packages, content hash): repeated scans of a
# project in one process (the MCP server, an editor integration) only re-parse changed files
_CACHE: dict[tuple, bytes] = {}


def clear_cache() -> None:
    _CACHE.clear()


def _finalize(report: ProjectReport, files: list[FileReport]) -> None:
    patched = sorted({p for f in files for p in f.patches})
    report.patched = patched
    middleware = any(app.has_middleware for f in files for app in f.apps)
    for f in files:
        for s in f.call_sites:
            if not s.instrumented and s.provider in patched:
                s.instrumented = True
        for c in f.clients:
            if not c.instrumented and c.provider in patched:
                c.instrumented, c.wrapped_by = True, "patch"
        if middleware:
            web = {h.qualname for h in f.handlers if h.framework in ("fastapi", "starlette")}
            for h in f.handlers:
                if h.qualname in web:
                    h.in_session = True
            for s in f.call_sites:
                if s.handler in web:
                    s.in_session = True
    report.files = [f for f in files if _has_findings(f)]
