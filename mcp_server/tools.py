"""The MCP tools: typed adapters over the engine (``amplitude_ai.codemods``) and the runtime.

No detection happens here. Each tool checks its paths and sizes (``paths.py``), calls
the module that owns the behaviour, masks secrets in findings (``masking.py``) and
returns a pydantic model, so every tool declares its output schema. Every failure
is a ``ToolError`` with a message meant for the model that called the tool.
"""

from __future__ import annotations

import glob
import importlib
import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
from mcp.server.mcpserver import ListRoots, Resolve
from mcp.server.mcpserver.context import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ListRootsResult
from mcp_types.version import is_version_at_least
from pydantic import BaseModel, ConfigDict, Field

from . import docs_search, paths, patterns
from .masking import mask_data, mask_text

log = logging.getLogger("amplitude_ai.mcp")


# --------------------------------------------------------------------------- roots


_INPUT_REQUIRED_VERSION = "2026-07-28"  # from this protocol revision on, roots ride InputRequiredResult


async def client_roots(ctx: Context) -> ListRootsResult | ListRoots | None:
    """Resolver: the client's roots when it declares the roots capability, else None.

    On protocol revisions >= 2026-07-28 the SDK asks through ``InputRequiredResult``; on older
    ones we send ``roots/list`` ourselves so that a client that declares the capability but
    fails to answer only loses its roots (the working directory and AMPLITUDE_AI_MCP_ROOTS
    still apply) instead of failing the call.
    """
    caps = ctx.client_capabilities
    if caps is None or caps.roots is None:
        return None
    version = ctx.protocol_version
    if version is not None and is_version_at_least(version, _INPUT_REQUIRED_VERSION):
        return ListRoots()
    try:
        with anyio.fail_after(10), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # roots are deprecated in the newest revision, not in this one
            return await ctx.session.list_roots()
    except Exception as exc:  # the client's answer is its business; ours is to keep serving
        log.warning("roots/list failed (%s); using the server's own roots only", exc)
        return None


ClientRoots = Annotated[ListRootsResult | None, Resolve(client_roots)]


def _roots(client: ListRootsResult | None) -> list[Path]:
    uris = [str(root.uri) for root in client.roots] if client is not None else []
    return paths.allowed_roots(uris)


# --------------------------------------------------------------------------- helpers


def _import(module: str, what: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ToolError(
            f"{what} is not available in this installation ({module}: {exc}). "
            "Install the instrumentation extra: pip install 'amplitude-ai[instrument]'"
        ) from None


@contextmanager
def _failures(what: str) -> Iterator[None]:
    """Turn any failure of the code we call into one clear ToolError (the server keeps serving)."""
    try:
        yield
    except ToolError:
        raise
    except RecursionError:
        raise ToolError(f"{what} failed: the input is nested too deeply to analyse") from None
    except (SyntaxError, ValueError, OSError, KeyError, TypeError, LookupError) as exc:
        log.debug("%s failed", what, exc_info=True)
        raise ToolError(f"{what} failed: {mask_text(str(exc)) or type(exc).__name__}") from None
    except Exception as exc:  # the engine's own bugs still reach the client as a clear message
        log.warning("%s raised an unexpected exception", what, exc_info=True)
        raise ToolError(f"{what} failed unexpectedly: {type(exc).__name__}: {mask_text(str(exc))}") from None


@contextmanager
def _engine_refusals(engine: Any) -> Iterator[None]:
    """The engine's own refusals (does not parse, cannot be stored...) carry a finished message."""
    refusal = getattr(engine, "InstrumentError", None)
    try:
        yield
    except Exception as exc:
        if refusal is not None and isinstance(exc, refusal):
            raise ToolError(mask_text(str(exc))) from None
        raise


def _to_dict(value: Any) -> Any:
    """Engine results may be dicts, dataclasses, NamedTuples or objects with ``to_dict()``."""
    if isinstance(value, dict):
        return value
    for attr in ("to_dict", "model_dump", "_asdict"):
        method = getattr(value, attr, None)
        if callable(method):
            return method()
    if hasattr(value, "__dataclass_fields__"):
        import dataclasses

        return dataclasses.asdict(value)
    return value


def _jsonable(value: Any) -> Any:
    value = _to_dict(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return value.as_posix()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "__dict__"):
        return _jsonable(dict(vars(value)))
    return str(value)


def _one_of(file_path: str | None, source: str | None) -> None:
    if (file_path is None) == (source is None):
        raise ToolError("pass exactly one of file_path (a file inside the allowed roots) or source (the code itself)")


# --------------------------------------------------------------------------- output models


class _Open(BaseModel):
    """Engine-shaped data: the declared fields are guaranteed, extra fields pass through."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class CallSite(_Open):
    path: str = Field(description="Path relative to the scanned root, '/'-separated")
    line: int
    column: int
    provider: str = Field(description="openai, anthropic, gemini, bedrock or mistral")
    api: str = Field(description="Endpoint, e.g. chat.completions.create")
    is_async: bool = Field(alias="async")
    streaming: bool
    instrumented: bool
    in_session: bool


class ScanReport(_Open):
    root: str
    frameworks: list[Any]
    providers: list[Any]
    clients: list[Any]
    handlers: list[Any]
    agents: list[Any]
    recommendations: list[Any]
    call_sites: list[CallSite]


class SiteStatus(CallSite):
    status: str = Field(description="ok | instrumented, no session | not instrumented")
    next_steps: list[str] = Field(description="What to do for this call site, concretely")


class FileValidation(_Open):
    file_path: str | None = Field(description="The validated file (absolute), or null for inline source")
    call_sites: list[SiteStatus]
    summary: dict[str, Any] = Field(description="Counts and percentages: call sites, instrumented, in session")
    error: str | None = Field(description="Why the file could not be analysed (e.g. it does not parse), else null")
    recommendations: list[Any]


class CreatedFile(BaseModel):
    path: str
    content: str


class InstrumentResult(BaseModel):
    file_path: str | None = Field(description="The instrumented file (absolute), or null for inline source")
    changed: bool
    diff: str = Field(description="Unified diff of the change (exact, not masked)")
    new_source: str = Field(description="The complete new source (exact, not masked)")
    changes: list[Any] = Field(description="What was changed, one entry per transform applied")
    warnings: list[str] = Field(description="What was left alone and why")
    created_files: list[CreatedFile] = Field(
        description="Files the change needs that do not exist yet (the bootstrap module); written with write=True"
    )
    written: bool = Field(description="True when write=True and the files were written")


class VerifyTest(BaseModel):
    path: str = Field(description="Where the test goes (absolute)")
    source: str = Field(description="The pytest file")
    warnings: list[str]
    written: bool


class PropertyInfo(_Open):
    name: str
    type: str
    required: bool
    description: str


class EventInfo(_Open):
    event_type: str
    description: str
    properties: list[PropertyInfo]


class EventSchema(BaseModel):
    event_type: str | None = Field(description="The event type asked for, or null for the whole catalog")
    events: list[EventInfo]
    common_properties: list[PropertyInfo]
    property_types: dict[str, str]


class IntegrationPatterns(BaseModel):
    patterns: list[patterns.Pattern]


class SetupCheck(BaseModel):
    name: str
    ok: bool
    detail: str


class Dependency(BaseModel):
    name: str
    installed: bool
    version: str | None
    needed_for: str


class EnvVar(BaseModel):
    name: str
    set: bool
    value: str | None = Field(description="The value, masked when it is a secret")


class SetupReport(BaseModel):
    ok: bool
    python: str
    sdk_version: str
    environment: list[EnvVar]
    dependencies: list[Dependency]
    checks: list[SetupCheck]
    next_steps: list[str]


class DocsResult(BaseModel):
    query: str
    sources: list[str]
    results: list[docs_search.DocHit]


# --------------------------------------------------------------------------- tools

RootPath = Annotated[str, Field(description="Project directory: absolute, or relative to the server's working directory")]
FilePath = Annotated[
    str | None, Field(description="A Python file inside the allowed roots (absolute or relative to the server's cwd)")
]
Source = Annotated[str | None, Field(description="Python source to analyse instead of a file (at most 2 MB)")]


def scan_project(
    root_path: RootPath,
    exclude: Annotated[list[str] | None, Field(description="Glob patterns to skip, like `amplitude-ai scan --exclude`")] = None,
    client_roots: ClientRoots = None,
) -> ScanReport:
    """Scan a project for LLM call sites, provider clients, handlers and frameworks.

    Returns the same report as `amplitude-ai scan PATH --json`. A call site is done when it is
    both `instrumented` and `in_session`.
    """
    roots = _roots(client_roots)
    root = paths.resolve_path(root_path, roots, kind="dir", argument="root_path")
    if exclude and (len(exclude) > 200 or any(len(e) > 500 for e in exclude)):
        raise ToolError("exclude: at most 200 patterns of at most 500 characters")
    api = _import("amplitude_ai.codemods.api", "The scanner")
    report = _scan(api, root, roots, tuple(exclude or ()), root_path)
    return ScanReport.model_validate(mask_data(report))


def _scan_report(api: Any, root: Path, roots: list[Path], exclude: tuple[str, ...], shown: str) -> Any:
    """The engine's ``ProjectReport`` for ``root``: bounded, and never reading through a file
    symlink that leaves the roots (the scanner does not follow directory symlinks)."""
    from amplitude_ai.codemods.scanner import SKIP_DIRS

    survey = paths.survey_tree(root, roots, skip_dirs=SKIP_DIRS)
    if survey.python_files > paths.MAX_SCAN_FILES:
        raise ToolError(
            f"root_path {shown!r} holds more than {paths.MAX_SCAN_FILES:,} Python files; "
            "scan a sub-directory or pass exclude patterns"
        )
    # exact (glob-escaped) root-relative paths; the scanner also matches patterns against base names
    hidden = tuple(glob.escape(rel) for rel in survey.escaping_links)
    with _failures("scan_project"):
        return api.scan(root, exclude + hidden)


def _scan(api: Any, root: Path, roots: list[Path], exclude: tuple[str, ...], shown: str) -> dict[str, Any]:
    report = _scan_report(api, root, roots, exclude, shown)
    with _failures("scan_project"):
        return _jsonable(report)


def validate_file(
    file_path: FilePath = None,
    source: Source = None,
    client_roots: ClientRoots = None,
) -> FileValidation:
    """List the LLM call sites of one file (or of inline source) with their status and next steps."""
    _one_of(file_path, source)
    roots = _roots(client_roots)
    if file_path is not None:
        path = paths.resolve_path(file_path, roots, kind="file")
        text, _encoding = paths.read_source_file(path)
        api = _import("amplitude_ai.codemods.api", "The scanner")
        engine = _import("amplitude_ai.codemods.instrument", "The instrumentation engine")
        project_root = Path(engine.find_project_root(path)).resolve()
        with _failures("validate_file"):
            if any(project_root == r or r in project_root.parents for r in roots):
                # the engine follows the file's imports of other project modules (one level)
                result = _jsonable(api.validate_file(file_path=str(path), source=text))
            else:  # the project reaches outside the roots: analyse the file alone
                result = _jsonable(api.validate_file(source=text))
        result["file_path"] = path.as_posix()
    else:
        assert source is not None
        paths.check_source(source)
        api = _import("amplitude_ai.codemods.api", "The scanner")
        with _failures("validate_file"):
            result = _jsonable(api.validate_file(source=source))
        result.setdefault("file_path", None)
    return FileValidation.model_validate(mask_data(result))


def instrument_file(
    file_path: FilePath = None,
    source: Source = None,
    agent_id: Annotated[str | None, Field(description="Agent id for the bootstrap module, e.g. 'support-bot'")] = None,
    bootstrap_module: Annotated[
        str | None, Field(description="Dotted module that holds `ai` (default: amplitude_setup)")
    ] = None,
    write: Annotated[
        bool, Field(description="False: preview (diff + new source). True: write the file and create the bootstrap module")
    ] = False,
    client_roots: ClientRoots = None,
) -> InstrumentResult:
    """Instrument one file: wrapper clients bound to the project's AmplitudeAI instance, session context
    for handlers, the bootstrap module import. Preview first (write=False), then write=True.
    """
    _one_of(file_path, source)
    for name, value in (("agent_id", agent_id), ("bootstrap_module", bootstrap_module)):
        if value is not None and (not value.strip() or len(value) > 200 or "\x00" in value):
            raise ToolError(f"{name} must be a non-empty string of at most 200 characters")
    if bootstrap_module is not None and not all(part.isidentifier() for part in bootstrap_module.split(".")):
        raise ToolError(f"bootstrap_module {bootstrap_module!r} is not a dotted Python module name")
    roots = _roots(client_roots)
    encoding = "utf-8"
    if file_path is not None:
        path: Path | None = paths.resolve_path(file_path, roots, kind="file")
        assert path is not None
        text, encoding = paths.read_source_file(path)
        display_path: str | None = path.as_posix()
    else:
        if write:
            raise ToolError("write=True needs file_path: inline source has no file to write")
        assert source is not None
        text = paths.check_source(source)
        path = None
        display_path = None
    engine = _import("amplitude_ai.codemods.instrument", "The instrumentation engine")
    project_root = _project_root(engine, path, roots)
    with _failures("instrument_file"), _engine_refusals(engine):
        result = engine.instrument_source(
            text,
            str(path) if path is not None else "<source>",
            agent_id=agent_id,
            bootstrap_module=bootstrap_module,
            project_root=str(project_root),
        )
    new_source: str = result.new_source
    created: dict[str, str] = dict(getattr(result, "created_files", None) or {})
    # Every file the change creates must lie inside the roots too: check all before writing any.
    targets = {
        str(paths.resolve_path(str(Path(p) if Path(p).is_absolute() else project_root / p), roots,
                               must_exist=False, argument="bootstrap module")): content
        for p, content in created.items()
    }
    written = False
    if write and path is not None and result.changed:
        with _failures("instrument_file (write)"):
            try:
                new_source.encode(encoding)
            except UnicodeEncodeError as exc:
                raise ToolError(f"{path}: the result cannot be stored as {encoding} ({exc}); nothing written") from None
            with _engine_refusals(engine):
                engine.write_created_files(targets)
                engine.write_atomic(path, new_source, encoding)
        written = True
    return InstrumentResult(
        file_path=display_path,
        changed=bool(result.changed),
        diff=result.diff or "",
        new_source=new_source,
        changes=mask_data([_jsonable(c) for c in result.changes or []]),
        warnings=[mask_text(str(w)) for w in result.warnings or []],
        created_files=[CreatedFile(path=p, content=c) for p, c in sorted(targets.items())],
        written=written,
    )


def _project_root(engine: Any, path: Path | None, roots: list[Path]) -> Path:
    """Where the bootstrap module goes: the engine's project root for the file (nearest
    pyproject.toml / setup.py / .git) when it lies inside the allowed roots, else the
    innermost allowed root holding the file. Inline source: the working directory."""
    if path is None:
        return Path.cwd()
    candidate = Path(engine.find_project_root(path)).resolve()
    if any(candidate == r or r in candidate.parents for r in roots):
        return candidate
    containing = [r for r in roots if r in path.parents]
    return max(containing, key=lambda r: len(r.parts)) if containing else path.parent


def generate_verify_test(
    root_path: RootPath,
    write: Annotated[bool, Field(description="Write the test into the project (tests/test_amplitude_verify.py)")] = False,
    client_roots: ClientRoots = None,
) -> VerifyTest:
    """Generate a pytest file that proves the project's instrumentation works (no network, no keys)."""
    roots = _roots(client_roots)
    root = paths.resolve_path(root_path, roots, kind="dir", argument="root_path")
    target = paths.resolve_path(
        str(root / "tests" / "test_amplitude_verify.py"), roots, must_exist=False, argument="verify test path"
    )
    api = _import("amplitude_ai.codemods.api", "The scanner")
    verify = _import("amplitude_ai.codemods.verify", "The verify-test generator")
    report = _scan_report(api, root, roots, (), root_path)
    with _failures("generate_verify_test"):
        result = _jsonable(verify.generate_verify_test(root, output=str(target), write=False, report=report))
    source_text: str = result["source"]
    notes = [mask_text(str(w)) for w in result.get("warnings") or []]
    if write:
        engine = _import("amplitude_ai.codemods.instrument", "The instrumentation engine")
        with _failures("generate_verify_test (write)"):
            target.parent.mkdir(parents=True, exist_ok=True)
            engine.write_atomic(target, source_text)
    return VerifyTest(path=target.as_posix(), source=source_text, warnings=notes, written=write)


def get_event_schema(
    event_type: Annotated[
        str | None, Field(description="An event type such as '[Agent] AI Response'; omit for every event")
    ] = None,
) -> EventSchema:
    """The [Agent] event catalog: event types, their properties, types and required flags."""
    if event_type is not None and len(event_type) > 200:
        raise ToolError("event_type is longer than 200 characters")
    catalog = _import("amplitude_ai.catalog", "The event catalog")
    with _failures("get_event_schema"):
        everything = catalog.get_event_schema()
        events = list(everything["events"].values())
        if event_type is not None:
            events = [catalog.get_event_schema(event_type)]
    return EventSchema.model_validate(
        {
            "event_type": event_type,
            "events": events,
            "common_properties": everything["common_properties"],
            "property_types": everything["property_types"],
        }
    )


def get_integration_pattern(
    pattern_id: Annotated[
        Literal[tuple(patterns.PATTERN_IDS)] | None,  # type: ignore[valid-type]
        Field(description="One pattern id; omit for all patterns"),
    ] = None,
) -> IntegrationPatterns:
    """Canonical instrumentation code patterns (bootstrap, wrappers, sessions, middleware, multi-agent, tiers)."""
    if pattern_id is None:
        return IntegrationPatterns(patterns=list(patterns.PATTERNS))
    found = patterns.get_pattern(pattern_id)
    if found is None:  # unreachable through the schema; kept for direct calls
        raise ToolError(f"unknown pattern_id {pattern_id!r}; known: {', '.join(patterns.PATTERN_IDS)}")
    return IntegrationPatterns(patterns=[found])


def suggest_instrumentation(
    framework: Annotated[patterns.Framework, Field(description="The app's framework or entry-point kind")],
    provider: Annotated[patterns.Provider, Field(description="The LLM provider SDK the app uses")],
    content_tier: Annotated[
        patterns.ContentTier, Field(description="What content may leave the process")
    ] = "full",
) -> patterns.Suggestion:
    """Concrete next steps and code for a framework + provider + content tier."""
    return patterns.suggest(framework, provider, content_tier)


_DEPENDENCIES: list[tuple[str, str, str]] = [
    # (import name, distribution, needed for)
    ("amplitude", "amplitude-analytics", "runtime (event delivery)"),
    ("genai_prices", "genai-prices", "runtime (cost)"),
    ("libcst", "libcst", "instrumentation tools"),
    ("jinja2", "jinja2", "instrumentation tools (bootstrap, verify test)"),
    ("mcp", "mcp", "this MCP server"),
    ("openai", "openai", "provider: OpenAI / Azure OpenAI"),
    ("anthropic", "anthropic", "provider: Anthropic"),
    ("google.genai", "google-genai", "provider: Gemini"),
    ("boto3", "boto3", "provider: Bedrock"),
    ("mistralai", "mistralai", "provider: Mistral"),
]
_PROVIDER_DIST = {"openai": "openai", "anthropic": "anthropic", "gemini": "google-genai", "bedrock": "boto3", "mistral": "mistralai"}
_ENV = [
    ("AMPLITUDE_AI_API_KEY", True),
    ("AMPLITUDE_AI_SERVER_URL", False),
    ("AMPLITUDE_AI_CONTENT_MODE", False),
    ("AMPLITUDE_AI_DEBUG", False),
    ("AMPLITUDE_AI_DRY_RUN", False),
    (paths.ROOTS_ENV, False),
]


def _dependency(import_name: str, dist: str, needed_for: str) -> Dependency:
    from importlib import metadata, util

    try:
        found = util.find_spec(import_name) is not None
    except (ImportError, ValueError):
        found = False
    version = None
    if found:
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = None
    return Dependency(name=dist, installed=found, version=version, needed_for=needed_for)


def _mock_capture() -> SetupCheck:
    try:
        from amplitude_ai import MockAmplitudeAI

        mock = MockAmplitudeAI()
        agent = mock.agent("validate-setup", user_id="setup-user")
        with agent.session(session_id="validate-setup-session") as s:
            s.track_user_message(content="ping")
            s.track_ai_message(content="pong", model="gpt-4o-mini", provider="openai", latency_ms=1.0)
        types = [e.get("event_type") if isinstance(e, dict) else getattr(e, "event_type", None) for e in mock.events]
        expected = {"[Agent] User Message", "[Agent] AI Response", "[Agent] Session End"}
        missing = expected - set(types)
        if missing:
            return SetupCheck(name="mock_capture", ok=False, detail=f"captured {types}; missing {sorted(missing)}")
        return SetupCheck(name="mock_capture", ok=True, detail=f"MockAmplitudeAI captured {len(types)} events: {', '.join(types)}")
    except Exception as exc:  # a broken runtime is a finding, not a crash
        return SetupCheck(name="mock_capture", ok=False, detail=f"{type(exc).__name__}: {mask_text(str(exc))}")


def validate_setup(
    root_path: Annotated[
        str | None, Field(description="Project directory: also checks that its providers' SDKs are installed")
    ] = None,
    client_roots: ClientRoots = None,
) -> SetupReport:
    """Check the environment variables, installed dependencies and a mock event capture."""
    from amplitude_ai import __version__

    environment = []
    for name, secret in _ENV:
        value = os.environ.get(name)
        shown = None if value is None else ("***" if secret and value else mask_text(value))
        environment.append(EnvVar(name=name, set=value is not None and value != "", value=shown))
    deps = [_dependency(*spec) for spec in _DEPENDENCIES]
    checks = [_mock_capture()]
    next_steps: list[str] = []
    if not os.environ.get("AMPLITUDE_AI_API_KEY"):
        next_steps.append("Set AMPLITUDE_AI_API_KEY in the deployment environment (without it the runtime runs dry).")
    by_dist = {d.name: d for d in deps}
    for dist in ("amplitude-analytics", "genai-prices"):
        if not by_dist[dist].installed:
            next_steps.append(f"pip install amplitude-ai (missing {dist})")
    if root_path is not None:
        root = paths.resolve_path(root_path, _roots(client_roots), kind="dir", argument="root_path")
        api = _import("amplitude_ai.codemods.api", "The scanner")
        report = _scan(api, root, _roots(client_roots), (), root_path)
        providers = sorted({site.get("provider") for site in report.get("call_sites", []) if site.get("provider")})
        missing = [p for p in providers if not by_dist[_PROVIDER_DIST.get(p, p)].installed] if providers else []
        detail = f"providers used: {', '.join(providers) or 'none found'}"
        if missing:
            detail += f"; SDK not installed for: {', '.join(missing)}"
            next_steps.extend(f"pip install 'amplitude-ai[{p}]'" for p in missing)
        checks.append(SetupCheck(name="project_providers", ok=not missing, detail=detail))
        sites = report.get("call_sites", [])
        todo = [s for s in sites if not (s.get("instrumented") and s.get("in_session"))]
        checks.append(
            SetupCheck(
                name="project_instrumentation",
                ok=not todo,
                detail=f"{len(sites) - len(todo)} of {len(sites)} call sites instrumented and in a session",
            )
        )
        if todo:
            next_steps.append("Run instrument_file on the files listed by scan_project, then generate_verify_test.")
    ok = all(c.ok for c in checks) and all(by_dist[d].installed for d in ("amplitude-analytics", "genai-prices"))
    return SetupReport(
        ok=ok,
        python=sys.version.split()[0],
        sdk_version=__version__,
        environment=environment,
        dependencies=deps,
        checks=checks,
        next_steps=next_steps,
    )


def search_docs(
    query: Annotated[str, Field(description="Words to look for in the guide and the README")],
    limit: Annotated[int, Field(ge=1, le=20, description="Most results to return")] = 5,
) -> DocsResult:
    """Search the coding-agent guide (amplitude-ai.md) and the README; best sections first."""
    if not query.strip():
        raise ToolError("query is empty")
    if len(query) > paths.MAX_QUERY_CHARS:
        raise ToolError(f"query is longer than {paths.MAX_QUERY_CHARS} characters")
    return DocsResult(query=query, sources=docs_search.sources(), results=docs_search.search(query, limit))


READ_ONLY = {
    "scan_project",
    "validate_file",
    "get_event_schema",
    "get_integration_pattern",
    "validate_setup",
    "suggest_instrumentation",
    "search_docs",
}

TOOLS: list[Callable[..., Any]] = [
    scan_project,
    validate_file,
    instrument_file,
    generate_verify_test,
    get_event_schema,
    get_integration_pattern,
    validate_setup,
    suggest_instrumentation,
    search_docs,
]
