"""Swap a provider client class for the runtime's drop-in subclass, bound to ``ai``."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.codemod import CodemodContext

from ._args import add_keyword, has_keyword
from ._common import (
    RUNTIME_MODULE,
    ClientTarget,
    PlannedTransform,
    Setup,
    alias_bound_name,
    dotted,
    root_name,
)

DESCRIPTION = (
    "Swap provider client classes (OpenAI, AsyncOpenAI, AzureOpenAI, Anthropic, Mistral, ...) for "
    "amplitude_ai's subclasses and pass amplitude=ai. `from openai import OpenAI [as C]` becomes "
    "`from amplitude_ai import OpenAI [as C]`; `openai.OpenAI(...)` becomes `amplitude_ai.OpenAI(...)`."
)

AI_NAMES = ("ai", "amplitude_ai_instance")

# (name, before, after): the examples are the documentation and the generated tests.
EXAMPLES: list[tuple[str, str, str]] = [
    (
        'from-import',
        """\
from openai import OpenAI

client = OpenAI()
""",
        """\
from amplitude_ai import OpenAI
from amplitude_setup import ai

client = OpenAI(amplitude=ai)
""",
    ),
    (
        'alias-kept',
        """\
from openai import OpenAI as C

client = C(api_key=KEY)
""",
        """\
from amplitude_ai import OpenAI as C
from amplitude_setup import ai

client = C(amplitude=ai, api_key=KEY)
""",
    ),
    (
        'mixed-import-split',
        """\
from openai import APIError, OpenAI  # sdk

client = OpenAI()
""",
        """\
from openai import APIError  # sdk
from amplitude_ai import OpenAI
from amplitude_setup import ai

client = OpenAI(amplitude=ai)
""",
    ),
    (
        'attribute-form',
        """\
import openai

client = openai.OpenAI()
""",
        """\
import amplitude_ai
from amplitude_setup import ai

client = amplitude_ai.OpenAI(amplitude=ai)
""",
    ),
    (
        'attribute-form-module-still-used',
        """\
import openai

client = openai.OpenAI()
Err = openai.APIError
""",
        """\
import openai
import amplitude_ai
from amplitude_setup import ai

client = amplitude_ai.OpenAI(amplitude=ai)
Err = openai.APIError
""",
    ),
    (
        'multi-line-call',
        """\
from anthropic import Anthropic

client = Anthropic(
    api_key=KEY,
    max_retries=3,
)
""",
        """\
from amplitude_ai import Anthropic
from amplitude_setup import ai

client = Anthropic(
    amplitude=ai,
    api_key=KEY,
    max_retries=3,
)
""",
    ),
    (
        'mistral-3x',
        """\
from mistralai.client import Mistral

client = Mistral(api_key=KEY)
""",
        """\
from amplitude_ai import Mistral
from amplitude_setup import ai

client = Mistral(amplitude=ai, api_key=KEY)
""",
    ),
    (
        'google-genai-module-form',
        """\
from google import genai

client = genai.Client()
client.models.generate_content(model="gemini-2.0-flash", contents="hi")
""",
        """\
import amplitude_ai
from amplitude_setup import ai

client = amplitude_ai.Gemini(amplitude=ai)
client.models.generate_content(model="gemini-2.0-flash", contents="hi")
""",
    ),
]


class SwapClient(PlannedTransform):
    """Targets: ``ClientTarget`` with ``wrapper`` set (the amplitude_ai class name)."""

    DESCRIPTION = DESCRIPTION

    def __init__(self, context: CodemodContext, targets: Sequence[ClientTarget], setup: Setup | None = None) -> None:
        super().__init__(context, setup)
        self.targets = [t for t in targets if t.wrapper]
        self._calls: dict[cst.Call, str | None] = {}  # call -> new func dotted name (None: keep func)
        self._switch: dict[cst.ImportFrom, dict[str, str]] = {}  # import -> {bound name: wrapper}
        self._drop_alias: dict[cst.CSTNode, set[str]] = {}  # `import openai` / `from google import genai` no longer used
        self._trailing: dict[cst.ImportFrom, cst.TrailingWhitespace] = {}
        self._ai = self.setup.ai_name

    def has_edits(self) -> bool:
        return bool(self._calls or self._switch or self._drop_alias)

    def _constructor_call(self, target: ClientTarget) -> cst.Call | None:
        for node in reversed(self.nodes_at(target.line, target.column, cst.Call)):
            if dotted(node.func) is not None:
                return node
        return None

    def plan(self, tree: cst.Module) -> None:
        calls: list[tuple[ClientTarget, cst.Call]] = []
        for target in self.targets:
            call = self._constructor_call(target)
            where = target.where
            if call is None:
                self.outcome.warnings.append(f"{where}: no client construction found at this position; left alone")
                continue
            if has_keyword(call, "amplitude"):
                continue  # already bound: nothing to do
            calls.append((target, call))
        if not calls:
            return
        choice = self.choose_name([c for _, c in calls], self.setup.bootstrap_module, "ai", AI_NAMES)
        if choice is None:
            self.outcome.warnings.append("every name for the AmplitudeAI instance is taken in this file; clients left alone")
            return
        self._ai, ai_imported = choice
        uses_by_import: dict[cst.CSTNode, list[cst.Call]] = {}
        anchors: list[cst.CSTNode] = []
        for target, call in calls:
            where = target.where
            label = target.label or dotted(call.func)
            func = call.func
            if isinstance(func, cst.Name):
                binding = self.import_binding(func)
                if binding is None or not isinstance(binding[0], cst.ImportFrom):
                    self.outcome.warnings.append(
                        f"{where}: {label}: `{func.value}` is not bound by one `from ... import` here "
                        "(shadowed, conditional or star import); left alone"
                    )
                    continue
                stmt, alias = binding
                self._switch.setdefault(stmt, {})[alias_bound_name(alias)] = target.wrapper
                self._calls[call] = None
                anchors.append(self.statement_of(stmt))
            else:
                base = root_name(func)
                binding = self.import_binding(base) if base is not None else None
                if binding is None:
                    self.outcome.warnings.append(
                        f"{where}: {label}: `{base.value if base else dotted(func)}` is not bound by one import; left alone"
                    )
                    continue
                module_choice = self.choose_name([call], RUNTIME_MODULE, None, (RUNTIME_MODULE,))
                if module_choice is None:
                    self.outcome.warnings.append(f"{where}: {label}: the name `amplitude_ai` is taken here; left alone")
                    continue
                stmt, alias = binding
                anchor = self.statement_of(stmt)
                if not module_choice[1]:
                    self.ensure_import(anchor, RUNTIME_MODULE, None, RUNTIME_MODULE)
                self._calls[call] = f"{RUNTIME_MODULE}.{target.wrapper}"
                uses_by_import.setdefault(stmt, []).append(base)
                anchors.append(anchor)
            self.outcome.changes.append(f"{target.where}: {label} -> amplitude_ai.{target.wrapper}(amplitude={self._ai})")
        self._plan_unused_module_imports(uses_by_import)
        if anchors and not ai_imported:
            self._plan_ai_imports(anchors, list(self._calls))

    def _plan_unused_module_imports(self, uses_by_import: dict[cst.CSTNode, list[cst.Name]]) -> None:
        """``import openai`` whose every use was rewritten is dropped (never one still used)."""
        for stmt, rewritten in uses_by_import.items():
            if isinstance(stmt.names, cst.ImportStar):
                continue
            scope = self.scope_of(stmt)
            for alias in stmt.names:
                name = alias_bound_name(alias)
                if scope is None or dotted(alias.name) != name and alias.asname is None:
                    continue  # `import openai.types` binds `openai` for several imports: keep
                assignments = [a for a in scope.assignments[name] if getattr(a, "node", None) is stmt]
                if len(assignments) != 1:
                    continue
                refs = {ref.node for ref in assignments[0].references}
                if refs and refs <= set(rewritten):
                    self._drop_alias.setdefault(stmt, set()).add(name)

    def _plan_ai_imports(self, anchors: list[cst.CSTNode], calls: list[cst.Call]) -> None:
        """``from <bootstrap> import ai`` right after each provider import a rewritten call
        depends on, unless one planned after an earlier import already runs first (imports
        in both branches of an ``if`` each get one). At module level an existing
        ``from <bootstrap> import ...`` above every use is extended instead."""
        for anchor in sorted(anchors, key=self.position):
            uses = calls if self.is_module_level(anchor) else ()
            self.ensure_import(anchor, self.setup.bootstrap_module, "ai", self._ai, uses)

    # -- apply --------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if original_node not in self._calls:
            return updated_node
        new_func = self._calls[original_node]
        if new_func is not None:
            updated_node = updated_node.with_changes(func=cst.parse_expression(new_func))
        return add_keyword(updated_node, "amplitude", cst.Name(self._ai))

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom):
        updated_node = super().leave_ImportFrom(original_node, updated_node)
        drop = self._drop_alias.get(original_node)
        if drop and not isinstance(updated_node.names, cst.ImportStar):  # `from google import genai`, unused now
            kept = [a for a in updated_node.names if alias_bound_name(a) not in drop]
            if not kept:
                self._remove.add(self.statement_of(original_node))
                return updated_node
            last_comma = updated_node.names[-1].comma
            kept[-1] = kept[-1].with_changes(comma=last_comma if updated_node.lpar else cst.MaybeSentinel.DEFAULT)
            updated_node = updated_node.with_changes(names=kept)
        switch = self._switch.get(original_node)
        if not switch:
            return updated_node
        names = list(updated_node.names)
        moving = [a for a in names if alias_bound_name(a) in switch]

        def renamed(alias: cst.ImportAlias) -> cst.ImportAlias:
            wrapper = switch[alias_bound_name(alias)]
            bound = alias_bound_name(alias)
            asname = None if bound == wrapper else cst.AsName(name=cst.Name(bound))
            return alias.with_changes(name=cst.Name(wrapper), asname=asname)

        if not moving:
            return updated_node
        if len(moving) == len(names):  # the whole statement moves: rename in place, keep layout
            return updated_node.with_changes(
                module=cst.Name(RUNTIME_MODULE), relative=(), names=[renamed(a) for a in names]
            )
        kept = [a for a in names if alias_bound_name(a) not in switch]
        last_comma = names[-1].comma
        if (
            isinstance(last_comma, cst.Comma)
            and isinstance(last_comma.whitespace_after, cst.ParenthesizedWhitespace)
            and last_comma.whitespace_after.first_line.comment is not None
        ):  # that comment belongs to the moved name: it goes with it
            last_comma = last_comma.with_changes(
                whitespace_after=last_comma.whitespace_after.with_changes(first_line=cst.TrailingWhitespace())
            )
        if kept[-1] is not names[-1]:
            own = kept[-1].comma
            own_comment = (
                own.whitespace_after.first_line
                if isinstance(own, cst.Comma)
                and isinstance(own.whitespace_after, cst.ParenthesizedWhitespace)
                and own.whitespace_after.first_line.comment is not None
                else None
            )
            if own_comment is not None and isinstance(last_comma, cst.Comma) and isinstance(
                last_comma.whitespace_after, cst.ParenthesizedWhitespace
            ):  # keep the kept name's own comment, with the closing layout of the old last name
                last_comma = last_comma.with_changes(
                    whitespace_after=last_comma.whitespace_after.with_changes(first_line=own_comment)
                )
            elif own_comment is not None:
                last_comma = own.with_changes(
                    whitespace_after=own.whitespace_after.with_changes(last_line=cst.SimpleWhitespace(""), indent=False)
                )
            kept[-1] = kept[-1].with_changes(comma=last_comma)
        new_aliases = [renamed(a).with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in moving]
        for i in range(len(new_aliases) - 1):
            new_aliases[i] = new_aliases[i].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        comments = [
            a.comma.whitespace_after.first_line.comment
            for a in moving
            if isinstance(a.comma, cst.Comma)
            and isinstance(a.comma.whitespace_after, cst.ParenthesizedWhitespace)
            and a.comma.whitespace_after.first_line.comment is not None
        ]
        new_stmt = cst.SimpleStatementLine(
            body=[cst.ImportFrom(module=cst.Name(RUNTIME_MODULE), names=new_aliases)],
            trailing_whitespace=cst.TrailingWhitespace(
                whitespace=cst.SimpleWhitespace("  ") if comments else cst.SimpleWhitespace(""),
                comment=comments[0] if comments else None,
            ),
        )
        anchor = self.statement_of(original_node)
        self._after.setdefault(anchor, []).insert(0, new_stmt)
        return updated_node.with_changes(names=kept, lpar=updated_node.lpar, rpar=updated_node.rpar)

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import):
        drop = self._drop_alias.get(original_node)
        if not drop:
            return updated_node
        kept = [a for a in updated_node.names if alias_bound_name(a) not in drop]
        if not kept:
            self._remove.add(self.statement_of(original_node))
            return updated_node
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=kept)
