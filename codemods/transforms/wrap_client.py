"""Wrap a client that cannot be swapped for a subclass in ``wrap(<client>, amplitude=ai)``."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.codemod import CodemodContext

from ._args import keyword_arg
from ._common import RUNTIME_MODULE, ClientTarget, PlannedTransform, Setup, dotted, root_name
from .swap_client import AI_NAMES

DESCRIPTION = (
    "Wrap provider clients built by factories or classes we do not subclass (boto3 bedrock-runtime "
    "clients, google-genai `genai.Client`, ...) in `wrap(<client>, amplitude=ai)`; the call itself "
    "is left exactly as written."
)

WRAP_NAMES = ("wrap", "amplitude_wrap")

EXAMPLES: list[tuple[str, str, str]] = [
    (
        'boto3-bedrock',
        """\
import boto3

bedrock = boto3.client("bedrock-runtime", region_name="us-east-1")
bedrock.converse(modelId="m", messages=[])
""",
        """\
import boto3
from amplitude_ai import wrap
from amplitude_setup import ai

bedrock = wrap(boto3.client("bedrock-runtime", region_name="us-east-1"), amplitude=ai)
bedrock.converse(modelId="m", messages=[])
""",
    ),
    (
        'session-client',
        """\
import boto3

session = boto3.Session(profile_name="dev")
runtime = session.client("bedrock-runtime")
runtime.converse(modelId="m", messages=[])
""",
        """\
import boto3
from amplitude_ai import wrap
from amplitude_setup import ai

session = boto3.Session(profile_name="dev")
runtime = wrap(session.client("bedrock-runtime"), amplitude=ai)
runtime.converse(modelId="m", messages=[])
""",
    ),
    (
        'wrap-name-taken',
        """\
import boto3
from textwrap import wrap

br = boto3.client('bedrock-runtime')
br.converse(modelId='m', messages=[])
""",
        """\
import boto3
from amplitude_ai import wrap as amplitude_wrap
from amplitude_setup import ai
from textwrap import wrap

br = amplitude_wrap(boto3.client('bedrock-runtime'), amplitude=ai)
br.converse(modelId='m', messages=[])
""",
    ),
]


class WrapClient(PlannedTransform):
    """Targets: ``ClientTarget`` with ``wrapper=None``."""

    DESCRIPTION = DESCRIPTION

    def __init__(self, context: CodemodContext, targets: Sequence[ClientTarget], setup: Setup | None = None) -> None:
        super().__init__(context, setup)
        self.targets = [t for t in targets if not t.wrapper]
        self._calls: set[cst.Call] = set()
        self._ai = self.setup.ai_name
        self._wrap = "wrap"

    def has_edits(self) -> bool:
        return bool(self._calls)

    def plan(self, tree: cst.Module) -> None:
        found: list[tuple[ClientTarget, cst.Call]] = []
        for target in self.targets:
            calls = [c for c in self.nodes_at(target.line, target.column, cst.Call) if dotted(c.func) is not None]
            if not calls:
                self.outcome.warnings.append(f"{target.where}: no client construction found; left alone")
                continue
            call = calls[-1]
            if self._already_wrapped(call) or dotted(call.func) in {*WRAP_NAMES, "amplitude_ai.wrap"}:
                continue
            found.append((target, call))
        if not found:
            return
        uses = [c for _, c in found]
        ai_choice = self.choose_name(uses, self.setup.bootstrap_module, "ai", AI_NAMES)
        wrap_choice = self.choose_name(uses, RUNTIME_MODULE, "wrap", WRAP_NAMES)
        if ai_choice is None or wrap_choice is None:
            self.outcome.warnings.append("the names for wrap()/the AmplitudeAI instance are taken here; clients left alone")
            return
        self._ai, ai_imported = ai_choice
        self._wrap, wrap_imported = wrap_choice
        anchors = []
        for target, call in found:
            base = root_name(call.func)
            binding = self.import_binding(base) if base is not None else None
            anchors.append(self.statement_of(binding[0]) if binding else None)
            self._calls.add(call)
            label = target.label or dotted(call.func)
            self.outcome.changes.append(f"{target.where}: {label}(...) -> {self._wrap}(..., amplitude={self._ai})")
        # after each provider import a wrapped call depends on (module top when the client
        # comes from elsewhere, e.g. `session.client(...)`); see SwapClient._plan_ai_imports
        ordered = sorted(anchors, key=lambda a: (a is not None, self.position(a) if a is not None else (0, 0)))
        for anchor in ordered:
            module_uses = uses if self.is_module_level(anchor) else ()
            if not wrap_imported:
                self.ensure_import(anchor, RUNTIME_MODULE, "wrap", self._wrap, module_uses)
            if not ai_imported:
                self.ensure_import(anchor, self.setup.bootstrap_module, "ai", self._ai, module_uses)

    def _already_wrapped(self, call: cst.Call) -> bool:
        names = {*WRAP_NAMES, "amplitude_ai.wrap"}
        return any(
            dotted(outer.func) in names and any(arg.value is call for arg in outer.args)
            for outer in self.nodes_of(cst.Call)
        )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node not in self._calls:
            return updated_node
        return cst.Call(
            func=cst.Name(self._wrap),
            args=[
                cst.Arg(value=updated_node, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                keyword_arg("amplitude", cst.Name(self._ai)),
            ],
        )
