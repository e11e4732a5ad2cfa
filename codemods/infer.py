"""The inferred tier: call sites whose receiver the resolver could not type.

Real code often hands the client around untyped (``def f(client): client.chat.completions
.create(...)``), behind ``cast(Any, ...)``, a base class in another package, an ``importlib``
import or an ``aioboto3`` session. When the resolver gives up on such a receiver, a call (or a
method reference) is still reported when all of this holds:

- the attribute chain ends in a *distinctive* endpoint path of one client kind
  (``chat.completions.create``, ``messages.stream``, ``models.generate_content``, ``converse``,
  ``chat.complete_async`` ...; never the ambiguous legacy ``completions.create`` or the
  single-word legacy mistral methods), ignoring ``with_options(...)``,
  ``with_raw_response``/``with_streaming_response`` and gemini's ``aio``;
- the receiver is unknown (an untyped parameter, an unresolved attribute, a name imported from
  the project) — never a value the resolver knows to be something else (another library's
  object, a class or instance defined in the project, the method's own ``self``);
- the file shows evidence of exactly one SDK offering that path: it imports the SDK (also
  ``importlib.import_module("mistralai")``); for Bedrock, it names ``bedrock-runtime`` /
  ``BedrockRuntimeClient``, or imports boto3/aioboto3/botocore and mentions bedrock;
- the file imports no look-alike SDK sharing such paths (twilio, groq, together, litellm ...):
  there, only resolved sites are reported.

Such sites carry ``resolution="inferred"`` (resolved ones ``"resolved"``) and ``via="inferred"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import libcst as cst

from . import providers as P

# top-level modules of SDKs that share endpoint paths with a provider (look-alikes)
LOOKALIKE_MODULES = {
    "twilio", "groq", "together", "cerebras", "fireworks", "litellm", "huggingface_hub",
    "zhipuai", "portkey_ai", "cohere", "ollama", "vertexai", "xai_sdk", "openrouter", "sambanova",
}

_PROVIDER_OF_KIND = {
    P.OPENAI: "openai", P.ANTHROPIC: "anthropic", P.GENAI: "gemini", P.GENERATIVEAI: "gemini",
    P.BEDROCK: "bedrock", P.MISTRAL: "mistral",
}
_WEAK = {(P.OPENAI, ("completions", "create")), (P.ANTHROPIC, ("completions", "create"))}
PATHS: dict[tuple[str, ...], list[tuple[str, str]]] = {}  # path → [(provider, kind)]
for _kind, _paths in P.ENDPOINTS.items():
    if _kind == P.MISTRAL_LEGACY:
        continue
    for _path in _paths:
        if (_kind, _path) not in _WEAK:
            PATHS.setdefault(_path, []).append((_PROVIDER_OF_KIND[_kind], _kind))
MAX_PATH = max(len(p) for p in PATHS)
SKIPPED_SEGMENTS = {"with_raw_response", "with_streaming_response", "aio"}

_QUOTED_RE = re.compile(r"""["'](openai|anthropic|mistralai(?:\.client)?|google\.genai|google\.generativeai)["']""")
_BEDROCK_RUNTIME_RE = re.compile(r"bedrock-runtime|BedrockRuntime")
_BEDROCK_RE = re.compile(r"bedrock", re.IGNORECASE)
_BOTO = {"boto3", "aioboto3", "botocore", "aiobotocore", "mypy_boto3_bedrock_runtime", "types_aiobotocore_bedrock_runtime"}


def _kind_of_module(module: str) -> str | None:
    top = module.split(".")[0]
    if top == "openai":
        return P.OPENAI
    if top == "anthropic":
        return P.ANTHROPIC
    if top == "mistralai":
        return P.MISTRAL
    if module.startswith("google.genai"):
        return P.GENAI
    if module.startswith("google.generativeai"):
        return P.GENERATIVEAI
    return None


def evidence(imports: list[Any], source: str) -> set[str] | None:
    """Client kinds the file gives evidence of (None: a look-alike SDK is imported)."""
    kinds: set[str] = set()
    boto = False
    for imp in imports:
        module = imp.module
        full = f"{module}.{imp.name}" if module == "google" and imp.name else module
        top = module.split(".")[0]
        if top in LOOKALIKE_MODULES or full.startswith("google.cloud.aiplatform"):
            return None
        kind = _kind_of_module(full)
        if kind:
            kinds.add(kind)
        if top in _BOTO:
            boto = True
    if "import_module" in source:
        for m in _QUOTED_RE.finditer(source):
            kind = _kind_of_module(m.group(1))
            if kind:
                kinds.add(kind)
    if _BEDROCK_RUNTIME_RE.search(source) or (boto and _BEDROCK_RE.search(source)):
        kinds.add(P.BEDROCK)
    return kinds


@dataclass
class Chain:
    base: cst.BaseExpression
    path: tuple[str, ...]
    raw: bool
    streaming: bool
    aio: bool


def endpoint_chain(node: cst.BaseExpression) -> Chain | None:
    """Split ``x.with_options(t=1).chat.completions.with_raw_response.create`` into the
    receiver ``x`` and the endpoint path (longest known suffix), or None."""
    names: list[tuple[str, cst.Attribute]] = []
    raw = streaming = aio = False
    cur: cst.BaseExpression = node
    while len(names) <= MAX_PATH + 3:
        if isinstance(cur, cst.Attribute):
            name = cur.attr.value
            if name in SKIPPED_SEGMENTS:
                if names:  # only segments inside/before the path count
                    raw = raw or name != "aio"
                    streaming = streaming or name == "with_streaming_response"
                    aio = aio or name == "aio"
            else:
                names.append((name, cur))
            cur = cur.value
        elif isinstance(cur, cst.Call) and isinstance(cur.func, cst.Attribute) and cur.func.attr.value == "with_options":
            cur = cur.func.value
        else:
            break
    if not names:
        return None
    names.reverse()  # root first
    for i in range(max(0, len(names) - MAX_PATH), len(names)):
        path = tuple(n for n, _ in names[i:])
        if path in PATHS:
            if i == 0 and not isinstance(cur, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
                return None
            base = names[i][1].value
            while isinstance(base, cst.Attribute) and base.attr.value in SKIPPED_SEGMENTS:
                base = base.value
            while isinstance(base, cst.Call) and isinstance(base.func, cst.Attribute) and base.func.attr.value == "with_options":
                base = base.func.value
            return Chain(base, path, raw, streaming, aio)
    return None


def pick(path: tuple[str, ...], kinds: set[str]) -> tuple[str, str] | None:
    """The one (provider, kind) the path can belong to given the file's evidence."""
    options = [(prov, kind) for prov, kind in PATHS.get(path, ()) if kind in kinds]
    providers = {prov for prov, _ in options}
    if len(providers) != 1:
        return None
    return options[0]


def _is_protocol(cls: Any) -> bool:
    from .resolve import dotted

    return any((dotted(b) or "").rsplit(".", 1)[-1] == "Protocol" for b in cls.bases)


def opaque(a: Any, value: Any) -> bool:
    """Is a receiver value unknown enough for inference? (nothing, a name imported from the
    project, an instance of a structural ``Protocol``)."""
    from .resolve import Ext, Inst

    if value is None:
        return True
    if isinstance(value, Ext):
        return value.project
    if isinstance(value, Inst):
        return _is_protocol(value.scope)
    return False


def declared_as_project_type(a: Any, base: cst.BaseExpression, scope: Any) -> bool:
    """The receiver is a parameter / attribute annotated with one of the project's own
    (non-Protocol) classes (``client: instructor.Instructor``): a wrapper, not the SDK."""
    bindings: list[tuple] = []
    if isinstance(base, cst.Name):
        bindings = a.lookup(base.value, scope)
    elif isinstance(base, cst.Attribute) and isinstance(base.value, cst.Name) and scope.self_name == base.value.value and scope.cls is not None:
        bindings = [*scope.cls.bindings.get(base.attr.value, ()), *scope.cls.attrs.get(base.attr.value, ())]
    for b in bindings:
        if b[0] in ("param", "ann") and b[1] is not None:
            ann = b[1].annotation if isinstance(b[1], cst.Annotation) else b[1]
            if _project_type(a, ann, b[2], 0):
                return True
    return False


def _project_type(a: Any, node: cst.BaseExpression, scope: Any, depth: int) -> bool:
    from .resolve import ClassV, Ext, dotted

    if depth > 4:
        return False
    if isinstance(node, cst.SimpleString):
        try:
            text = node.evaluated_value
            inner = cst.parse_expression(text.strip()) if isinstance(text, str) and len(text) < 200 else None
        except Exception:  # noqa: BLE001 - not an expression
            return False
        return inner is not None and _project_type(a, inner, scope, depth + 1)
    if isinstance(node, cst.Subscript) and (dotted(node.value) or "").rsplit(".", 1)[-1] in ("Optional", "Union"):
        return any(
            isinstance(e.slice, cst.Index) and _project_type(a, e.slice.value, scope, depth + 1) for e in node.slice
        )
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _project_type(a, node.left, scope, depth + 1) or _project_type(a, node.right, scope, depth + 1)
    if not isinstance(node, (cst.Name, cst.Attribute)):
        return False
    v = a.evaluate(node, scope)
    if isinstance(v, ClassV):
        return not _is_protocol(v.scope)
    return isinstance(v, Ext) and v.project
