"""Name resolution for one module: a small, flow-insensitive abstract interpreter over LibCST.

One pass (``_Collector``) records scopes (module / class / function, Python's lookup rules:
class bodies are not visible from methods), every binding (assignments, annotated
assignments, walrus, ``with ... as``, imports, defs, parameters with annotations,
``self.x = ...`` in any method → class attribute), every call, and every attribute naming
an endpoint. Evaluation is then lazy and memoized per node: an expression evaluates to one
of the abstract values below, following aliases, attributes, factories (functions whose
return value is a client, transitively), properties, stored resources and bound methods.

Why not ``QualifiedNameProvider``: it resolves every name in the module (the slowest part
of a scan, see DESIGN.md) while we need a handful; and it does not follow values through
assignments, ``self`` attributes or factories anyway. Positions come from libcst's
``PositionProvider``, resolved only for files that have findings.

Values (all picklable, no libcst nodes, so they can be exported across files):
``Ext(path)`` an imported thing, by resolved dotted path (calls append ``()``);
``Client`` a provider client instance; ``Res`` a resource / bound endpoint on a client;
``Returned(v)`` a project function whose calls return ``v`` (exported factories).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import libcst as cst

from . import providers as P
from .findings import ClientSite


# -- a fast read-only traversal ------------------------------------------------------------
# libcst's own visitor rebuilds every node on the way back (``_visit_and_replace_children``),
# several times slower than a plain walk; the scanner never changes the tree, so it walks
# the dataclass fields itself, in source order, skipping whitespace and punctuation.
_SKIP_FIELDS = {
    "lpar", "rpar", "lbracket", "rbracket", "lbrace", "rbrace", "comma", "semicolon",
    "leading_lines", "lines_after_decorators", "header", "footer", "equal", "colon", "dot",
    "star", "operator", "asynchronous", "trailing_whitespace", "indent", "default_indent",
    "default_newline", "encoding", "has_trailing_newline", "posonly_ind", "conversion",
    "relative", "keyword", "newline", "first_line", "empty_lines", "last_line",
}
_ORDER = {
    "FunctionDef": ("decorators", "name", "type_parameters", "params", "returns", "body"),
    "ClassDef": ("decorators", "name", "type_parameters", "bases", "keywords", "body"),
    "IfExp": ("body", "test", "orelse"),
    "ExceptHandler": ("type", "name", "body"),
    "ExceptStarHandler": ("type", "name", "body"),
    "MatchCase": ("pattern", "guard", "body"),
    "Parameters": ("posonly_params", "params", "star_arg", "kwonly_params", "star_kwarg"),
}
_FIELDS: dict[type, tuple[str, ...]] = {}
_METHODS: dict[tuple[type, type], tuple] = {}


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        import dataclasses

        order = _ORDER.get(cls.__name__)
        all_names = [f.name for f in dataclasses.fields(cls)]
        if order:
            all_names = [n for n in order if n in all_names]
        names = tuple(n for n in all_names if n not in _SKIP_FIELDS and not n.startswith("whitespace"))
        _FIELDS[cls] = names
    return names


def walk(node: cst.CSTNode, visitor: Any) -> None:
    """Call ``visitor.visit_<Type>(node)`` / ``leave_<Type>(node)`` in source order (a
    ``visit_`` returning False skips the children), like ``node.visit(visitor)`` but read-only."""
    vcls = type(visitor)
    cls = type(node)
    methods = _METHODS.get((vcls, cls))
    if methods is None:
        methods = (getattr(visitor.__class__, f"visit_{cls.__name__}", None), getattr(visitor.__class__, f"leave_{cls.__name__}", None))
        _METHODS[(vcls, cls)] = methods
    visit, leave = methods
    if visit is not None and visit(visitor, node) is False:
        return
    for name in _fields(cls):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            walk(value, visitor)
        elif type(value) in (tuple, list):
            for item in value:
                if isinstance(item, cst.CSTNode):
                    walk(item, visitor)
    if leave is not None:
        leave(visitor, node)


# -- values ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ext:
    path: str
    project: bool = False
    origin: str | None = None  # project module it was re-exported from (bootstrap modules)


@dataclass(frozen=True)
class Client:
    provider: str
    kind: str
    qualname: str
    is_async: bool
    wrapped: bool
    wrapped_by: str | None
    site: ClientSite | None = None
    via: str = "direct"

    def __hash__(self) -> int:  # ClientSite is mutable; identity is enough here
        return id(self)


@dataclass(frozen=True)
class Res:
    client: Client
    path: tuple[str, ...] = ()
    raw: bool = False
    streaming: bool = False
    is_async: bool = False
    via: str = "direct"

    def __hash__(self) -> int:
        return id(self)


@dataclass(frozen=True)
class WithOpts:
    res: Res


@dataclass(frozen=True)
class Returned:
    value: Any


@dataclass(frozen=True)
class Str:
    value: str


class FuncV:
    __slots__ = ("scope",)

    def __init__(self, scope: Scope) -> None:
        self.scope = scope


class ClassV:
    __slots__ = ("scope",)

    def __init__(self, scope: Scope) -> None:
        self.scope = scope


class Inst:
    __slots__ = ("scope",)

    def __init__(self, scope: Scope) -> None:
        self.scope = scope


_RANK = {Client: 0, Res: 1, WithOpts: 2, Returned: 3, Ext: 4, FuncV: 5, ClassV: 6, Inst: 7, Str: 8}


def merge(values: list[Any]) -> Any:
    values = [v for v in values if v is not None]
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    clients = [v for v in values if isinstance(v, Client)]
    if clients:
        for c in clients:
            if c.wrapped:
                return c
        return clients[0]
    return min(values, key=lambda v: _RANK.get(type(v), 99))


# -- scopes -----------------------------------------------------------------------------------
class Scope:
    __slots__ = (
        "kind",
        "name",
        "qualname",
        "parent",
        "bindings",
        "params",
        "globals",
        "node",
        "is_async",
        "cls",
        "self_name",
        "returns",
        "attrs",
        "decorators",
        "bases",
        "methods",
        "yields",
    )

    def __init__(self, kind: str, name: str, parent: Scope | None, node: cst.CSTNode | None) -> None:
        self.kind = kind
        self.name = name
        self.parent = parent
        if parent is None or parent.kind == "module":
            self.qualname = name
        else:
            self.qualname = f"{parent.qualname}.{name}" if parent.qualname else name
        self.bindings: dict[str, list[tuple]] = {}
        self.params: dict[str, Any] = {}
        self.globals: set[str] = set()
        self.node = node
        self.is_async = False
        self.cls: Scope | None = None
        self.self_name: str | None = None
        self.returns: list[cst.BaseExpression] = []
        self.attrs: dict[str, list[tuple]] = {}
        self.decorators: list[cst.BaseExpression] = []
        self.bases: list[cst.BaseExpression] = []
        self.methods: dict[str, Scope] = {}
        self.yields: list[cst.BaseExpression] = []


def dotted(node: cst.CSTNode | None) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def root_name(node: cst.BaseExpression) -> cst.Name | None:
    while True:
        if isinstance(node, cst.Name):
            return node
        if isinstance(node, cst.Attribute):
            node = node.value
        elif isinstance(node, cst.Call):
            node = node.func
        elif isinstance(node, cst.Subscript):
            node = node.value
        else:
            return None


@dataclass
class CallInfo:
    node: cst.Call
    scope: Scope
    withs: tuple
    funcs: tuple  # enclosing function scopes, outermost first
    awaited: bool = False
    async_ctx: bool = False


@dataclass
class ImportInfo:
    node: cst.CSTNode
    module: str
    name: str | None
    asname: str | None
    provider: str | None
    kind: str


class _Collector(cst.CSTVisitor):
    def __init__(self, analyzer: Analyzer) -> None:
        self.a = analyzer
        self.scope = analyzer.module_scope
        self.withs: list[cst.With] = []
        self.funcs: list[Scope] = []

    # scopes
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        s = Scope("class", node.name.value, self.scope, node)
        s.bases = [arg.value for arg in node.bases]
        s.decorators = [d.decorator for d in node.decorators]
        self._bind(node.name.value, ("class", s))
        self.a.classes.append(s)
        self.scope = s

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scope = self.scope.parent  # type: ignore[assignment]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.a.order["FunctionDef"].append(node)
        parent = self.scope
        s = Scope("function", node.name.value, parent, node)
        s.is_async = node.asynchronous is not None
        s.decorators = [d.decorator for d in node.decorators]
        self._bind(node.name.value, ("func", s))
        params = node.params
        ordered = [*params.posonly_params, *params.params]
        for p in [*ordered, *params.kwonly_params]:
            s.params[p.name.value] = p.annotation
        for p in (params.star_arg, params.star_kwarg):
            if isinstance(p, cst.Param):
                s.params[p.name.value] = None
        if parent.kind == "class":
            s.cls = parent
            accessor = any((dotted(d) or "").endswith((".setter", ".deleter")) for d in s.decorators)
            if not (accessor and node.name.value in parent.methods):  # keep the property getter
                parent.methods[node.name.value] = s
            is_static = any(dotted(d) == "staticmethod" for d in s.decorators)
            if ordered and not is_static:
                s.self_name = ordered[0].name.value
        elif parent.kind == "function" and parent.cls is not None and parent.self_name:
            # nested function inside a method: `self` is still the instance (closure)
            s.cls, s.self_name = parent.cls, parent.self_name if parent.self_name not in s.params else None
        self.a.functions.append(s)
        self.scope = s
        self.funcs.append(s)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scope = self.scope.parent  # type: ignore[assignment]
        self.funcs.pop()

    def visit_Global(self, node: cst.Global) -> None:
        self.scope.globals.update(n.name.value for n in node.names)

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.BaseExpression) and self.scope.kind == "function":
            self.scope.yields.append(node.value)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None and self.scope.kind == "function":
            self.scope.returns.append(node.value)

    # bindings
    def _bind(self, name: str, binding: tuple) -> None:
        scope = self.a.module_scope if name in self.scope.globals else self.scope
        scope.bindings.setdefault(name, []).append(binding)

    def _bind_target(self, target: cst.BaseExpression, value: cst.BaseExpression | None, kind: str = "expr") -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, (kind, value, self.scope) if value is not None else ("unknown",))
            if value is not None:
                self.a.targets[id(value)] = target.value
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            s = self.scope
            base = target.value.value
            if s.self_name and base == s.self_name and s.cls is not None:
                s.cls.attrs.setdefault(target.attr.value, []).append(
                    (kind, value, s) if value is not None else ("unknown",)
                )
                if value is not None:
                    self.a.targets[id(value)] = f"{base}.{target.attr.value}"
            elif value is not None:
                self.a.targets[id(value)] = f"{base}.{target.attr.value}"
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = [e.value for e in target.elements]
            if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(elements):
                for t, v in zip(elements, value.elements):
                    self._bind_target(t, v.value, kind)
            else:
                for t in elements:
                    self._bind_target(t, None)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None)

    def visit_Assign(self, node: cst.Assign) -> None:
        self.a.order["Assign"].append(node)
        for t in node.targets:
            self.a.assign_targets.add(id(t.target))
        self.a.assign_values.add(id(node.value))
        self.a.statements[id(node.value)] = node
        for t in node.targets:
            self._bind_target(t.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.a.order["AnnAssign"].append(node)
        if node.value is not None:
            self.a.assign_values.add(id(node.value))
            self.a.statements[id(node.value)] = node
            self._bind_target(node.target, node.value)
            if isinstance(node.target, cst.Name) or (
                isinstance(node.target, cst.Attribute) and self.scope.self_name
            ):
                self._bind_target(node.target, node.annotation, "ann")
                self.a.targets[id(node.value)] = self.a.targets.get(id(node.annotation), "")
        else:
            self._bind_target(node.target, node.annotation, "ann")

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target, None)
        if node.asynchronous is not None and isinstance(node.iter, cst.Call):
            self.a.async_ctx.add(id(node.iter))

    def visit_With(self, node: cst.With) -> None:
        self.a.order["With"].append(node)
        for item in node.items:
            if item.asname is not None:
                self._bind_target(item.asname.name, item.item, "with")
            if node.asynchronous is not None and isinstance(item.item, cst.Call):
                self.a.async_ctx.add(id(item.item))
        self.a.withs.append((node, self.scope))
        self.withs.append(node)

    def leave_With(self, original_node: cst.With) -> None:
        self.withs.pop()

    def visit_Await(self, node: cst.Await) -> None:
        if isinstance(node.expression, cst.Call):
            self.a.awaited.add(id(node.expression))

    def visit_Import(self, node: cst.Import) -> bool:
        self.a.order["Import"].append(node)
        for alias in node.names:
            full = dotted(alias.name) or ""
            asname = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None
            info = self.a.import_info(node, full, None, asname, "import")
            project = self.a.is_project_module(full)
            if asname:
                self._bind(asname, ("ext", self.a.ext(full, project), info))
            else:
                top = full.split(".")[0]
                self._bind(top, ("ext", self.a.ext(top, project), info))
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self.a.order["ImportFrom"].append(node)
        module = self.a.absolute_module(node)
        if module is None or isinstance(node.names, cst.ImportStar):
            return False
        project = self.a.is_project_module(module, relative=bool(node.relative))
        for alias in node.names:
            name = dotted(alias.name) or ""
            asname = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None
            info = self.a.import_info(node, module, name, asname, "from")
            path = f"{module}.{name}" if module else name
            self._bind(asname or name, ("ext", self.a.ext(path, project), info))
        return False

    # uses
    def visit_Call(self, node: cst.Call) -> None:
        self.a.order["Call"].append(node)
        self.a.call_funcs.add(id(node.func))
        self.a.calls.append(CallInfo(node, self.scope, tuple(self.withs), tuple(self.funcs)))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.a.order["Attribute"].append(node)
        self.a.attr_bases.add(id(node.value))
        if node.attr.value in P.ENDPOINT_LAST_NAMES:
            self.a.refs.append(CallInfo(node, self.scope, tuple(self.withs), tuple(self.funcs)))  # type: ignore[arg-type]


class Analyzer:
    """Resolution state for one parsed module. ``evaluate(node, scope)`` is the entry point."""

    def __init__(
        self,
        module: cst.Module,
        path: str,
        module_name: str | None = None,
        project_packages: frozenset[str] | set[str] = frozenset(),
        links: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.module = module
        self.path = path
        self.module_name = module_name
        self.is_package = path.endswith("__init__.py")
        self.project_packages = project_packages
        self.links = links or {}
        self.module_scope = Scope("module", "", None, module)
        self.classes: list[Scope] = []
        self.functions: list[Scope] = []
        self.calls: list[CallInfo] = []
        self.refs: list[CallInfo] = []
        self.withs: list[tuple[cst.With, Scope]] = []
        self.imports: list[ImportInfo] = []
        self.targets: dict[int, str] = {}
        self.order: dict[str, list[cst.CSTNode]] = {
            k: [] for k in ("Call", "Attribute", "With", "FunctionDef", "Assign", "AnnAssign", "Import", "ImportFrom")
        }
        self.statements: dict[int, cst.CSTNode] = {}
        self.assign_values: set[int] = set()
        self.assign_targets: set[int] = set()
        self.call_funcs: set[int] = set()
        self.attr_bases: set[int] = set()
        self.awaited: set[int] = set()
        self.async_ctx: set[int] = set()
        self.deps: set[str] = set()
        self.clients: list[tuple[cst.Call, ClientSite, Scope]] = []
        self.patches: set[str] = set()
        self.uses_runtime = False
        self._memo: dict[int, Any] = {}
        self._busy: set = set()
        self._import_of_binding: dict[int, ImportInfo] = {}
        walk(module, _Collector(self))

    # -- imports ------------------------------------------------------------------------
    def absolute_module(self, node: cst.ImportFrom) -> str | None:
        name = dotted(node.module) if node.module is not None else ""
        level = len(node.relative)
        if not level:
            return name
        if not self.module_name:
            return None
        parts = self.module_name.split(".")
        if not self.is_package:
            parts = parts[:-1]
        if level - 1 > len(parts):
            return None
        base = parts[: len(parts) - (level - 1)]
        return ".".join([*base, name] if name else base) or None

    def is_project_module(self, module: str, relative: bool = False) -> bool:
        if relative:
            return True
        top = module.split(".")[0]
        if top in P.PROVIDER_MODULES or top == P.RUNTIME_MODULE or top in ("google",):
            return False
        return top in self.project_packages

    def import_info(self, node: cst.CSTNode, module: str, name: str | None, asname: str | None, kind: str) -> ImportInfo:
        top = module.split(".")[0]
        provider = P.PROVIDER_MODULES.get(top) or P.PROVIDER_MODULES.get(".".join(module.split(".")[:2]))
        if module == "google" and name in ("genai", "generativeai"):
            provider = "gemini"
        if top == P.RUNTIME_MODULE:
            self.uses_runtime = True
        info = ImportInfo(node, module, name, asname, provider, kind)
        self.imports.append(info)
        if self.is_project_module(module, relative=kind == "from" and bool(getattr(node, "relative", ()))):
            self.deps.add(f"{module}.{name}" if name else module)
        return info

    def ext(self, path: str, project: bool = False) -> Any:
        if project:
            linked = self._link(path)
            if linked is not None:
                return linked
        return Ext(path, project)

    def _link(self, path: str) -> Any:
        """A value another project module exports under ``path`` (``pkg.mod.name``)."""
        if not self.links:
            return None
        module, _, name = path.rpartition(".")
        if not module:
            return None
        for key, exports in self.links.items():
            if (key == module or key.endswith("." + module)) and name in exports:
                value = exports[name]
                if isinstance(value, Ext):
                    return Ext(value.path, False, value.origin or key)
                if isinstance(value, Client):
                    return replace(value, via="import")
                return value
        return None

    # -- evaluation ---------------------------------------------------------------------
    def lookup(self, name: str, scope: Scope) -> list[tuple]:
        s: Scope | None = scope
        if name in scope.globals:
            s = self.module_scope
        first = True
        while s is not None:
            if first or s.kind != "class":
                found = s.bindings.get(name)
                if name in s.params:
                    return [("param", s.params[name], s), *(found or [])]
                if found:
                    return found
            first = False
            s = s.parent
        return []

    def eval_binding(self, b: tuple) -> Any:
        kind = b[0]
        if kind == "expr":
            return self.evaluate(b[1], b[2])
        if kind == "ext":
            return b[1]
        if kind == "func":
            return FuncV(b[1])
        if kind == "class":
            return ClassV(b[1])
        if kind in ("param", "ann"):
            ann = b[1]
            if ann is None:
                return None
            node = ann.annotation if isinstance(ann, cst.Annotation) else ann
            return self.instance_of(node, b[2])
        if kind == "with":
            item = b[1]
            if isinstance(item, cst.Call):
                f = self.evaluate(item.func, b[2])
                if isinstance(f, FuncV) and any(
                    (dotted(d) or "").rsplit(".", 1)[-1] in ("contextmanager", "asynccontextmanager")
                    for d in f.scope.decorators
                ):
                    # `with make_client() as c` over a @(async)contextmanager: what it yields
                    return merge([self.evaluate(y, f.scope) for y in f.scope.yields])
            v = self.evaluate(item, b[2])
            return v if isinstance(v, Client) else None
        return None

    def instance_of(self, node: cst.BaseExpression, scope: Scope, _depth: int = 0) -> Any:
        """The value of a variable annotated with ``node`` (``OpenAI``, ``"OpenAI"``,
        ``Optional[OpenAI]``, ``Union[OpenAI, None]``, ``AsyncOpenAI | None``)."""
        if _depth > 5:
            return None
        if isinstance(node, cst.SimpleString):
            try:
                text = node.evaluated_value
                inner = cst.parse_expression(text.strip()) if isinstance(text, str) and len(text) < 200 else None
            except Exception:  # noqa: BLE001 - not an expression: not a type we know
                return None
            return self.instance_of(inner, scope, _depth + 1) if inner is not None else None
        if isinstance(node, cst.Subscript) and (dotted(node.value) or "").rsplit(".", 1)[-1] in ("Optional", "Union"):
            for element in node.slice:
                if isinstance(element.slice, cst.Index):
                    value = self.instance_of(element.slice.value, scope, _depth + 1)
                    if value is not None:
                        return value
            return None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return self.instance_of(node.left, scope, _depth + 1) or self.instance_of(node.right, scope, _depth + 1)
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        v = self.evaluate(node, scope)
        if isinstance(v, Ext):
            if v.path in P.WRAPPER_CLASSES:
                real = P.WRAPPER_CLASSES[v.path]
                provider, kind, is_async, _ = P.CLIENT_CLASSES[real]
                return Client(provider, kind, real, is_async, True, v.origin or "amplitude_ai", None, "attribute")
            spec = P.CLIENT_CLASSES.get(v.path)
            if spec and v.path != "boto3.client":
                return Client(spec[0], spec[1], v.path, spec[2], False, None, None, "attribute")
        if isinstance(v, ClassV):
            return Inst(v.scope)
        return None

    def evaluate(self, node: cst.BaseExpression, scope: Scope) -> Any:
        key = id(node)
        if key in self._memo:
            return self._memo[key]
        if key in self._busy:
            return None
        self._busy.add(key)
        try:
            value = self._evaluate(node, scope)
        finally:
            self._busy.discard(key)
        self._memo[key] = value
        return value

    def _evaluate(self, node: cst.BaseExpression, scope: Scope) -> Any:
        if isinstance(node, cst.Name):
            values = [self.eval_binding(b) for b in self.lookup(node.value, scope)]
            value = merge(values)
            if isinstance(value, Res) and value.path and value.via in ("direct", "attribute", "factory", "import"):
                value = replace(value, via=_stored(value))
            return value
        if isinstance(node, cst.Attribute):
            base, attr = node.value, node.attr.value
            if isinstance(base, cst.Name) and scope.self_name == base.value and scope.cls is not None:
                value = self.class_attr(scope.cls, attr)
                if isinstance(value, Client) and value.via == "direct":
                    value = replace(value, via="attribute")
                elif isinstance(value, Res) and value.path and value.via in ("direct", "attribute", "factory", "import"):
                    value = replace(value, via=_stored(value))
                return value
            return self.attr_of(self.evaluate(base, scope), attr)
        if isinstance(node, cst.Call):
            return self.call_of(node, scope)
        if isinstance(node, cst.Await):
            return self.evaluate(node.expression, scope)
        if isinstance(node, cst.IfExp):
            return merge([self.evaluate(node.body, scope), self.evaluate(node.orelse, scope)])
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            # `A | B` as a type (a TypeAlias of client classes)
            left = self.evaluate(node.left, scope)
            return left if isinstance(left, Ext) else self.evaluate(node.right, scope)
        if isinstance(node, cst.BooleanOperation):
            return merge([self.evaluate(node.left, scope), self.evaluate(node.right, scope)])
        if isinstance(node, cst.SimpleString):
            try:
                return Str(node.evaluated_value if isinstance(node.evaluated_value, str) else "")
            except Exception:  # noqa: BLE001 - odd literal: not interesting
                return None
        return None

    def attr_of(self, value: Any, attr: str) -> Any:
        if value is None:
            return None
        if isinstance(value, Ext):
            return self.ext(f"{value.path}.{attr}", value.project) if value.project else Ext(
                f"{value.path}.{attr}", False, value.origin
            )
        if isinstance(value, Client):
            return self.res_attr(Res(value, (), is_async=value.is_async, via=value.via), attr)
        if isinstance(value, Res):
            return self.res_attr(value, attr)
        if isinstance(value, ClassV):
            return self.class_attr(value.scope, attr)
        if isinstance(value, Inst):
            v = self.class_attr(value.scope, attr)
            if isinstance(v, Client) and v.via == "direct":
                v = replace(v, via="attribute")
            return v
        return None

    def res_attr(self, res: Res, attr: str) -> Any:
        if attr in ("with_raw_response", "with_streaming_response"):
            return replace(res, raw=True, streaming=res.streaming or attr == "with_streaming_response")
        if attr == "with_options":
            return WithOpts(res)
        kind = res.client.kind
        if attr == "aio" and kind == P.GENAI and not res.path:
            return replace(res, is_async=True)
        path = (*res.path, attr)
        if path in P.ENDPOINT_PREFIXES.get(kind, ()):
            return replace(res, path=path)
        return None

    def returns_of(self, fn: Scope) -> Any:
        """What calling ``fn`` gives: its return expressions, else its return annotation
        (``def client(self) -> AsyncOpenAI: return self._provider.client``)."""
        value = merge([self.evaluate(r, fn) for r in fn.returns])
        if not isinstance(value, (Client, Res)) and isinstance(fn.node, cst.FunctionDef) and fn.node.returns is not None:
            typed = self.instance_of(fn.node.returns.annotation, fn.parent or self.module_scope)
            if isinstance(typed, Client):
                value = typed
        return value

    def class_attr(self, cls: Scope, attr: str, _depth: int = 0, origin: Scope | None = None) -> Any:
        method = cls.methods.get(attr)
        if method is not None:
            if any(dotted(d) in ("property", "functools.cached_property", "cached_property") for d in method.decorators):
                return self.returns_of(method)
            return FuncV(method)
        bindings = [*cls.bindings.get(attr, ()), *cls.attrs.get(attr, ())]
        if origin is not None and origin is not cls:
            # an attribute a base class sets from `self.make()`: the subclass may override `make`
            value = merge([self._virtual(b[1], b[2], origin) if b[0] == "expr" else self.eval_binding(b) for b in bindings])
        else:
            value = merge([self.eval_binding(b) for b in bindings])
        if value is None and _depth < 5:
            for base in cls.bases:
                bv = self.evaluate(base, cls.parent or self.module_scope)
                if isinstance(bv, ClassV) and bv.scope is not cls:
                    value = self.class_attr(bv.scope, attr, _depth + 1, origin or cls)
                    if value is not None:
                        break
        if value is None and _depth == 0:
            # `self` in a base class may be a subclass defined in this file that sets the attribute
            for sub in self.classes:
                if sub is not cls and any(dotted(b) == cls.name for b in sub.bases):
                    value = self.class_attr(sub, attr, 1)
                    if value is not None:
                        break
        return value

    def find_method(self, cls: Scope, name: str, _depth: int = 0) -> Scope | None:
        """``name`` looked up on ``cls`` and its bases (in this file), first definition wins."""
        method = cls.methods.get(name)
        if method is not None or _depth > 5:
            return method
        for base in cls.bases:
            bv = self.evaluate(base, cls.parent or self.module_scope)
            if isinstance(bv, ClassV) and bv.scope is not cls:
                found = self.find_method(bv.scope, name, _depth + 1)
                if found is not None:
                    return found
        return None

    def _virtual(self, expr: cst.BaseExpression, scope: Scope, origin: Scope) -> Any:
        """Evaluate a base class's ``self.x = <expr>`` for an instance of ``origin``: calls
        ``self.m()`` dispatch to ``origin``'s override (``client or self.create_client()``)."""
        if isinstance(expr, cst.BooleanOperation):
            return merge([self._virtual(expr.left, scope, origin), self._virtual(expr.right, scope, origin)])
        if isinstance(expr, cst.IfExp):
            return merge([self._virtual(expr.body, scope, origin), self._virtual(expr.orelse, scope, origin)])
        if (
            isinstance(expr, cst.Call)
            and isinstance(expr.func, cst.Attribute)
            and isinstance(expr.func.value, cst.Name)
            and scope.self_name == expr.func.value.value
        ):
            method = self.find_method(origin, expr.func.attr.value)
            if method is not None and method.cls is not scope.cls:
                value = self.returns_of(method)
                if isinstance(value, Client) and value.via in ("direct", "attribute"):
                    value = replace(value, via="factory")
                return value
        return self.evaluate(expr, scope)

    def call_of(self, node: cst.Call, scope: Scope) -> Any:
        f = self.evaluate(node.func, scope)
        if f is None:
            return None
        if isinstance(f, Ext):
            path = f.path
            if path in P.WRAPPER_CLASSES:
                return self.new_client(node, scope, P.WRAPPER_CLASSES[path], path, True, f.origin or "amplitude_ai")
            if path in P.BEDROCK_FACTORIES:
                service = self.bedrock_service(node, scope)
                if service == P.BEDROCK_SERVICE:
                    client = self.new_client(node, scope, "boto3.client", path, False, None)
                    if P.BEDROCK_FACTORIES[path]:
                        client = replace(client, is_async=True)
                        if client.site is not None:
                            client.site.is_async = True
                    return client
                return None
            if path in P.CLIENT_CLASSES:
                return self.new_client(node, scope, path, path, False, None)
            if path in P.WRAP_FUNCTIONS:
                self.uses_runtime = True
                if node.args:
                    inner = self.evaluate(node.args[0].value, scope)
                    if isinstance(inner, Client):
                        if inner.site is not None:
                            inner.site.instrumented = True
                            inner.site.wrapped_by = inner.site.wrapped_by or "wrap"
                        return replace(inner, wrapped=True, wrapped_by=f.origin or "wrap")
                return None
            if path in P.PATCH_FUNCTIONS:
                self.patches.update(P.PATCH_FUNCTIONS[path])
                return None
            if path in P.MODULE_ENDPOINTS:
                return None
            if path in ("typing.cast", "typing_extensions.cast") and len(node.args) >= 2:
                # cast(T, x): a T when T is a client type we know, else whatever x is
                typed = self.instance_of(node.args[0].value, scope)
                return typed if isinstance(typed, Client) else self.evaluate(node.args[1].value, scope)
            if path in DECLARATIONS:
                return None  # `client: Any = Field(default=None)`: a declaration, not the value
            if f.project and node.args and node.args[0].keyword is None and not node.args[0].star:
                # a project helper handed a client (`with_max_retries(self.client, s).chat...`):
                # assume it returns that client (same-file helpers are followed instead)
                first = self.evaluate(node.args[0].value, scope)
                if isinstance(first, Client):
                    return first
            return Ext(f"{path}()", f.project, f.origin)
        if isinstance(f, FuncV):
            value = self.returns_of(f.scope)
            if isinstance(value, Client) and value.via in ("direct", "attribute"):
                value = replace(value, via="factory")
            return value
        if isinstance(f, Returned):
            value = f.value
            if isinstance(value, Client):
                value = replace(value, via="import")
            return value
        if isinstance(f, ClassV):
            return Inst(f.scope)
        if isinstance(f, WithOpts):
            return f.res
        return None

    def bedrock_service(self, node: cst.Call, scope: Scope) -> str | None:
        for i, arg in enumerate(node.args):
            if (arg.keyword is None and i == 0 and not arg.star) or (
                arg.keyword is not None and arg.keyword.value == "service_name"
            ):
                v = self.evaluate(arg.value, scope)
                return v.value if isinstance(v, Str) else None
        return None

    def new_client(
        self, node: cst.Call, scope: Scope, real: str, qualified: str, wrapped: bool, wrapped_by: str | None
    ) -> Client:
        provider, kind, is_async, subclassable = P.CLIENT_CLASSES[real]
        root = root_name(node.func)
        info = None
        if root is not None:
            for b in self.lookup(root.value, scope):
                if b[0] == "ext":
                    info = b[2]
                    break
        site = ClientSite(
            path=self.path,
            line=0,
            column=0,
            col_offset=0,
            end_line=0,
            end_col_offset=0,
            provider=provider,
            qualified_name=qualified,
            class_name=qualified.rsplit(".", 1)[-1],
            callee=self.module.code_for_node(node.func),
            binding=self.targets.get(id(node)),
            is_async=is_async,
            instrumented=wrapped,
            wrapped_by=wrapped_by,
            subclassable=subclassable and not wrapped,
            import_module=info.module if info else "",
            import_name=info.name if info else None,
            local_name=(info.asname or info.name or info.module) if info else None,
            function=scope.qualname or None if scope.kind != "module" else None,
        )
        self.clients.append((node, site, scope))
        return Client(provider, kind, real, is_async, wrapped, wrapped_by, site, "direct")

    # -- exports --------------------------------------------------------------------------
    def exports(self) -> dict[str, Any]:
        """Module-level names other project modules may import: clients, provider/runtime
        names (re-exports, e.g. a bootstrap module's ``from amplitude_ai import OpenAI``),
        resources, and factories (as ``Returned``)."""
        out: dict[str, Any] = {}
        scope = self.module_scope
        for name, bindings in scope.bindings.items():
            value = merge([self.eval_binding(b) for b in bindings])
            if isinstance(value, FuncV):
                ret = self.returns_of(value.scope)
                if isinstance(ret, (Client, Res)) or (isinstance(ret, Ext) and _interesting_ext(ret.path)):
                    out[name] = Returned(ret)
            elif isinstance(value, (Client, Res, Returned)):
                out[name] = value
            elif isinstance(value, Ext) and _interesting_ext(value.path):
                out[name] = Ext(value.path, False, value.origin)
        return out


# field declarations whose call result is not the attribute's value
DECLARATIONS = {
    "pydantic.Field", "pydantic.fields.Field", "pydantic.PrivateAttr", "pydantic.fields.PrivateAttr",
    "dataclasses.field", "attr.ib", "attr.attrib", "attrs.field", "attr.field",
}


def _stored(res: Res) -> str:
    """A binding holding a resource (``client.chat.completions``) or a whole endpoint method
    (``create = client.chat.completions.create``: reported where the reference is taken)."""
    return "stored_method" if res.path in P.ENDPOINTS.get(res.client.kind, ()) else "resource"


_FACTORY_PREFIXES = tuple({f.split("()")[0] for f in P.BEDROCK_FACTORIES})
_SDK_MODULES = {*P.PROVIDER_MODULES, "google.genai", "google.generativeai"}


def _interesting_ext(path: str) -> bool:
    """Re-exported names worth linking into importers: runtime names, SDK modules, client
    classes, module-level endpoints, boto3 client factories — not SDK types such as
    ``openai.types.ChatCompletion`` (importers of those need no second parse)."""
    if path.split(".")[0] == P.RUNTIME_MODULE or path in _SDK_MODULES:
        return True
    if path in P.CLIENT_CLASSES or path in P.MODULE_ENDPOINTS:
        return True
    return path.startswith(_FACTORY_PREFIXES)
