"""Plan and apply the transforms to a source, a file or a tree (``amplitude-ai fix``).

Planning reads only the scanner's findings (``scanner.scan_source``); nothing here
detects call sites or clients. The steps, each re-scanning the source the previous
step produced so positions are always fresh:

1. client constructions the scanner reports as not instrumented → ``SwapClient``
   (classes amplitude_ai subclasses) or ``WrapClient`` (``wrap(...)`` for the rest);
2. FastAPI/Starlette apps without the middleware, in a file or project with LLM calls
   → ``AddMiddleware``;
3. handlers (not FastAPI/Starlette: the middleware covers those) that are not in a
   session and contain an LLM call site → ``WrapSession``.

The bootstrap module. Rewritten code imports ``ai`` / ``agent`` with an absolute
``from <bootstrap_module> import ...``. ``bootstrap_module`` defaults to
``amplitude_setup``; its file is ``<project root>/<bootstrap_module with dots as
slashes>.py``, so the import resolves whenever the project root is on ``sys.path``
(running from the root, ``python -m pkg``, pytest with rootdir, an installed
package when a dotted name inside the package is given, e.g.
``--bootstrap-module myapp.amplitude_setup``). The project root is ``project_root``
when given, else the nearest folder above the file holding ``pyproject.toml``,
``setup.py``, ``setup.cfg`` or ``.git``, else the file's folder. The module is
rendered from ``templates/bootstrap.py.j2``, returned in ``created_files`` and written
by ``instrument_file``/``fix_paths`` only when it does not exist yet.

Planning reads ``findings.FileReport``: ``clients`` (``col_offset``, ``qualified_name``,
``instrumented``), ``apps`` (``has_middleware``), ``handlers`` (``reaches_llm``,
``in_session``, ``user_id_source``) and ``error``; the adapters below are the only code
that knows the model.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

DEFAULT_BOOTSTRAP_MODULE = "amplitude_setup"
ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")

# amplitude_ai subclasses a client class can be swapped for: (provider module root, class) -> wrapper
SWAPPABLE: dict[tuple[str, str], str] = {
    ("openai", "OpenAI"): "OpenAI",
    ("openai", "AsyncOpenAI"): "AsyncOpenAI",
    ("openai", "AzureOpenAI"): "AzureOpenAI",
    ("openai", "AsyncAzureOpenAI"): "AsyncAzureOpenAI",
    ("anthropic", "Anthropic"): "Anthropic",
    ("anthropic", "AsyncAnthropic"): "AsyncAnthropic",
    ("mistralai", "Mistral"): "Mistral",
    # the SDKs' own aliases
    ("openai", "Client"): "OpenAI",
    ("openai", "AsyncClient"): "AsyncOpenAI",
    ("anthropic", "Client"): "Anthropic",
    ("anthropic", "AsyncClient"): "AsyncAnthropic",
    # amplitude_ai.Gemini is a google.genai.Client subclass
    ("google.genai", "Client"): "Gemini",
}


def wrapper_for(qualified: str) -> str | None:
    """The amplitude_ai class a client class can be swapped for (None: use wrap())."""
    parts = qualified.split(".")
    if len(parts) < 2:
        return None
    package = ".".join(parts[:2]) if parts[0] == "google" else parts[0]
    return SWAPPABLE.get((package, parts[-1]))
SESSION_FRAMEWORKS_WITH_MIDDLEWARE = {"fastapi", "starlette"}


class InstrumentError(Exception):
    """A file that cannot be instrumented (does not parse, not text, unreadable).
    ``str()`` is ``"<path>: <reason>"``; ``reason`` alone is what a caller that prints the
    path itself should show."""

    def __init__(self, message: str, *, path: str | None = None, reason: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason or message


def _error(path: Any, reason: str) -> InstrumentError:
    return InstrumentError(f"{path}: {reason}", path=str(path), reason=reason)


@dataclass
class InstrumentResult:
    path: str
    new_source: str
    changed: bool
    diff: str
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created_files: dict[str, str] = field(default_factory=dict)


@dataclass
class FileFix:
    path: str
    changed: bool = False
    diff: str = ""
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class FixResult:
    files: list[FileFix] = field(default_factory=list)
    created_files: dict[str, str] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[FileFix]:
        return [f for f in self.files if f.changed]

    @property
    def errors(self) -> list[FileFix]:
        return [f for f in self.files if f.error]

    @property
    def diff(self) -> str:
        return "".join(f.diff for f in self.files)


# -- adapters over the scanner's findings -------------------------------------------------
# client constructions wrap() accepts (the rest are refused with a warning)
WRAPPABLE_PREFIXES = ("boto3.", "openai.", "anthropic.", "google.genai.", "mistralai.")


def _client_plan(report: Any) -> tuple[list, list[str]]:
    from .transforms._common import ClientTarget

    targets, warnings = [], []
    for client in report.clients:
        if client.instrumented:
            continue
        wrapper = wrapper_for(client.qualified_name)
        if wrapper is None and not client.qualified_name.startswith(WRAPPABLE_PREFIXES):
            warnings.append(
                f"{client.line}:{client.column}: {client.callee or client.qualified_name}: "
                f"amplitude_ai has no wrapper for {client.qualified_name}; instrument its calls by hand "
                "(track_ai_message) or move to a supported client"
            )
            continue
        targets.append(
            ClientTarget(
                line=client.line,
                column=client.col_offset,
                wrapper=wrapper,
                label=client.callee or client.qualified_name,
            )
        )
    return targets, warnings


def _client_targets(report: Any) -> list:
    return _client_plan(report)[0]


def _app_targets(report: Any, project_has_calls: bool) -> list:
    from .transforms._common import AppTarget

    if not (project_has_calls or report.call_sites):
        return []
    return [
        AppTarget(line=app.line, app=app.name)
        for app in report.apps
        if app.framework in SESSION_FRAMEWORKS_WITH_MIDDLEWARE and not app.has_middleware
    ]


def _handler_targets(report: Any) -> list:
    from .transforms._common import HandlerTarget

    return [
        HandlerTarget(
            line=handler.def_line or handler.line,
            name=handler.name,
            user_id=handler.user_id_source,
            kind=handler.framework,
        )
        for handler in report.handlers
        if handler.reaches_llm
        and not handler.in_session
        and handler.framework not in SESSION_FRAMEWORKS_WITH_MIDDLEWARE
    ]


def _parse_error(report: Any) -> str | None:
    return report.error or None


def _scan(source: str, path: str, bootstrap_module: str, root: Path, context: ScanContext | None = None) -> Any:
    """Scan with the bootstrap module known as a project module, so ``agent.session`` and
    clients bound through it are recognised (the scanner cannot know that name by itself),
    and, under ``fix_paths``, with the project's links (clients imported from other modules)."""
    from .scanner import module_name_for, scan_source

    module_name = None
    try:
        module_name = module_name_for(Path(path).resolve().relative_to(root).as_posix())
    except ValueError:
        pass
    packages = {bootstrap_module.split(".")[0], *(context.packages if context else ())}
    report = scan_source(
        source,
        path,
        module_name=module_name,
        project_packages=sorted(packages),
        links=(context.links or None) if context else None,
    )
    error = _parse_error(report)
    if error:
        raise _error(path, error if "left" in error else f"{error}; left untouched")
    return report


@dataclass(frozen=True)
class ScanContext:
    """What a per-file re-scan needs to see across files: the project's top-level packages
    and the modules exporting clients (from the project scan ``fix_paths`` starts with)."""

    packages: frozenset[str] = frozenset()
    links: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_project(cls, project: Any) -> ScanContext:
        from .scanner import module_name_for

        packages, links = set(), {}
        for report in project.files:
            parts = report.path.split("/")
            if parts[0] == "src" and len(parts) > 1:
                parts = parts[1:]
            top = parts[0][:-3] if parts[0].endswith(".py") else parts[0]
            if top.isidentifier():
                packages.add(top)
            name = module_name_for(report.path)
            if name and report.exports:
                links[name] = report.exports
                if name.startswith("src."):
                    links[name[4:]] = report.exports
        return cls(frozenset(packages), links)


# -- paths ---------------------------------------------------------------------------------
def find_project_root(path: str | os.PathLike[str]) -> Path:
    start = Path(path).resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in ROOT_MARKERS):
            return candidate
    return folder


def bootstrap_path(root: str | os.PathLike[str], bootstrap_module: str) -> Path:
    return Path(root).joinpath(*bootstrap_module.split(".")).with_suffix(".py")


def _default_agent_id(root: Path) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", root.name.lower()).strip("-")
    return slug or "my-agent"


def _validate_module_name(name: str) -> str:
    if not all(part.isidentifier() for part in name.split(".")):
        raise InstrumentError(f"--bootstrap-module {name!r} is not a dotted Python module name")
    return name


# -- one source ----------------------------------------------------------------------------
def _apply(transform_cls, targets: Sequence, source: str, path: str, setup) -> tuple[str, list[str], list[str]]:
    import libcst as cst
    from libcst.codemod import CodemodContext

    if not targets:
        return source, [], []
    transform = transform_cls(CodemodContext(filename=path), targets, setup)
    new_source = transform.transform_module(cst.parse_module(source)).code
    return new_source, transform.outcome.changes, transform.outcome.warnings


def instrument_source(
    source: str,
    path: str = "<source>",
    *,
    agent_id: str | None = None,
    bootstrap_module: str | None = None,
    project_root: str | os.PathLike[str] | None = None,
    project_has_calls: bool = False,
    scan_context: ScanContext | None = None,
) -> InstrumentResult:
    """Instrument one module's source. Raises ``InstrumentError`` when it does not parse.
    ``project_has_calls`` / ``scan_context`` come from ``fix_paths``' project scan."""
    from .transforms import AddMiddleware, Setup, SwapClient, WrapClient, WrapSession

    module = _validate_module_name(bootstrap_module or DEFAULT_BOOTSTRAP_MODULE)
    setup = Setup(bootstrap_module=module)
    root = Path(project_root).resolve() if project_root else find_project_root(path if path != "<source>" else ".")
    boot = bootstrap_path(root, module)
    result = InstrumentResult(path=path, new_source=source, changed=False, diff="")
    if path != "<source>" and Path(path).resolve() == boot:
        return result  # never instrument the bootstrap module itself

    current = source
    report = _scan(current, path, module, root, scan_context)
    result.warnings += _client_plan(report)[1]
    result.warnings += [
        f"{site.line}:{site.column}: {site.provider} {site.api} goes through the SDK's module-level client, "
        "which fix cannot rewrite: build a client (then run fix again) or call amplitude_ai.patch()"
        for site in report.call_sites
        if site.via == "module" and not site.instrumented
    ]
    steps = (
        (SwapClient, lambda r: [t for t in _client_targets(r) if t.wrapper]),
        (WrapClient, lambda r: [t for t in _client_targets(r) if not t.wrapper]),
        (AddMiddleware, lambda r: _app_targets(r, project_has_calls)),
        (WrapSession, _handler_targets),
    )
    # a step with nothing to do on the first report has nothing to do later either (client
    # rewrites create no apps or handlers): skip it, and skip re-scans nobody needs
    pending = [(cls, plan) for cls, plan in steps if plan(report)]
    for index, (transform_cls, plan) in enumerate(pending):
        new_source, changes, warnings = _apply(transform_cls, plan(report), current, path, setup)
        result.changes += changes
        result.warnings += warnings
        if new_source != current:
            current = new_source
            if index + 1 < len(pending):
                report = _scan(current, path, module, root, scan_context)

    result.new_source = current
    result.changed = current != source
    if result.changed:
        result.diff = unified_diff(source, current, path)
        if f"from {module} import" in current and not boot.exists():
            result.created_files[str(boot)] = render_bootstrap(agent_id or _default_agent_id(root))
    return result


def render_bootstrap(agent_id: str) -> str:
    from ..templates import render

    return render("bootstrap.py", agent_id=agent_id)


def unified_diff(before: str, after: str, path: str) -> str:
    label = path.replace(os.sep, "/")
    old, new = (label, label) if os.path.isabs(path) else (f"a/{label}", f"b/{label}")
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), old, new)
    out = []
    for line in lines:
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


# -- files ---------------------------------------------------------------------------------
def read_source(path: str | os.PathLike[str]) -> tuple[str, str]:
    """(text, encoding) exactly as stored: newlines untranslated, PEP 263 cookie and BOM honoured."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise _error(path, f"cannot read ({exc.strerror or exc})") from None
    if b"\x00" in data:
        raise _error(path, "binary file, not Python source; left untouched")
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
        return data.decode(encoding), encoding
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        raise _error(path, f"not decodable Python source ({exc}); left untouched") from None


def write_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8", *, mode: int | None = None) -> None:
    """Write via a temporary file in the same folder + ``os.replace``: all or nothing."""
    target = Path(path)
    data = text.encode(encoding)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None and target.exists():
            mode = stat.S_IMODE(target.stat().st_mode)
        os.chmod(tmp, mode if mode is not None else 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_created_files(created: dict[str, str]) -> list[str]:
    """Write files ``instrument_*`` created (the bootstrap module) only when they do not exist."""
    written = []
    for path, text in created.items():
        if Path(path).exists():
            continue
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
        written.append(path)
    return written


def instrument_file(
    path: str | os.PathLike[str],
    *,
    write: bool = False,
    agent_id: str | None = None,
    bootstrap_module: str | None = None,
    project_root: str | os.PathLike[str] | None = None,
    project_has_calls: bool = False,
    scan_context: ScanContext | None = None,
) -> InstrumentResult:
    """Instrument one file; with ``write=True`` the bootstrap module (when missing) and then
    the file are written atomically. Raises ``InstrumentError`` and writes nothing when the
    file cannot be read, decoded or parsed."""
    source, encoding = read_source(path)
    result = instrument_source(
        source,
        str(path),
        agent_id=agent_id,
        bootstrap_module=bootstrap_module,
        project_root=project_root,
        project_has_calls=project_has_calls,
        scan_context=scan_context,
    )
    if write and result.changed:
        try:
            result.new_source.encode(encoding)
        except UnicodeEncodeError as exc:
            raise _error(path, f"the result cannot be stored as {encoding} ({exc}); left untouched") from None
        write_created_files(result.created_files)
        write_atomic(path, result.new_source, encoding)
    return result


# -- trees ---------------------------------------------------------------------------------
def _needs_work(report: Any, project_has_calls: bool) -> bool:
    if _parse_error(report):
        return True
    return bool(_client_targets(report) or _app_targets(report, project_has_calls) or _handler_targets(report))


def fix_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    diff_only: bool = False,
    agent_id: str | None = None,
    bootstrap_module: str | None = None,
    exclude: Sequence[str] = (),
    root: str | os.PathLike[str] | None = None,
) -> FixResult:
    """``amplitude-ai fix``: scan the tree once, instrument the files that need it, write
    (unless ``diff_only``) the bootstrap module once and each changed file atomically."""
    from .scanner import scan_paths

    project_root = Path(root).resolve() if root else find_project_root(paths[0] if paths else ".")
    project = scan_paths([str(p) for p in paths], exclude=list(exclude), root=str(project_root))
    has_calls = bool(project.call_sites)
    context = ScanContext.from_project(project)
    result = FixResult()
    for report in project.files:
        rel_path = report.path
        if not _needs_work(report, has_calls):
            continue
        full = Path(rel_path) if Path(rel_path).is_absolute() else project_root / rel_path
        fix = FileFix(path=rel_path)
        try:
            outcome = instrument_file(
                full,
                write=False,
                agent_id=agent_id,
                bootstrap_module=bootstrap_module,
                project_root=project_root,
                project_has_calls=has_calls,
                scan_context=context,
            )
        except InstrumentError as exc:
            fix.error = exc.reason
            result.files.append(fix)
            continue
        fix.changed, fix.changes, fix.warnings = outcome.changed, outcome.changes, outcome.warnings
        fix.diff = unified_diff(read_source(full)[0], outcome.new_source, rel_path) if outcome.changed else ""
        for created, text in outcome.created_files.items():
            result.created_files.setdefault(created, text)
        if outcome.changed and not diff_only:
            try:
                result.written += write_created_files(
                    {k: v for k, v in result.created_files.items() if k not in result.written}
                )
                write_atomic(full, outcome.new_source, read_source(full)[1])
                result.written.append(str(full))
            except (OSError, UnicodeEncodeError) as exc:
                fix.error = f"cannot write ({exc}); left untouched"
        result.files.append(fix)
    return result
