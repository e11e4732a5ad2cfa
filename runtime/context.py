"""The active session context, carried by a :class:`contextvars.ContextVar`.

``agent.session(...)``, ``Session.run_as(...)``, ``@observe`` and the middleware publish a
:class:`SessionContext`; every tracking call (manual, decorator or provider wrapper) fills the
fields its caller did not pass from it.

asyncio tasks copy the context when they are created, so they inherit the active session.
Threads do not: run work in a thread pool with ``contextvars.copy_context().run(fn, ...)``.
"""

from __future__ import annotations

import itertools
import json
import threading
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field, replace
from typing import Any, Iterator, Optional

__all__ = [
    "SessionContext",
    "TurnCounter",
    "get_active_context",
    "set_active_context",
    "reset_active_context",
    "use_context",
    "dumps_context",
]


class TurnCounter:
    """A per-session, thread-safe, monotonically increasing turn counter."""

    __slots__ = ("_count", "_lock", "last")

    def __init__(self, start: int = 1) -> None:
        self._count = itertools.count(start)
        self._lock = threading.Lock()
        self.last = start - 1

    def next(self) -> int:
        with self._lock:
            self.last = n = next(self._count)
        return n

    def observe(self, turn_id: Any) -> None:
        """Note an explicit turn id so later automatic ids keep increasing past it."""
        if isinstance(turn_id, int) and not isinstance(turn_id, bool):
            with self._lock:
                if turn_id > self.last:
                    self.last = turn_id
                    self._count = itertools.count(turn_id + 1)


def dumps_context(context: Any) -> Optional[str]:
    """Serialize an ``[Agent] Context`` dict once (a string is taken as already serialized)."""
    if context is None:
        return None
    if isinstance(context, str):
        return context
    if not context:
        return None
    return json.dumps(context, default=str, sort_keys=False)


@dataclass
class SessionContext:
    """Everything a tracking call may inherit from the session it runs in."""

    session_id: Optional[str] = None
    trace_id: Optional[str] = None
    user_id: Optional[str] = None
    agent_id: Optional[str] = None
    parent_agent_id: Optional[str] = None
    customer_org_id: Optional[str] = None
    agent_version: Optional[str] = None
    description: Optional[str] = None
    env: Optional[str] = None
    context: Optional[dict[str, Any]] = None
    groups: Optional[dict[str, Any]] = None
    device_id: Optional[str] = None
    browser_session_id: Optional[Any] = None
    idle_timeout_minutes: Optional[float] = None
    client: Any = None  # the AmplitudeAI that opened the session (decorators/wrappers may use it)
    turns: TurnCounter = field(default_factory=TurnCounter)
    _context_json: Optional[str] = field(default=None, repr=False)
    #: (trace_id, content) of the last user message tracked by hand in this context; a provider
    #: wrapper skips its own ``[Agent] User Message`` for the same content in the same trace
    last_user_message: Optional[tuple[Optional[str], str]] = field(default=None, repr=False, compare=False)

    def remember_user_message(self, trace_id: Optional[str], content: Any) -> None:
        if isinstance(content, str) and content:
            self.last_user_message = (trace_id, content)

    def has_user_message(self, trace_id: Optional[str], content: Optional[str]) -> bool:
        """True when ``content`` was tracked by hand in this context's ``trace_id`` already."""
        last = self.last_user_message
        if last is None or not content or last[0] != trace_id:
            return False
        text = last[1]
        return text is content or text == content

    @property
    def context_json(self) -> Optional[str]:
        if self._context_json is None and self.context:
            self._context_json = dumps_context(self.context)
        return self._context_json

    def derive(self, **changes: Any) -> "SessionContext":
        """A copy with some fields changed; shares the turn counter (same session)."""
        if "context" in changes:
            changes.setdefault("_context_json", None)
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "trace_id": self.trace_id,
            "user_id": self.user_id,
            "agent_id": self.agent_id,
            "parent_agent_id": self.parent_agent_id,
            "customer_org_id": self.customer_org_id,
            "agent_version": self.agent_version,
            "description": self.description,
            "env": self.env,
            "context": dict(self.context) if self.context else None,
            "groups": dict(self.groups) if self.groups else None,
            "device_id": self.device_id,
            "browser_session_id": self.browser_session_id,
        }


_ACTIVE: ContextVar[Optional[SessionContext]] = ContextVar("amplitude_ai_session", default=None)


def get_active_context() -> Optional[SessionContext]:
    """The session context of the running code, or ``None`` outside any session."""
    return _ACTIVE.get()


def set_active_context(ctx: Optional[SessionContext]) -> Token:
    return _ACTIVE.set(ctx)


def reset_active_context(token: Token, previous: Optional[SessionContext] = None) -> None:
    """Undo :func:`set_active_context`; tolerate a token from another Context (async generators)."""
    try:
        _ACTIVE.reset(token)
    except ValueError:
        _ACTIVE.set(previous)


@contextmanager
def use_context(ctx: Optional[SessionContext]) -> Iterator[Optional[SessionContext]]:
    """Make ``ctx`` the active context for the block; restore the previous one afterwards."""
    previous = _ACTIVE.get()
    token = _ACTIVE.set(ctx)
    try:
        yield ctx
    finally:
        reset_active_context(token, previous)
