"""The scanner's data model: what every front end (check / scan / MCP / verify test / fix) reads.

Positions. ``line`` is 1-based. ``column`` is 1-based (what ``check`` prints, like ruff and
most editors); ``col_offset`` is the same position 0-based (libcst's ``CodeRange`` and
``ast`` convention) — transforms matching nodes with libcst's ``PositionProvider`` must use
``col_offset``. ``end_line`` / ``end_col_offset`` close the node (end is exclusive, 0-based
column, as libcst reports it).

Everything here is a plain dataclass of str/int/bool/list/dict so reports pickle across the
process pool and ``to_dict()`` gives JSON-ready dicts (the ``scan --json`` / MCP
``scan_project`` schema). ``path`` is relative to the scanned root and ``/``-separated when
the file lies under the root (absolute otherwise).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

PROVIDERS = ("openai", "anthropic", "gemini", "bedrock", "mistral")


@dataclass
class ImportSite:
    """A statement importing a provider SDK or amplitude_ai (``import openai as oai`` /
    ``from openai import OpenAI as C``). ``names`` holds ``[name, asname-or-None]`` pairs;
    for ``import x.y as z`` there is one pair ``[x.y, z]``. ``module`` is absolute (relative
    imports resolved against the file's package when known)."""

    line: int
    column: int
    col_offset: int
    end_line: int
    module: str
    names: list[list[str | None]]
    kind: str  # "import" | "from"
    provider: str | None  # None for amplitude_ai / a bootstrap module


@dataclass
class ClientSite:
    """A provider client construction: ``OpenAI(...)``, ``oai.AsyncOpenAI(...)``,
    ``anthropic.Anthropic()``, ``genai.Client()``, ``genai.GenerativeModel(...)``,
    ``boto3.client("bedrock-runtime")``, ``session.client(service_name="bedrock-runtime")``,
    ``Mistral(...)``. Position = the constructor ``Call`` node.

    - ``qualified_name``: what the callee resolves to (``openai.OpenAI``, ``boto3.client``,
      ``aioboto3.Session().client``, ``amplitude_ai.OpenAI`` for a runtime wrapper).
    - ``class_name``: last part (``OpenAI``, ``client``); ``callee``: the callee source text as
      written (``C``, ``oai.OpenAI``); ``binding``: the target it is assigned to
      (``client``, ``self.client``, ``Service.client``) or None.
    - ``import_line`` / ``import_module`` / ``import_name`` / ``local_name``: the import that
      brought the callee's root name in (``from openai import OpenAI as C`` → openai, OpenAI, C;
      ``import openai as oai`` → openai, None, oai); 0 / "" when unknown.
    - ``instrumented`` (== ``wrapped``): built from an amplitude_ai wrapper class (directly or
      re-exported by a project bootstrap module), passed through ``wrap(...)``, or the
      project calls ``patch()`` covering the provider. ``wrapped_by``: "amplitude_ai",
      "wrap", "patch", or the bootstrap module name.
    - ``subclassable``: the runtime ships a drop-in subclass (swap the import) — False for
      boto3/aioboto3 clients and google-generativeai models (use ``wrap(...)``).
    """

    path: str
    line: int
    column: int
    col_offset: int
    end_line: int
    end_col_offset: int
    provider: str
    qualified_name: str
    class_name: str
    callee: str
    binding: str | None
    is_async: bool
    instrumented: bool
    wrapped_by: str | None
    subclassable: bool
    import_line: int = 0
    import_module: str = ""
    import_name: str | None = None
    local_name: str | None = None
    function: str | None = None  # enclosing function qualname (None at module level)

    @property
    def wrapped(self) -> bool:
        return self.instrumented


@dataclass
class CallSite:
    """One LLM call site (or a method reference handed to a helper: ``reference=True``,
    e.g. ``retry(client.chat.completions.create, ...)`` / ``functools.partial(...)``).

    Position = the ``Call`` node (for a reference, the attribute). ``api`` is the endpoint path
    relative to the client, normalized: no ``with_options(...)``, ``with_raw_response``,
    ``with_streaming_response`` or gemini ``aio`` segment (``chat.completions.create``,
    ``messages.stream``, ``models.generate_content``, ``converse``, ``chat.complete_async``,
    ``GenerativeModel.generate_content``; module-level legacy calls keep their name, e.g.
    ``ChatCompletion.create``). ``via`` says how the client was reached: ``direct``,
    ``module`` (``openai.chat.completions.create``), ``attribute`` (``self.client``),
    ``factory``, ``resource`` (a stored ``client.chat.completions``), ``reference``,
    ``import`` (a client imported from another project module), ``inferred`` (unknown receiver,
    see ``resolution``).
    ``client_line`` / ``client_path``: the construction feeding this site when known.
    """

    path: str
    line: int
    column: int
    col_offset: int
    end_line: int
    end_col_offset: int
    provider: str
    api: str
    is_async: bool
    streaming: bool
    instrumented: bool
    in_session: bool
    client_class: str | None = None
    via: str = "direct"
    reference: bool = False
    raw_response: bool = False
    function: str | None = None
    handler: str | None = None
    client_path: str | None = None
    client_line: int | None = None
    client_column: int | None = None
    # "resolved": the receiver was followed to a client; "inferred": an unknown receiver
    # matched by its distinctive endpoint path and the file's SDK evidence (see infer.py)
    resolution: str = "resolved"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["async"] = data.pop("is_async")
        return data


@dataclass
class Handler:
    """A request/command entry point. ``line`` is the ``def`` line (``def_line`` too; the
    first decorator is at ``decorator_line``); ``end_line`` its last line; ``body_line`` the
    first statement of the body (after a docstring).

    ``framework``: fastapi | starlette | flask | django | lambda | click | typer.
    ``kind``: route | view | method_view | class_view | lambda | command.
    ``user_id_source``: a Python expression valid at the top of the body that yields the
    user id, or None. Rules (deliberately simple): a parameter named ``user_id`` / ``userId`` /
    ``uid`` → that name; a ``current_user`` parameter (FastAPI dependency) or flask_login's
    ``current_user`` imported in the file → ``current_user.id``; a Django view's ``request``
    → ``request.user.id``; anything else → None (the transform writes a TODO).
    ``reaches_llm``: the body (or a function of this file it calls, transitively) holds a
    call site. ``in_session``: the body is already in a session (a session block around
    everything, ``@observe``, or the app's middleware). ``app``: the app/router/blueprint
    name the route is registered on.
    """

    path: str
    name: str
    qualname: str
    line: int
    column: int
    col_offset: int
    end_line: int
    framework: str
    kind: str
    is_async: bool
    reaches_llm: bool = False
    in_session: bool = False
    user_id_source: str | None = None
    route: str | None = None
    app: str | None = None
    decorator_line: int = 0
    body_line: int = 0
    def_line: int = 0
    has_docstring: bool = False


@dataclass
class AppSite:
    """A web app creation (``app = FastAPI(...)`` / ``Starlette(...)`` / ``Flask(__name__)``).
    ``line``..``end_line`` is the whole assignment statement (insert the middleware line
    after ``end_line``); ``name`` the bound name; ``has_middleware``: AmplitudeAIMiddleware
    is already added (``add_middleware`` anywhere in the file or ``middleware=[...]``)."""

    path: str
    name: str
    framework: str
    line: int
    column: int
    col_offset: int
    end_line: int
    has_middleware: bool


@dataclass
class SessionSite:
    """Existing session instrumentation: ``with``/``async with agent.session(...)``,
    ``run_as``/``arun_as``, ``@observe``, or middleware."""

    path: str
    line: int
    end_line: int
    kind: str  # session | run_as | observe | middleware
    is_async: bool = False


@dataclass
class FileReport:
    """What the scanner found in one file. ``error`` is set (and nothing else) when the file
    does not parse or cannot be read; ``skipped`` holds a reason for files left alone
    (binary, too large, no provider named)."""

    path: str
    call_sites: list[CallSite] = field(default_factory=list)
    clients: list[ClientSite] = field(default_factory=list)
    handlers: list[Handler] = field(default_factory=list)
    apps: list[AppSite] = field(default_factory=list)
    sessions: list[SessionSite] = field(default_factory=list)
    imports: list[ImportSite] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)
    frameworks: list[str] = field(default_factory=list)
    patches: list[str] = field(default_factory=list)  # providers covered by patch()/patch_x() here
    error: str | None = None
    skipped: str | None = None
    # internal, for project-level linking (module-level values other files can import)
    exports: dict[str, Any] = field(default_factory=dict, repr=False)
    deps: list[str] = field(default_factory=list, repr=False)

    @property
    def providers(self) -> list[str]:
        found = {s.provider for s in self.call_sites} | {c.provider for c in self.clients}
        return [p for p in PROVIDERS if p in found]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "providers": self.providers,
            "frameworks": list(self.frameworks),
            "call_sites": [s.to_dict() for s in self.call_sites],
            "clients": [asdict(c) for c in self.clients],
            "handlers": [asdict(h) for h in self.handlers],
            "apps": [asdict(a) for a in self.apps],
            "sessions": [asdict(s) for s in self.sessions],
            "agents": list(self.agents),
            "patches": list(self.patches),
            "error": self.error,
            "skipped": self.skipped,
        }


def summarize(call_sites: list[CallSite]) -> dict[str, Any]:
    total = len(call_sites)
    inst = sum(1 for s in call_sites if s.instrumented)
    sess = sum(1 for s in call_sites if s.in_session)

    def pct(n: int) -> float:
        return round(100.0 * n / total, 1) if total else 100.0

    return {
        "call_sites": total,
        "instrumented": inst,
        "uninstrumented": total - inst,
        "in_session": sess,
        "instrumented_pct": pct(inst),
        "in_session_pct": pct(sess),
    }


@dataclass
class ProjectReport:
    """The whole scan. ``files`` holds every scanned file that has findings or an error
    (sorted by path); ``files_scanned`` counts files read, ``files_parsed`` those that
    passed the prefilter and were parsed."""

    root: str
    files: list[FileReport] = field(default_factory=list)
    files_scanned: int = 0
    files_parsed: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)
    patched: list[str] = field(default_factory=list)

    @property
    def call_sites(self) -> list[CallSite]:
        return [s for f in self.files for s in f.call_sites]

    @property
    def clients(self) -> list[ClientSite]:
        return [c for f in self.files for c in f.clients]

    @property
    def handlers(self) -> list[Handler]:
        return [h for f in self.files for h in f.handlers]

    @property
    def apps(self) -> list[AppSite]:
        return [a for f in self.files for a in f.apps]

    @property
    def errors(self) -> list[dict[str, str]]:
        return [{"path": f.path, "message": f.error} for f in self.files if f.error]

    @property
    def providers(self) -> list[str]:
        found = {p for f in self.files for p in f.providers}
        return [p for p in PROVIDERS if p in found]

    @property
    def frameworks(self) -> list[str]:
        return sorted({fw for f in self.files for fw in f.frameworks})

    @property
    def agents(self) -> list[str]:
        return sorted({a for f in self.files for a in f.agents})

    def summary(self) -> dict[str, Any]:
        data = summarize(self.call_sites)
        data.update(files_scanned=self.files_scanned, files_parsed=self.files_parsed, errors=len(self.errors))
        return data

    def recommendations(self) -> list[str]:
        from .recommend import recommendations

        return recommendations(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "frameworks": self.frameworks,
            "providers": self.providers,
            "clients": [asdict(c) for c in self.clients],
            "handlers": [asdict(h) for h in self.handlers],
            "apps": [asdict(a) for a in self.apps],
            "agents": self.agents,
            "patched": list(self.patched),
            "recommendations": self.recommendations(),
            "call_sites": [s.to_dict() for s in self.call_sites],
            "summary": self.summary(),
            "errors": self.errors,
            "skipped": list(self.skipped),
        }
