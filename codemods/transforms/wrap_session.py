"""Run a handler's body inside ``with agent.session(user_id=...)`` (``async with`` for async)."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import PositionProvider

from ._args import keyword_arg
from ._common import HandlerTarget, PlannedTransform, Setup

DESCRIPTION = (
    "Wrap the body of request/command handlers (Flask, Django, AWS Lambda, click, typer) in "
    "`with agent.session(user_id=...):` (`async with` for async handlers), keeping the docstring "
    "first. The user id comes from the handler's obvious source, else a marked TODO placeholder."
)

AGENT_NAMES = ("agent", "amplitude_agent")
TODO_USER_ID = '"TODO-user-id"'
TODO_COMMENT = "# TODO(amplitude-ai): pass the real user id"

EXAMPLES: list[tuple[str, str, str]] = [
    (
        'flask-login-current-user',
        '''\
from flask import Flask
from flask_login import current_user

from amplitude_ai import OpenAI
from amplitude_setup import ai

app = Flask(__name__)
client = OpenAI(amplitude=ai)


@app.post("/ask")
def ask():
    """Answer one question."""
    return client.chat.completions.create(model="gpt-4o", messages=[]).model_dump()
''',
        '''\
from flask import Flask
from flask_login import current_user

from amplitude_ai import OpenAI
from amplitude_setup import ai, agent

app = Flask(__name__)
client = OpenAI(amplitude=ai)


@app.post("/ask")
def ask():
    """Answer one question."""
    with agent.session(user_id=current_user.id):
        return client.chat.completions.create(model="gpt-4o", messages=[]).model_dump()
''',
    ),
    (
        'lambda-user-unknown',
        """\
import boto3

from amplitude_ai import wrap
from amplitude_setup import ai

bedrock = wrap(boto3.client("bedrock-runtime"), amplitude=ai)


def handler(event, context):
    return bedrock.converse(modelId="m", messages=event["messages"])
""",
        """\
import boto3

from amplitude_ai import wrap
from amplitude_setup import ai, agent

bedrock = wrap(boto3.client("bedrock-runtime"), amplitude=ai)


def handler(event, context):
    with agent.session(user_id="TODO-user-id"):  # TODO(amplitude-ai): pass the real user id
        return bedrock.converse(modelId="m", messages=event["messages"])
""",
    ),
    (
        'click-user-id-option',
        '''\
import click

from amplitude_ai import OpenAI
from amplitude_setup import ai

client = OpenAI(amplitude=ai)


@click.command()
@click.option("--user-id")
def main(user_id):
    """Ask once."""
    click.echo(client.chat.completions.create(model="gpt-4o", messages=[]))
''',
        '''\
import click

from amplitude_ai import OpenAI
from amplitude_setup import ai, agent

client = OpenAI(amplitude=ai)


@click.command()
@click.option("--user-id")
def main(user_id):
    """Ask once."""
    with agent.session(user_id=user_id):
        click.echo(client.chat.completions.create(model="gpt-4o", messages=[]))
''',
    ),
    (
        'one-line-lambda-handler',
        """\
import os

from amplitude_ai import Mistral
from amplitude_setup import ai

client = Mistral(amplitude=ai, api_key=os.environ["MISTRAL_API_KEY"])


def lambda_handler(event, context): return client.chat.complete(model="mistral-small-latest", messages=event["messages"])
""",
        """\
import os

from amplitude_ai import Mistral
from amplitude_setup import ai, agent

client = Mistral(amplitude=ai, api_key=os.environ["MISTRAL_API_KEY"])


def lambda_handler(event, context):
    with agent.session(user_id="TODO-user-id"):  # TODO(amplitude-ai): pass the real user id
        return client.chat.complete(model="mistral-small-latest", messages=event["messages"])
""",
    ),
]


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


class WrapSession(PlannedTransform):
    """Targets: ``HandlerTarget`` (the line of the ``def`` keyword)."""

    DESCRIPTION = DESCRIPTION

    def __init__(self, context: CodemodContext, targets: Sequence[HandlerTarget], setup: Setup | None = None) -> None:
        super().__init__(context, setup)
        self.targets = list(targets)
        self._defs: dict[cst.FunctionDef, cst.BaseExpression | None] = {}
        self._agent = self.setup.agent_name

    def has_edits(self) -> bool:
        return bool(self._defs)

    def plan(self, tree: cst.Module) -> None:
        found: list[tuple[HandlerTarget, cst.FunctionDef, cst.BaseExpression | None]] = []
        for target in self.targets:
            defs = [d for d in self.nodes_at(target.line, None, cst.FunctionDef) if not target.name or d.name.value == target.name]
            if not defs:  # a position on the first decorator
                defs = [
                    d
                    for d in self._all_defs(tree)
                    if d.decorators and self.position(d.decorators[0])[0] == target.line
                    and (not target.name or d.name.value == target.name)
                ]
            if defs and not self._wrappable(defs[0]):
                continue  # nothing but a docstring: nothing to run in a session
            if not defs:
                self.outcome.warnings.append(f"{target.line}: handler {target.name or '?'} not found; left alone")
                continue
            func = defs[0]
            user_id: cst.BaseExpression | None = None
            if target.user_id:
                try:
                    user_id = cst.parse_expression(target.user_id)
                except cst.ParserSyntaxError:
                    self.outcome.warnings.append(f"{target.line}: user id {target.user_id!r} is not an expression; using the TODO placeholder")
            found.append((target, func, user_id))
        if not found:
            return
        choice = self.choose_name([f for _, f, _ in found], self.setup.bootstrap_module, "agent", AGENT_NAMES)
        if choice is None:
            self.outcome.warnings.append("every name for the bound agent is taken in this file; handlers left alone")
            return
        self._agent, imported = choice
        for target, func, user_id in found:
            self._defs[func] = user_id
            kind = "async with" if func.asynchronous else "with"
            who = target.user_id if user_id is not None else "TODO placeholder"
            self.outcome.changes.append(f"{target.line}: {func.name.value}: body runs in `{kind} {self._agent}.session(...)` (user id: {who})")
        if not imported:
            self.ensure_import(None, self.setup.bootstrap_module, "agent", self._agent, [f for _, f, _ in found])

    def _all_defs(self, tree: cst.Module) -> list[cst.FunctionDef]:
        return [n for n in self.metadata[PositionProvider] if isinstance(n, cst.FunctionDef)]

    @staticmethod
    def _wrappable(func: cst.FunctionDef) -> bool:
        if isinstance(func.body, cst.SimpleStatementSuite):
            return True
        stmts = list(func.body.body)
        if stmts and _is_docstring(stmts[0]):
            stmts = stmts[1:]
        return bool(stmts)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        if original_node not in self._defs:
            return updated_node
        user_id = self._defs[original_node]
        body = updated_node.body
        if isinstance(body, cst.SimpleStatementSuite):  # `def f(): return x` -> an indented block
            body = cst.IndentedBlock(
                body=[cst.SimpleStatementLine(body=[s.with_changes(semicolon=cst.MaybeSentinel.DEFAULT) for s in body.body])],
                header=body.trailing_whitespace,
            )
        stmts = list(body.body)
        head = [stmts.pop(0)] if stmts and _is_docstring(stmts[0]) else []
        if not stmts:
            return updated_node
        session = cst.Call(
            func=cst.Attribute(value=cst.Name(self._agent), attr=cst.Name("session")),
            args=[keyword_arg("user_id", user_id if user_id is not None else cst.SimpleString(TODO_USER_ID))],
        )
        header = cst.TrailingWhitespace()
        if user_id is None:
            header = cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(TODO_COMMENT))
        with_stmt = cst.With(
            items=[cst.WithItem(item=session)],
            body=cst.IndentedBlock(body=stmts, header=header),
            asynchronous=cst.Asynchronous() if updated_node.asynchronous else None,
        )
        return updated_node.with_changes(body=body.with_changes(body=[*head, with_stmt]))
