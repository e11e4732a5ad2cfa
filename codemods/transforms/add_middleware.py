"""Give a FastAPI/Starlette app ``AmplitudeAIMiddleware`` right after it is created."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.codemod import CodemodContext

from ._common import MIDDLEWARE_MODULE, AppTarget, PlannedTransform, Setup, dotted, parse_statement
from .swap_client import AI_NAMES
from .wrap_session import AGENT_NAMES

DESCRIPTION = (
    "Add `app.add_middleware(AmplitudeAIMiddleware, amplitude_ai=ai, agent=agent)` on the line after "
    "a FastAPI/Starlette app is created, so every request runs in a session of the project's agent."
)

MIDDLEWARE_NAMES = ("AmplitudeAIMiddleware", "_AmplitudeAIMiddleware")

EXAMPLES: list[tuple[str, str, str]] = [
    (
        'fastapi-app',
        """\
from amplitude_ai import OpenAI
from fastapi import FastAPI

from amplitude_setup import ai

app = FastAPI(title="chat")
client = OpenAI(amplitude=ai)


@app.post("/chat")
def chat(body: dict):
    return client.chat.completions.create(model="gpt-4o", messages=body["messages"])
""",
        """\
from amplitude_ai import OpenAI
from fastapi import FastAPI

from amplitude_setup import ai, agent
from amplitude_ai.middleware import AmplitudeAIMiddleware

app = FastAPI(title="chat")
app.add_middleware(AmplitudeAIMiddleware, amplitude_ai=ai, agent=agent)
client = OpenAI(amplitude=ai)


@app.post("/chat")
def chat(body: dict):
    return client.chat.completions.create(model="gpt-4o", messages=body["messages"])
""",
    ),
    (
        'starlette-app-factory',
        """\
from starlette.applications import Starlette

from amplitude_ai import Anthropic
from amplitude_setup import ai

client = Anthropic(amplitude=ai)


def create_app():
    api = Starlette()
    return api


async def reply(request):
    return client.messages.create(model="claude-3-5-haiku-latest", max_tokens=8, messages=[])
""",
        """\
from starlette.applications import Starlette

from amplitude_ai import Anthropic
from amplitude_setup import ai, agent
from amplitude_ai.middleware import AmplitudeAIMiddleware

client = Anthropic(amplitude=ai)


def create_app():
    api = Starlette()
    api.add_middleware(AmplitudeAIMiddleware, amplitude_ai=ai, agent=agent)
    return api


async def reply(request):
    return client.messages.create(model="claude-3-5-haiku-latest", max_tokens=8, messages=[])
""",
    ),
]


class AddMiddleware(PlannedTransform):
    """Targets: ``AppTarget`` (the line of the statement that creates the app)."""

    DESCRIPTION = DESCRIPTION

    def __init__(self, context: CodemodContext, targets: Sequence[AppTarget], setup: Setup | None = None) -> None:
        super().__init__(context, setup)
        self.targets = list(targets)

    def plan(self, tree: cst.Module) -> None:
        found: list[tuple[AppTarget, cst.SimpleStatementLine]] = []
        for target in self.targets:
            stmts = [s for s in self.nodes_at(target.line, None, cst.SimpleStatementLine)]
            stmt = stmts[0] if stmts else None
            app = self._bound_app(stmt) if stmt is not None else None
            if app is None:
                self.outcome.warnings.append(
                    f"{target.line}: the app is not created by a plain `name = App(...)` statement; "
                    "add the AmplitudeAIMiddleware by hand"
                )
                continue
            if self._has_middleware_after(stmt, app):
                continue
            found.append((target, stmt))
        if not found:
            return
        stmts = [s for _, s in found]
        ai_choice = self.choose_name(stmts, self.setup.bootstrap_module, "ai", AI_NAMES)
        mw_choice = self.choose_name(stmts, MIDDLEWARE_MODULE, "AmplitudeAIMiddleware", MIDDLEWARE_NAMES)
        if ai_choice is None or mw_choice is None:
            self.outcome.warnings.append("the names for the middleware/AmplitudeAI instance are taken here; left alone")
            return
        agent_choice = self.choose_name(stmts, self.setup.bootstrap_module, "agent", AGENT_NAMES)
        if ai_choice is None or mw_choice is None or agent_choice is None:
            self.outcome.warnings.append("the names for the middleware/AmplitudeAI instance are taken here; left alone")
            return
        ai, ai_imported = ai_choice
        mw, mw_imported = mw_choice
        agent, agent_imported = agent_choice
        if not mw_imported:
            self.ensure_import(None, MIDDLEWARE_MODULE, "AmplitudeAIMiddleware", mw, stmts)
        if not agent_imported:
            self.ensure_import(None, self.setup.bootstrap_module, "agent", agent, stmts)
        if not ai_imported:
            self.ensure_import(None, self.setup.bootstrap_module, "ai", ai, stmts)
        for target, stmt in found:
            app = self._bound_app(stmt)
            code = f"{app}.add_middleware({mw}, amplitude_ai={ai}, agent={agent})"
            self._after.setdefault(stmt, []).append(parse_statement(code))
            self.outcome.changes.append(f"{target.line}: {code}")

    @staticmethod
    def _bound_app(stmt: cst.SimpleStatementLine) -> str | None:
        small = stmt.body[0] if len(stmt.body) == 1 else None
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.value, cst.Call):
            return dotted(small.targets[0].target)
        if isinstance(small, cst.AnnAssign) and isinstance(small.value, cst.Call):
            return dotted(small.target)
        return None

    def _has_middleware_after(self, stmt: cst.SimpleStatementLine, app: str) -> bool:
        """A second run must not add a second line (the scanner says so too: belt and braces)."""
        for call in self.nodes_of(cst.Call):
            if dotted(call.func) == f"{app}.add_middleware" and call.args:
                if (dotted(call.args[0].value) or "").endswith("AmplitudeAIMiddleware"):
                    return True
        return False
