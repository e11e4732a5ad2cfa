"""Mechanics shared by every transform: targets by position, name choice, import insertion.

Transforms never detect anything: ``instrument.py`` turns the scanner's findings into
targets (a position plus what to do there) and a transform finds the node at that
position, checks that its shape is one it knows how to rewrite, and rewrites it. What
it cannot rewrite safely it leaves alone and reports in ``warnings``.

Imports are inserted right after an *anchor* statement: the import that binds the
provider name being rewritten (so the new import runs in the same place, the same
scope and under the same ``try``/``if``), or, when there is none, the end of the
module's leading import block. That guarantees a new import is never placed after its
first use, keeps comments where they were, and works for imports inside functions.
Every insertion is checked against the names already bound, so a second run never
adds a duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst
from dataclasses import replace

from libcst.codemod import Codemod, CodemodContext
from libcst.metadata import (
    Assignment,
    ImportAssignment,
    MetadataWrapper,
    PositionProvider,
    Scope,
    ScopeProvider,
)

RUNTIME_MODULE = "amplitude_ai"
MIDDLEWARE_MODULE = "amplitude_ai.middleware"


@dataclass(frozen=True)
class Setup:
    """Where the project's AmplitudeAI instance and bound agent are imported from."""

    bootstrap_module: str = "amplitude_setup"
    ai_name: str = "ai"
    agent_name: str = "agent"


@dataclass(frozen=True)
class ClientTarget:
    """A provider client construction to instrument (libcst positions: 1-based line,
    0-based column of the constructor call)."""

    line: int
    column: int
    wrapper: str | None = None  # amplitude_ai class to swap to; None: wrap(<call>, amplitude=ai)
    label: str = ""  # e.g. "openai.OpenAI", used in messages

    @property
    def where(self) -> str:
        """``line:column`` as ``check`` prints it (1-based column)."""
        return f"{self.line}:{self.column + 1}"


@dataclass(frozen=True)
class AppTarget:
    """A FastAPI/Starlette app creation (the statement at ``line``) that needs the middleware."""

    line: int
    app: str = "app"  # the expression the app is bound to, e.g. "app" or "self.app"


@dataclass(frozen=True)
class HandlerTarget:
    """A handler (the ``def`` at ``line``) whose body should run inside ``agent.session``."""

    line: int
    name: str = ""
    user_id: str | None = None  # Python expression for the user id, None: TODO placeholder
    kind: str = ""  # flask, django, lambda, click, typer, ...


@dataclass
class Outcome:
    """What one transform did to one module (filled while it runs)."""

    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def dotted(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted(node.value)
        return None if head is None else f"{head}.{node.attr.value}"
    return None


def root_name(node: cst.BaseExpression) -> cst.Name | None:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node if isinstance(node, cst.Name) else None


def module_name(node: cst.ImportFrom) -> str:
    if node.module is None:
        return "." * len(node.relative)
    return "." * len(node.relative) + (dotted(node.module) or "")


def alias_bound_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return (dotted(alias.name) or "").split(".")[0]


def leading_import_end(module: cst.Module) -> cst.BaseStatement | None:
    """The last statement of the module's leading block (docstring, ``__future__``, imports)."""
    last: cst.BaseStatement | None = None
    for index, stmt in enumerate(module.body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            break
        small = stmt.body
        is_doc = (
            index == 0
            and len(small) == 1
            and isinstance(small[0], cst.Expr)
            and isinstance(small[0].value, (cst.SimpleString, cst.ConcatenatedString))
        )
        if is_doc or all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in small):
            last = stmt
            continue
        break
    return last


def parse_statement(code: str) -> cst.SimpleStatementLine:
    stmt = cst.parse_statement(code)
    assert isinstance(stmt, cst.SimpleStatementLine)
    return stmt


class PlannedTransform(Codemod, cst.CSTTransformer):
    """Base for the transforms: position lookup, name resolution, statement insertion.

    Subclasses implement ``plan()`` (runs once, before the tree is visited, with all
    metadata resolved) and the ``leave_*`` methods that apply the plan. A plain
    ``CSTTransformer`` (no matcher decorators) over a tree that is not copied first: the
    transforms run on a module ``instrument.py`` just parsed, and both costs are a large
    part of the run time on big files. Parents are found from positions, not
    ``ParentNodeProvider`` (the most expensive provider).
    """

    DESCRIPTION = ""
    METADATA_DEPENDENCIES = (PositionProvider, ScopeProvider)

    def __init__(self, context: CodemodContext, setup: Setup | None = None) -> None:
        Codemod.__init__(self, context)
        cst.CSTTransformer.__init__(self)
        self.setup = setup or Setup()
        self.outcome = Outcome()
        # original statement -> statements to insert right after it
        self._after: dict[cst.CSTNode, list[cst.SimpleStatementLine]] = {}
        # original statement -> statements to insert right before it (module top, no anchor)
        self._before: dict[cst.CSTNode, list[cst.SimpleStatementLine]] = {}
        self._remove: set[cst.CSTNode] = set()
        self._planned_imports: dict[tuple[str, str, str], list[cst.CSTNode | None]] = {}
        self._extend: dict[cst.ImportFrom, list[tuple[str, str]]] = {}
        self._module: cst.Module | None = None
        self._statements: list | None = None

    # -- planning helpers -----------------------------------------------------------
    def transform_module(self, tree: cst.Module) -> cst.Module:
        """Like ``Codemod.transform_module`` (one pass) without deep-copying ``tree``."""
        wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
        old = self.context.wrapper
        with self.resolve(wrapper):
            self.context = replace(self.context, wrapper=wrapper)
            try:
                return self.transform_module_impl(wrapper.module)
            finally:
                self.context = replace(self.context, wrapper=old)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        self._module = tree
        self.plan(tree)
        if not (self._after or self._before or self._remove or self._extend or self.has_edits()):
            return tree
        return tree.visit(self)

    def plan(self, tree: cst.Module) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def has_edits(self) -> bool:
        return False

    def nodes_at(self, line: int, column: int | None, kind: type[cst.CSTNode]) -> list[cst.CSTNode]:
        """Nodes of ``kind`` starting at ``line`` (and ``column`` when given), outermost first."""
        positions = self.metadata[PositionProvider]
        found = []
        for node, rng in positions.items():
            if isinstance(node, kind) and rng.start.line == line and (column is None or rng.start.column == column):
                found.append((rng.end.line - rng.start.line, rng.end.column, node))
        found.sort(key=lambda item: (-item[0], -item[1]))
        return [node for _, _, node in found]

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        start = self.get_metadata(PositionProvider, node).start
        return start.line, start.column

    def statement_of(self, node: cst.CSTNode) -> cst.CSTNode:
        """The innermost statement (SimpleStatementLine or compound) containing ``node``."""
        positions = self.metadata[PositionProvider]
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            return node
        if self._statements is None:
            self._statements = [
                (n, (r.start.line, r.start.column), (r.end.line, r.end.column))
                for n, r in positions.items()
                if isinstance(n, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
            ]
        rng = positions[node]
        start, end = (rng.start.line, rng.start.column), (rng.end.line, rng.end.column)
        best = None
        for stmt, s_start, s_end in self._statements:
            if s_start <= start and end <= s_end and (best is None or (s_start, best[2]) >= (best[1], s_end)):
                best = (stmt, s_start, s_end)
        if best is None:
            raise LookupError("node is in no statement")
        return best[0]

    def nodes_of(self, kind: type[cst.CSTNode]) -> list[cst.CSTNode]:
        return [n for n in self.metadata[PositionProvider] if isinstance(n, kind)]

    def scope_of(self, node: cst.CSTNode) -> Scope | None:
        return self.get_metadata(ScopeProvider, node, None)

    def visible_assignments(self, node: cst.CSTNode, name: str) -> list:
        scope = self.scope_of(node)
        if scope is None:
            return []
        return [a for a in scope[name] if isinstance(a, (Assignment, ImportAssignment))] or list(scope[name])

    def import_binding(self, name_node: cst.Name) -> tuple[cst.Import | cst.ImportFrom, cst.ImportAlias] | None:
        """The one import statement and alias binding ``name_node`` where it is used, if any."""
        assignments = self.visible_assignments(name_node, name_node.value)
        if len(assignments) != 1:
            return None
        (assignment,) = assignments
        stmt = getattr(assignment, "node", None)
        if not isinstance(stmt, (cst.Import, cst.ImportFrom)) or isinstance(stmt.names, cst.ImportStar):
            return None
        for alias in stmt.names:
            if alias_bound_name(alias) == name_node.value:
                return stmt, alias
        return None

    def name_is_ours(self, at: cst.CSTNode, name: str, module: str, attr: str | None) -> bool | None:
        """True when ``name`` at ``at`` is bound by ``from module import attr [as name]`` (or
        ``import module`` when attr is None); None when it is not bound at all; False when
        something else binds it."""
        assignments = self.visible_assignments(at, name)
        if not assignments:
            return None
        for assignment in assignments:
            stmt = getattr(assignment, "node", None)
            if attr is None and isinstance(stmt, cst.Import):
                if any(dotted(a.name) == module and alias_bound_name(a) == name for a in stmt.names):
                    continue
            if attr is not None and isinstance(stmt, cst.ImportFrom) and module_name(stmt) == module:
                if not isinstance(stmt.names, cst.ImportStar) and any(
                    dotted(a.name) == attr and alias_bound_name(a) == name for a in stmt.names
                ):
                    continue
            return False
        return True

    def choose_name(
        self, uses: Iterable[cst.CSTNode], module: str, attr: str | None, candidates: Sequence[str]
    ) -> tuple[str, bool] | None:
        """Pick a local name for ``module.attr`` usable at every node in ``uses``.

        Returns (name, already_imported) or None when every candidate is taken."""
        uses = list(uses)
        for candidate in candidates:
            states = [self.name_is_ours(node, candidate, module, attr) for node in uses]
            if any(state is False for state in states):
                continue
            if self.binds_anywhere(candidate, module, attr):
                continue
            return candidate, bool(states) and all(state is True for state in states)
        return None

    def binds_anywhere(self, name: str, module: str, attr: str | None) -> bool:
        """True when some scope in the file binds ``name`` to something other than ours
        (a local variable of that name would shadow our module-level import)."""
        scopes = {s for s in self.metadata[ScopeProvider].values() if s is not None}
        for scope in scopes:
            for assignment in scope.assignments[name] if name in scope.assignments else ():
                stmt = getattr(assignment, "node", None)
                if isinstance(stmt, cst.ImportFrom) and attr is not None and module_name(stmt) == module:
                    if not isinstance(stmt.names, cst.ImportStar) and any(
                        dotted(a.name) == attr and alias_bound_name(a) == name for a in stmt.names
                    ):
                        continue
                if isinstance(stmt, cst.Import) and attr is None:
                    if any(dotted(a.name) == module and alias_bound_name(a) == name for a in stmt.names):
                        continue
                return True
        return False

    # -- insertion ----------------------------------------------------------------
    def import_statement(self, module: str, attr: str | None, name: str) -> cst.SimpleStatementLine:
        if attr is None:
            return parse_statement(f"import {module}" + ("" if name == module.split(".")[0] else f" as {name}"))
        return parse_statement(f"from {module} import {attr}" + ("" if name == attr else f" as {name}"))

    def ensure_import(
        self, anchor: cst.CSTNode | None, module: str, attr: str | None, name: str, uses: Sequence[cst.CSTNode] = ()
    ) -> None:
        """Insert the import after ``anchor`` (a statement) unless already planned. With
        ``uses``, a module-level ``from module import ...`` above every use is extended instead."""
        key = (module, attr or "", name)
        anchors = self._planned_imports.setdefault(key, [])
        if any(self._dominates(earlier, anchor) for earlier in anchors):
            return  # an import planned earlier already runs before this one would
        anchors.append(anchor)
        if attr is not None and uses and self._extend_existing(module, attr, name, uses):
            return
        stmt = self.import_statement(module, attr, name)
        if attr is not None:  # join `from m import a` planned at the same place: `from m import a, b`
            for bucket in (self._after, self._before):
                for planned in bucket.values():
                    for i, other in enumerate(planned):
                        small = other.body[0]
                        if isinstance(small, cst.ImportFrom) and module_name(small) == module and not small.lpar:
                            if planned is self._after.get(self._anchor_or_default(anchor)) or (
                                bucket is self._before and self._anchor_or_default(anchor) is None
                            ):
                                aliases = sorted(
                                    [*small.names, *stmt.body[0].names], key=lambda a: alias_bound_name(a)
                                )
                                aliases = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in aliases]
                                aliases = [
                                    a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                                    for a in aliases[:-1]
                                ] + aliases[-1:]
                                planned[i] = other.with_changes(body=[small.with_changes(names=aliases)])
                                return
        self.insert_after(anchor, stmt)

    def _range(self, node: cst.CSTNode) -> tuple[tuple[int, int], tuple[int, int]]:
        rng = self.metadata[PositionProvider][node]
        return (rng.start.line, rng.start.column), (rng.end.line, rng.end.column)

    def block_of(self, stmt: cst.CSTNode) -> cst.CSTNode | None:
        """The innermost indented block holding ``stmt``; None for the module body."""
        start, end = self._range(stmt)
        best = None
        for block in self.nodes_of(cst.IndentedBlock):
            b_start, b_end = self._range(block)
            if b_start <= start and end <= b_end and (best is None or best[0] <= b_start):
                best = (b_start, block)
        return best[1] if best else None

    def _dominates(self, earlier: cst.CSTNode | None, later: cst.CSTNode | None) -> bool:
        """An import right after ``earlier`` runs before anything after ``later`` (None: the
        module's leading import block, which runs before everything)."""
        if earlier is None or earlier is later:
            return True
        if later is None:
            return False
        if self._range(earlier)[0] >= self._range(later)[0]:
            return False
        block = self.block_of(earlier)
        if block is None:
            return True
        b_start, b_end = self._range(block)
        l_start, l_end = self._range(later)
        return b_start <= l_start and l_end <= b_end

    def is_module_level(self, stmt: cst.CSTNode | None) -> bool:
        return stmt is None or self.block_of(stmt) is None

    def _extend_existing(self, module: str, attr: str, name: str, uses: Sequence[cst.CSTNode]) -> bool:
        assert self._module is not None
        first_use = min(self.position(u)[0] for u in uses)
        for stmt in self._module.body:
            if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
                continue
            small = stmt.body[0]
            if (
                isinstance(small, cst.ImportFrom)
                and not small.relative
                and module_name(small) == module
                and not isinstance(small.names, cst.ImportStar)
                and self.position(stmt)[0] < first_use
            ):
                self._extend.setdefault(small, []).append((attr, name))
                return True
        return False

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom):
        extra = self._extend.get(original_node)
        if not extra or isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        names = list(updated_node.names)
        for attr, name in extra:
            names.append(cst.ImportAlias(name=cst.Name(attr), asname=None if attr == name else cst.AsName(name=cst.Name(name))))
        if updated_node.lpar is None or not any(isinstance(a.comma, cst.Comma) for a in names[-len(extra) - 1 : -len(extra)]):
            names = [
                a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                if i < len(names) - 1 and not isinstance(a.comma, cst.Comma)
                else a
                for i, a in enumerate(names)
            ]
        else:  # parenthesized with a trailing comma: keep one name per line
            lead = updated_node.lpar.whitespace_after
            between = (
                cst.ParenthesizedWhitespace(indent=lead.indent, last_line=lead.last_line)
                if isinstance(lead, cst.ParenthesizedWhitespace)
                else cst.SimpleWhitespace(" ")
            )
            closing = names[-len(extra) - 1].comma
            for i in range(len(names) - len(extra) - 1, len(names)):
                names[i] = names[i].with_changes(comma=closing if i == len(names) - 1 else cst.Comma(whitespace_after=between))
        return updated_node.with_changes(names=names)

    def _anchor_or_default(self, anchor: cst.CSTNode | None) -> cst.CSTNode | None:
        assert self._module is not None
        return anchor if anchor is not None else leading_import_end(self._module)

    def insert_after(self, anchor: cst.CSTNode | None, stmt: cst.SimpleStatementLine) -> None:
        assert self._module is not None
        if anchor is None:
            anchor = leading_import_end(self._module)
        if anchor is None:
            if self._module.body:
                self._before.setdefault(self._module.body[0], []).append(stmt)
            else:
                self._module = self._module.with_changes(body=[stmt])
            return
        self._after.setdefault(anchor, []).append(stmt)

    def _splice(self, original: cst.CSTNode, updated):
        before = self._before.get(original, [])
        after = self._after.get(original, [])
        if original in self._remove:
            if after and isinstance(updated, cst.SimpleStatementLine):  # the blank lines/comments above stay
                after = [after[0].with_changes(leading_lines=updated.leading_lines), *after[1:]]
            updated = None
        if not before and not after:
            return cst.RemoveFromParent() if updated is None else updated
        items = [*before, *([] if updated is None else [updated]), *after]
        if before and isinstance(updated, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            # the new imports take the statement's leading comments; a blank line (two
            # before a def/class) separates them from the statement
            items[0] = items[0].with_changes(leading_lines=updated.leading_lines)
            blank = 2 if isinstance(updated, (cst.FunctionDef, cst.ClassDef)) else 1
            items[len(before)] = updated.with_changes(leading_lines=[cst.EmptyLine()] * blank)
        return cst.FlattenSentinel(items)

    def leave_SimpleStatementLine(self, original_node, updated_node):
        return self._splice(original_node, updated_node)

    def on_leave(self, original_node, updated_node):
        result = super().on_leave(original_node, updated_node)
        if isinstance(original_node, cst.BaseCompoundStatement) and (
            original_node in self._after or original_node in self._before
        ):
            return self._splice(original_node, result)
        return result
