"""``@tool`` and ``@observe``: track a function as ``[Agent] Tool Call`` or ``[Agent] Span``.

Both work on sync and async functions, bare (``@observe``) or with options
(``@observe(name="...")``, ``@tool(amplitude=ai)``). A call may pass ``amplitude_user_id=...``;
it is removed before the function runs. Tracking never changes what the function returns or
raises: exceptions are recorded (``is_error``) and re-raised unchanged.

``@observe`` joins the active session; with none it opens its own session around the call and
ends it afterwards, so nested ``@observe`` calls share the outer one (and link their spans
through ``parent_span_id``).
"""

from __future__ import annotations

import functools
import inspect
import logging
import time
from contextvars import ContextVar
from typing import Any, Callable, Optional, TypeVar, overload

from ..context import get_active_context
from .events import new_id

logger = logging.getLogger("amplitude_ai")

__all__ = ["tool", "observe"]

F = TypeVar("F", bound=Callable[..., Any])

USER_KWARG = "amplitude_user_id"
_current_span: ContextVar[Optional[str]] = ContextVar("amplitude_ai_span", default=None)
_warned: set[str] = set()


def _client(amplitude: Any, ctx: Any) -> Any:
    from ..client import coerce_ai

    if amplitude is not None:
        return coerce_ai(amplitude)
    if ctx is not None and ctx.client is not None:
        return ctx.client
    return coerce_ai(None)


def _arguments(sig: Optional[inspect.Signature], args: tuple, kwargs: dict) -> Any:
    """The call's arguments by name (without self/cls), for Tool Input / Input State."""
    if sig is None:
        return {"args": list(args), **kwargs} if args else dict(kwargs)
    try:
        bound = sig.bind_partial(*args, **kwargs)
    except TypeError:
        return {"args": list(args), **kwargs}
    data = dict(bound.arguments)
    for skip in ("self", "cls"):
        data.pop(skip, None)
    return data


def _signature(func: Callable[..., Any]) -> Optional[inspect.Signature]:
    try:
        return inspect.signature(func)
    except (TypeError, ValueError):
        return None


def _no_user(kind: str, name: str) -> None:
    key = f"{kind}:{name}"
    if key not in _warned:
        _warned.add(key)
        logger.warning(
            "amplitude-ai: %s %s called without a user (pass %s=... or call it inside agent.session(user_id=...)); "
            "not tracked",
            kind, name, USER_KWARG,
        )


def _error_text(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# ======================================================================================
# @tool
# ======================================================================================
@overload
def tool(func: F) -> F: ...
@overload
def tool(
    func: None = None, *, amplitude: Any = None, name: Optional[str] = None, user_id: Optional[str] = None,
    agent_id: Optional[str] = None, capture_input: bool = True, capture_output: bool = True,
) -> Callable[[F], F]: ...


def tool(
    func: Optional[Callable[..., Any]] = None,
    *,
    amplitude: Any = None,
    name: Optional[str] = None,
    user_id: Optional[str] = None,
    agent_id: Optional[str] = None,
    capture_input: bool = True,
    capture_output: bool = True,
    tool_name: Optional[str] = None,
) -> Any:
    """Track each call of the decorated function as an ``[Agent] Tool Call``.

    ``amplitude`` is an AmplitudeAI or an ``amplitude.Amplitude`` (default: the active session's
    client, else the process default). Latency, input arguments, output and success are recorded.
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        label = tool_name or name or getattr(fn, "__name__", "tool")
        sig = _signature(fn)

        def record(uid: Optional[str], args: tuple, kwargs: dict, started: float, result: Any, error: Optional[BaseException]) -> None:
            try:
                ctx = get_active_context()
                uid = uid or user_id
                if uid is None and (ctx is None or (ctx.user_id is None and ctx.device_id is None)):
                    _no_user("@tool", label)
                    return
                ai = _client(amplitude, ctx)
                ai.track_tool_call(
                    user_id=uid,
                    tool_name=label,
                    latency_ms=(time.perf_counter() - started) * 1000.0,
                    success=error is None,
                    input=_arguments(sig, args, kwargs) if capture_input else None,
                    output=result if (capture_output and error is None) else None,
                    is_error=error is not None,
                    error_message=_error_text(error) if error is not None else None,
                    agent_id=agent_id,
                )
            except Exception as exc:  # tracking must never break the tool
                logger.warning("amplitude-ai: @tool %s: could not track the call: %s", label, exc)

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                uid = kwargs.pop(USER_KWARG, None)
                started = time.perf_counter()
                try:
                    result = await fn(*args, **kwargs)
                except BaseException as exc:
                    record(uid, args, kwargs, started, None, exc)
                    raise
                record(uid, args, kwargs, started, result, None)
                return result

            return async_wrapper

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            uid = kwargs.pop(USER_KWARG, None)
            started = time.perf_counter()
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:
                record(uid, args, kwargs, started, None, exc)
                raise
            record(uid, args, kwargs, started, result, None)
            return result

        return wrapper

    if func is not None and callable(func):
        return decorate(func)
    return decorate


# ======================================================================================
# @observe
# ======================================================================================
class _Scope:
    """Entering/leaving one observed call: join the active session or open one."""

    __slots__ = ("label", "amplitude", "agent_id", "uid", "session", "ai", "span_id", "parent_span", "token", "started", "tracking")

    def __init__(self, label: str, amplitude: Any, agent_id: Optional[str], uid: Optional[str]) -> None:
        self.label = label
        self.amplitude = amplitude
        self.agent_id = agent_id
        self.uid = uid
        self.session = None
        self.ai = None
        self.token = None
        self.tracking = False

    def enter(self) -> None:
        self.started = time.perf_counter()
        try:
            ctx = get_active_context()
            self.ai = _client(self.amplitude, ctx)
            if ctx is None:
                if self.uid is None:
                    _no_user("@observe", self.label)
                else:
                    self.session = self.ai.agent(self.agent_id).session(user_id=self.uid)
                    self.session.__enter__()
                    self.tracking = True
            else:
                self.tracking = self.uid is not None or ctx.user_id is not None or ctx.device_id is not None
                if not self.tracking:
                    _no_user("@observe", self.label)
            self.span_id = new_id()
            self.parent_span = _current_span.get()
            self.token = _current_span.set(self.span_id)
        except Exception as exc:
            logger.warning("amplitude-ai: @observe %s: could not start tracking: %s", self.label, exc)
            self.tracking = False

    def exit(self, sig: Any, args: tuple, kwargs: dict, result: Any, error: Optional[BaseException], capture_input: bool, capture_output: bool) -> None:
        latency_ms = (time.perf_counter() - self.started) * 1000.0
        try:
            if self.tracking and self.ai is not None:
                self.ai.track_span(
                    user_id=self.uid,
                    span_name=self.label,
                    latency_ms=latency_ms,
                    span_id=self.span_id,
                    parent_span_id=self.parent_span,
                    input_state=_arguments(sig, args, kwargs) if capture_input else None,
                    output_state=result if (capture_output and error is None) else None,
                    is_error=error is not None,
                    error_message=_error_text(error) if error is not None else None,
                    agent_id=self.agent_id,
                )
        except Exception as exc:
            logger.warning("amplitude-ai: @observe %s: could not track the call: %s", self.label, exc)
        finally:
            if self.token is not None:
                try:
                    _current_span.reset(self.token)
                except ValueError:
                    _current_span.set(self.parent_span)
            if self.session is not None:
                try:
                    self.session.__exit__(None, None, None)
                except Exception as exc:
                    logger.warning("amplitude-ai: @observe %s: could not end its session: %s", self.label, exc)


@overload
def observe(func: F) -> F: ...
@overload
def observe(
    func: None = None, *, name: Optional[str] = None, amplitude: Any = None, agent_id: Optional[str] = None,
    user_id: Optional[str] = None, capture_input: bool = True, capture_output: bool = True,
) -> Callable[[F], F]: ...


def observe(
    func: Optional[Callable[..., Any]] = None,
    *,
    name: Optional[str] = None,
    amplitude: Any = None,
    agent_id: Optional[str] = None,
    user_id: Optional[str] = None,
    capture_input: bool = True,
    capture_output: bool = True,
) -> Any:
    """Track each call of the decorated function as an ``[Agent] Span`` (latency, input/output, errors)."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        label = name or getattr(fn, "__name__", "span")
        sig = _signature(fn)

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                scope = _Scope(label, amplitude, agent_id, kwargs.pop(USER_KWARG, None) or user_id)
                scope.enter()
                try:
                    result = await fn(*args, **kwargs)
                except BaseException as exc:
                    scope.exit(sig, args, kwargs, None, exc, capture_input, capture_output)
                    raise
                scope.exit(sig, args, kwargs, result, None, capture_input, capture_output)
                return result

            return async_wrapper

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            scope = _Scope(label, amplitude, agent_id, kwargs.pop(USER_KWARG, None) or user_id)
            scope.enter()
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:
                scope.exit(sig, args, kwargs, None, exc, capture_input, capture_output)
                raise
            scope.exit(sig, args, kwargs, result, None, capture_input, capture_output)
            return result

        return wrapper

    if func is not None and callable(func):
        return decorate(func)
    return decorate
