"""``AmplitudeAIMiddleware``: one amplitude-ai session per HTTP request (Starlette / FastAPI).

A pure ASGI middleware (not ``BaseHTTPMiddleware``), so streaming responses flow through untouched
and the session stays open until the last byte is sent. Inside the request, provider wrappers,
``@tool`` and ``track_*`` calls inherit the session (user, session, trace, agent) from contextvars.

    app.add_middleware(
        AmplitudeAIMiddleware,
        amplitude_ai=ai,
        user_id_resolver=lambda request: request.state.user.id,
    )

An incoming ``x-amplitude-session-id`` / ``traceparent`` (see ``propagate_context``) continues the
caller's session and trace instead of starting new ones.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

logger = logging.getLogger("amplitude_ai")

Resolver = Callable[[Any], Any]


class AmplitudeAIMiddleware:
    def __init__(
        self,
        app: Any,
        amplitude_ai: Any = None,
        *,
        user_id_resolver: Resolver | None = None,
        session_id_resolver: Resolver | None = None,
        agent_id: str = "http-app",
        agent: Any = None,
        amplitude: Any = None,
        exclude_paths: tuple[str, ...] = (),
    ) -> None:
        """``amplitude_ai``: an ``AmplitudeAI`` (or ``amplitude.Amplitude``; default: the process default).
        ``agent``: a ``BoundAgent`` whose sessions to open (default: ``amplitude_ai.agent(agent_id)``).
        Resolvers get the Starlette ``Request`` and may be sync or async; a failing resolver is logged
        and treated as "unknown".
        """
        self.app = app
        self._amplitude = amplitude_ai if amplitude_ai is not None else amplitude
        self._agent = agent
        self._agent_id = agent_id
        self.user_id_resolver = user_id_resolver
        self.session_id_resolver = session_id_resolver
        self.exclude_paths = tuple(exclude_paths)

    def _bound_agent(self) -> Any:
        if self._agent is None:
            from .client import coerce_ai

            self._agent = coerce_ai(self._amplitude).agent(self._agent_id)
        return self._agent

    async def _resolve(self, resolver: Resolver | None, request: Any) -> Any:
        if resolver is None:
            return None
        try:
            value = resolver(request)
            if inspect.isawaitable(value):
                value = await value
            return value
        except Exception as exc:
            logger.warning("amplitude-ai: an AmplitudeAIMiddleware resolver failed (%s: %s)", type(exc).__name__, exc)
            return None

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[Any]], send: Any) -> None:
        if scope.get("type") != "http" or (self.exclude_paths and scope.get("path", "").startswith(self.exclude_paths)):
            await self.app(scope, receive, send)
            return
        session = None
        try:
            session = await self._open_session(scope)
        except Exception:
            logger.warning("amplitude-ai: could not open a session for this request", exc_info=True)
        if session is None:
            await self.app(scope, receive, send)
            return
        with session:
            await self.app(scope, receive, send)

    async def _open_session(self, scope: dict[str, Any]) -> Any:
        from starlette.requests import Request

        request = Request(scope)
        user_id = await self._resolve(self.user_id_resolver, request)
        session_id = await self._resolve(self.session_id_resolver, request)
        incoming: dict[str, Any] = {}
        try:
            from .propagation import extract_context

            incoming = dict(extract_context(request.headers) or {})
        except Exception:
            logger.debug("amplitude-ai: no propagated context", exc_info=True)
        if session_id is None:
            session_id = incoming.get("session_id")
        kwargs: dict[str, Any] = {}
        if user_id is not None:
            kwargs["user_id"] = str(user_id)
        else:  # anonymous request: the browser's Amplitude device id, else this process's
            from .providers._base import process_device_id

            kwargs["device_id"] = request.headers.get("x-amp-device-id") or process_device_id()
        if session_id is not None:
            kwargs["session_id"] = str(session_id)
        if incoming.get("trace_id"):
            kwargs["trace_id"] = incoming["trace_id"]
        agent = self._bound_agent()
        try:
            return agent.session(**kwargs)
        except TypeError:
            kwargs.pop("trace_id", None)  # a Session without trace_id support
            return agent.session(**kwargs)


__all__ = ["AmplitudeAIMiddleware"]
