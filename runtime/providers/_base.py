"""Shared machinery for provider wrappers.

Every provider module (``openai.py``, ``anthropic.py``, ...) builds on four pieces here:

``pop_call_options(kwargs)``
    Removes the per-call keyword arguments (``amplitude_user_id``, ``amplitude_session_id``,
    ``amplitude_trace_id``, ``amplitude_event_properties``, ``amplitude_groups``) from a call's
    kwargs before the vendor SDK sees them and returns them as a :class:`CallOptions`.

:class:`Tracker`
    One per wrapped client. ``tracker.start(request, options)`` opens a :class:`CallRecord` for one
    model call. The record resolves identity (per-call kwargs > active ``SessionContext`` > client
    defaults from ``wrap(..., user_id=)`` > a per-process device id with a one-time warning),
    emits ``[Agent] User Message`` for the request's last user input right away, and emits the
    ``[Agent] AI Response`` (or ``[Agent] Embedding``) exactly once when ``record.finish(...)`` is
    called. Events always go through ``coerce_ai(amplitude).track_*`` (the one event path); this
    module never builds event properties itself.

:class:`LLMRequest` / :class:`LLMResult`
    The provider-neutral description of one call: what was asked (model, last user input, system
    prompt, tool definitions, sampling settings, streaming) and what came back (text, tokens incl.
    reasoning and cache tokens, finish reason, tool calls, reasoning content, embedding size).
    Provider modules only translate their SDK's shapes into these two records.

:class:`TrackedStream` / :class:`AsyncTrackedStream`
    Transparent proxies around an SDK stream. Iteration, ``next()``, ``with`` / ``async with``,
    ``close()`` / ``aclose()`` and every other attribute (``.response``, ``.get_final_completion()``,
    ...) behave like the wrapped stream; ``isinstance(proxy, openai.Stream)`` still holds. Each item
    is handed to an ``on_item`` callback (which may hide an item from the caller, e.g. a usage-only
    chunk the wrapper asked for); the record is finished exactly once whether the stream is
    exhausted, closed early, broken out of, fails, or is garbage-collected.

``run_sync`` / ``run_async``
    Wrap one SDK invocation: start the record, call the SDK, finish the record from the response
    (or wrap the returned stream), record provider exceptions as an error event and re-raise them
    unchanged. Telemetry failures are logged, never raised into the caller.

Patching: each provider module exposes ``PATCH_TARGETS`` — a list of :class:`PatchTarget`
(``patch()`` name, vendor module, attribute, our replacement class). ``amplitude_ai.patching``
reads those tables; adding a provider means adding entries in its own module.

``wrap()``: each provider module exposes ``wrap_instance(client, *, amplitude, defaults)`` returning
a tracked twin of a vendor client it knows (``None`` otherwise); :func:`adopt_instance` does the
copying for SDK clients that keep their state in ``__dict__``.

Streams freed by the cyclic garbage collector (not by reference counting) are recorded on a worker
thread, never inside the collector, since the collector may run while the event pipeline holds a
lock; ``wait_for_deferred()`` waits for those.

Usage example (a hypothetical provider whose SDK returns ``resp.text`` / ``resp.usage``)::

    from amplitude_ai.providers._base import (
        LLMRequest, LLMResult, Tracker, pop_call_options, run_sync, last_user_text,
    )

    class Acme(acme.Client):
        def __init__(self, *args, amplitude=None, **kwargs):
            super().__init__(*args, **kwargs)
            self._amplitude_tracker = Tracker(amplitude, provider="acme")

        def generate(self, **kwargs):
            options = pop_call_options(kwargs)            # amplitude_* kwargs removed here
            request = LLMRequest(
                model=kwargs.get("model"),
                user_input=last_user_text(kwargs.get("messages")),
                temperature=kwargs.get("temperature"),
                is_streaming=bool(kwargs.get("stream")),
            )
            return run_sync(
                self._amplitude_tracker, request, options,
                lambda: super(Acme, self).generate(**kwargs),
                parse_response=lambda resp: LLMResult(
                    output_text=resp.text,
                    input_tokens=resp.usage.input, output_tokens=resp.usage.output,
                ),
                # for streams: return a per-call accumulator (see StreamAccumulator)
                stream_accumulator=None,
            )
"""

from __future__ import annotations

import contextvars
import functools
import gc
import itertools
import logging
import os
import queue
import sys
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..context import _ACTIVE
from ..core.events import new_id as _new_id

logger = logging.getLogger("amplitude_ai")

# ---------------------------------------------------------------------------------------------
# per-call options
# ---------------------------------------------------------------------------------------------

CALL_OPTION_KWARGS = (
    "amplitude_user_id",
    "amplitude_session_id",
    "amplitude_trace_id",
    "amplitude_event_properties",
    "amplitude_groups",
)


@dataclass
class CallOptions:
    """The ``amplitude_*`` keyword arguments of one call (``None`` = not given)."""

    user_id: str | None = None
    session_id: str | None = None
    trace_id: str | None = None
    event_properties: dict[str, Any] | None = None
    groups: dict[str, Any] | None = None

    def merged_over(self, defaults: CallOptions | None) -> CallOptions:
        """These options, with gaps filled from ``defaults`` (e.g. ``wrap(..., user_id=)``)."""
        if defaults is None:
            return self
        props = None
        if defaults.event_properties or self.event_properties:
            props = {**(defaults.event_properties or {}), **(self.event_properties or {})}
        groups = None
        if defaults.groups or self.groups:
            groups = {**(defaults.groups or {}), **(self.groups or {})}
        return CallOptions(
            user_id=self.user_id if self.user_id is not None else defaults.user_id,
            session_id=self.session_id if self.session_id is not None else defaults.session_id,
            trace_id=self.trace_id if self.trace_id is not None else defaults.trace_id,
            event_properties=props,
            groups=groups,
        )


_EMPTY_OPTIONS = CallOptions()


def pop_call_options(kwargs: dict[str, Any]) -> CallOptions:
    """Remove the ``amplitude_*`` kwargs from ``kwargs`` (in place) and return them."""
    if not kwargs:
        return _EMPTY_OPTIONS
    # fast path: most calls carry none of them
    for name in CALL_OPTION_KWARGS:
        if name in kwargs:
            break
    else:
        carried = kwargs.get("extra_headers")
        if carried and OPTIONS_HEADER in carried:
            return _take_carried(kwargs)
        return _EMPTY_OPTIONS
    return CallOptions(
        user_id=kwargs.pop("amplitude_user_id", None),
        session_id=kwargs.pop("amplitude_session_id", None),
        trace_id=kwargs.pop("amplitude_trace_id", None),
        event_properties=kwargs.pop("amplitude_event_properties", None),
        groups=kwargs.pop("amplitude_groups", None),
    )


# --- carrying options through SDK helpers (Stainless SDKs: openai, anthropic) -----------------
# SDK helpers such as ``chat.completions.stream()`` or ``with_raw_response`` call the resource
# method again, with fixed signatures. To carry the popped options through them, a wrapper can
# put them into ``extra_headers`` under OPTIONS_HEADER as a ``str`` subclass holding the options;
# the client's request hook takes it out again (``take_options_from_headers``) before anything is
# sent, so it never reaches the network.

OPTIONS_HEADER = "x-amplitude-ai-call-options"


class _OptionsToken(str):
    __slots__ = ("options",)
    options: CallOptions


def carry_options(kwargs: dict[str, Any], options: CallOptions) -> dict[str, Any]:
    """Put ``options`` into ``kwargs['extra_headers']`` (a new dict; the caller's is untouched)."""
    if options is _EMPTY_OPTIONS:
        return kwargs
    token = _OptionsToken("")
    token.options = options
    headers = dict(kwargs.get("extra_headers") or {})
    headers[OPTIONS_HEADER] = token
    kwargs["extra_headers"] = headers
    return kwargs


def _take_carried(kwargs: dict[str, Any]) -> CallOptions:
    headers = dict(kwargs["extra_headers"])
    token = headers.pop(OPTIONS_HEADER)
    kwargs["extra_headers"] = headers or None
    return getattr(token, "options", _EMPTY_OPTIONS)


def take_options_from_headers(headers: Mapping[str, Any] | None) -> tuple[CallOptions, Mapping[str, Any] | None]:
    """Split a request's header mapping into (carried options, headers without the carrier)."""
    if not headers or OPTIONS_HEADER not in headers:
        return _EMPTY_OPTIONS, headers
    rest = {k: v for k, v in headers.items() if k != OPTIONS_HEADER}
    return getattr(headers[OPTIONS_HEADER], "options", _EMPTY_OPTIONS), rest


# ---------------------------------------------------------------------------------------------
# the normalized request / result records
# ---------------------------------------------------------------------------------------------


@dataclass
class LLMRequest:
    """What one model call asked for, in provider-neutral terms."""

    model: str | None = None
    kind: str = "chat"  # "chat" -> [Agent] AI Response, "embedding" -> [Agent] Embedding
    user_input: str | None = None  # text of the LAST message when it is a user message, else None
    system_prompt: str | None = None
    tool_definitions: list[Any] | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_output_tokens: int | None = None
    is_streaming: bool = False
    # the request's message list (chat messages / Responses input items), read only by patched
    # clients (tool calls from the history: _tool_extraction), which copy it at the call
    messages: Any = field(default=None, repr=False, compare=False)

    def resolve(self) -> LLMRequest:
        return self


class LazyRequest:
    """An :class:`LLMRequest` described later, when the event is built (on the dispatcher thread).

    The caller's thread reads only what must be read at the call: whether it is a chat or an
    embedding, streaming or not, and the last user input (the caller may append to its message
    list right after the call). ``describe(*args)`` builds the full :class:`LLMRequest`; pass it
    copies of mutable containers (``dict(kwargs)``), not the caller's own.
    """

    __slots__ = ("kind", "user_input", "is_streaming", "messages", "_describe", "_args")

    def __init__(
        self,
        describe: Callable[..., LLMRequest],
        *args: Any,
        user_input: str | None = None,
        is_streaming: bool = False,
        kind: str = "chat",
        messages: Any = None,
    ) -> None:
        self._describe = describe
        self._args = args
        self.messages = messages  # as LLMRequest.messages
        self.user_input = user_input
        self.is_streaming = is_streaming
        self.kind = kind

    def resolve(self) -> LLMRequest:
        request = self._describe(*self._args)
        request.user_input = self.user_input
        return request


@dataclass
class LLMResult:
    """What one model call returned (all optional; fill what the provider reports)."""

    model: str | None = None  # the model the provider says it used (falls back to the request's)
    output_text: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    reasoning_tokens: int | None = None
    cache_read_tokens: int | None = None
    cache_creation_tokens: int | None = None
    finish_reason: str | None = None
    tool_calls: list[dict[str, Any]] | None = None
    reasoning_content: str | None = None
    embedding_dimensions: int | None = None


class StreamAccumulator:
    """Base for a per-call stream accumulator. Provider modules subclass it.

    ``add(item)`` sees every item the SDK yields (before the caller) and returns ``False`` to hide
    the item from the caller; ``result()`` builds the :class:`LLMResult` from what was seen.
    ``add`` may raise: the proxy logs it and keeps delivering items.

    ``read_later = True``: ``add`` only reads items (never hides one) and the items are not
    changed after they are yielded. The proxy then keeps each item by reference (a list append
    on the caller's thread) and feeds them to ``add`` when the result is needed — when the
    event is built, usually on the dispatcher thread — or every :data:`READ_LATER_BATCH` items,
    which bounds the memory a long stream holds. ``admit(item)``, when defined, still runs on
    the caller's thread for every item, first; it may hide the item (``False``) or adjust it.
    """

    read_later = False

    def add(self, item: Any) -> bool:  # pragma: no cover - interface
        return True

    def result(self) -> LLMResult:  # pragma: no cover - interface
        return LLMResult()


#: items a ``read_later`` accumulator keeps before it reads them on the caller's thread
READ_LATER_BATCH = 64


class _ReadLater(StreamAccumulator):
    """Keeps a stream's items and lets a ``read_later`` accumulator read them later (see above)."""

    __slots__ = ("inner", "items", "admit")

    def __init__(self, inner: StreamAccumulator) -> None:
        self.inner = inner
        self.items: list[Any] = []
        self.admit = getattr(inner, "admit", None)

    def add(self, item: Any) -> bool:
        admit = self.admit
        if admit is not None and admit(item) is False:
            return False
        items = self.items
        items.append(item)
        if len(items) >= READ_LATER_BATCH:
            self._read()
        return True

    def _read(self) -> None:
        items = self.items[:]
        self.items.clear()  # in place: the sync proxy's generator appends to this very list
        add = self.inner.add
        for item in items:
            try:
                add(item)
            except Exception:
                logger.warning("amplitude-ai: failed to read a stream item", exc_info=True)

    def result(self) -> LLMResult:
        self._read()
        return self.inner.result()


# ---------------------------------------------------------------------------------------------
# identity
# ---------------------------------------------------------------------------------------------

_PROCESS_DEVICE_ID = f"amplitude-ai-{uuid.uuid4()}"
_anonymous_warned = False


def process_device_id() -> str:
    """The device id used for calls with no user id anywhere (stable for this process)."""
    return _PROCESS_DEVICE_ID


def _warn_anonymous_once() -> None:
    global _anonymous_warned
    if not _anonymous_warned:
        _anonymous_warned = True
        logger.warning(
            "amplitude-ai: an LLM call ran outside any session and without amplitude_user_id; "
            "its events are sent with the process device id %s. Open a session "
            "(agent.session(user_id=...)) or pass amplitude_user_id=... to attribute calls to users. "
            "(This warning is shown once.)",
            _PROCESS_DEVICE_ID,
        )


def _tracked_by_hand(ctx: Any, identity: dict[str, Any], text: str) -> bool:
    """True when the active session already tracked this user input by hand in this trace
    (``session.track_user_message(msg)`` followed by the wrapped call): no second User Message."""
    if ctx is None:
        return False
    has = getattr(ctx, "has_user_message", None)
    if has is None:
        return False
    session_id = identity.get("session_id")
    if session_id is not None and session_id != ctx.session_id:
        return False
    trace_id = identity.get("trace_id")
    return has(trace_id if trace_id is not None else ctx.trace_id, text)


def _is_agent_source(ctx: Any) -> bool:
    if ctx is None:
        return False
    return bool(getattr(ctx, "parent_agent_id", None) or getattr(ctx, "run_as", None))


# ---------------------------------------------------------------------------------------------
# tracker and call record
# ---------------------------------------------------------------------------------------------


_coerce_ai: Callable[[Any], Any] | None = None


def _coerce(amplitude: Any) -> Any:
    global _coerce_ai
    if _coerce_ai is None:
        from ..client import coerce_ai

        _coerce_ai = coerce_ai
    return _coerce_ai(amplitude)


class Tracker:
    """Per-client tracking state: where events go, which provider this is, client defaults.

    ``patched=True`` (clients created from classes ``patch()`` installed, see
    :func:`bound_subclass`): no ``[Agent] User Message``, and ``[Agent] Tool Call`` events are
    read from each request's message history (``extractor``: ``_tool_extraction``).
    """

    __slots__ = ("amplitude", "provider", "defaults", "track_user_messages", "extractor", "_ai", "__weakref__")

    def __init__(
        self,
        amplitude: Any = None,
        *,
        provider: str,
        defaults: CallOptions | None = None,
        track_user_messages: bool = True,
        patched: bool = False,
    ) -> None:
        self.amplitude = amplitude  # AmplitudeAI, amplitude.Amplitude or None (process default)
        self.provider = provider
        self.defaults = defaults
        self.track_user_messages = track_user_messages and not patched
        self.extractor: Any = None
        if patched:
            from ._tool_extraction import ToolCallExtractor

            self.extractor = ToolCallExtractor()
        self._ai: Any = None

    def ai(self) -> Any:
        # an explicit target resolves to the same AmplitudeAI every time: resolve it once (None
        # means the process default, which configure() may replace, so that one is looked up)
        ai = self._ai
        if ai is not None:
            return ai
        amplitude = self.amplitude
        ai = _coerce(amplitude)
        if amplitude is not None:
            self._ai = ai
        return ai

    def with_provider(self, provider: str) -> Tracker:
        tracker = Tracker(
            self.amplitude, provider=provider, defaults=self.defaults, track_user_messages=self.track_user_messages
        )
        tracker.extractor = self.extractor  # the same client: the same tool call ids seen
        return tracker

    def start(self, request: LLMRequest, options: CallOptions = _EMPTY_OPTIONS) -> CallRecord:
        """Open the record of one call (emits the user message). Never raises."""
        return CallRecord(self, request, options)

    def propagates(self) -> bool:
        """True when ``AIConfig(propagate_context=True)``: add :meth:`propagation_headers` to calls."""
        try:
            return bool(getattr((self._ai or self.ai()).config, "propagate_context", False))
        except Exception:
            return False

    def propagation_headers(self) -> dict[str, str] | None:
        """Trace headers to add to an outgoing call when ``AIConfig(propagate_context=True)``."""
        try:
            ai = self._ai or self.ai()
            config = getattr(ai, "config", None)
            if not getattr(config, "propagate_context", False):
                return None
            from ..propagation import inject_context

            return dict(inject_context({}))
        except Exception:
            logger.debug("amplitude-ai: could not build propagation headers", exc_info=True)
            return None


_finish_lock = threading.Lock()
_perf_counter = time.perf_counter


class CallRecord:
    """One model call in flight. ``finish`` emits its event exactly once; it never raises.

    On the caller's thread a record reads what depends on the moment of the call: identity and
    the active context (session, agent, trace, turn), timestamps, the last user input, and (in
    ``run_sync`` / ``run_async``) the parsed response, since the caller may change the response
    object afterwards. The request description, a finished stream's items and the events
    themselves are handled by :func:`_user_message_event` / :func:`_response_event`, which
    ``AmplitudeAI`` runs on its dispatcher thread when it sends to Amplitude (right away for
    ``MockAmplitudeAI``, debug, dry-run and ``validate=True``).
    """

    __slots__ = (
        "tracker",
        "request",
        "identity",
        "context",
        "started",
        "ttfb_ms",
        "messages",
        "_done",
        "_agent_source",
    )

    def __init__(self, tracker: Tracker, request: LLMRequest | LazyRequest, options: CallOptions) -> None:
        self.tracker = tracker
        self.request = request
        self.started = time.perf_counter()
        self.ttfb_ms: float | None = None
        self._done = False
        # the caller's context, so a stream finished elsewhere (another task, GC) still
        # reports the session it was started in
        self.context = contextvars.copy_context()
        self.identity: dict[str, Any] = {}
        self._agent_source = False
        self.messages: list[Any] | None = None  # patched clients: the history, for tool calls
        try:
            extractor = tracker.extractor
            if extractor is not None:
                self.messages = extractor.snapshot(request)
            ctx = self._resolve_identity(options)
            text = request.user_input
            if text and tracker.track_user_messages and request.kind == "chat":
                if ctx is None or not _tracked_by_hand(ctx, self.identity, text):
                    self._emit_user_message()
        except Exception:
            logger.warning("amplitude-ai: failed to record the user message", exc_info=True)

    # -- identity -------------------------------------------------------------------------
    def _resolve_identity(self, options: CallOptions) -> Any:
        defaults = self.tracker.defaults
        if defaults is not None:
            options = options.merged_over(defaults)
        ctx = _ACTIVE.get()
        user_id = options.user_id
        if user_id is None and ctx is not None:
            user_id = getattr(ctx, "user_id", None)
        ident: dict[str, Any] = {}
        if options.user_id is not None:
            ident["user_id"] = options.user_id
        elif user_id is None and getattr(ctx, "device_id", None) is None:
            ident["device_id"] = _PROCESS_DEVICE_ID
            _warn_anonymous_once()
        if options.session_id is not None:
            ident["session_id"] = options.session_id
        if options.trace_id is not None:
            ident["trace_id"] = options.trace_id
        if options.event_properties:
            ident["event_properties"] = dict(options.event_properties)
        if options.groups:
            ident["groups"] = options.groups
        self.identity = ident
        if ctx is not None:
            self._agent_source = _is_agent_source(ctx)
        return ctx

    def _emit_user_message(self) -> None:
        tracker = self.tracker
        (tracker._ai or tracker.ai())._track_for_provider(
            "track_user_message",
            self.identity,
            True,
            _user_message_event,
            self.request.user_input,
            "agent" if self._agent_source else "user",
            self.identity.get("event_properties"),
        )

    # -- timing ---------------------------------------------------------------------------
    def mark_first_token(self) -> None:
        if self.ttfb_ms is None:
            self.ttfb_ms = (time.perf_counter() - self.started) * 1000.0

    @property
    def done(self) -> bool:
        return self._done

    # -- finishing ------------------------------------------------------------------------
    def finish(
        self,
        result: LLMResult | Callable[[], LLMResult | None] | None = None,
        error: BaseException | None = None,
    ) -> None:
        """Emit the response/embedding event (first call only). Never raises.

        ``result`` may be a callable (e.g. reading the SDK's response object): it is called when
        the event is built, possibly on another thread, so it must only read objects the caller
        will not change (SDK response models, a finished stream accumulator).
        """
        if self._done:
            return
        with _finish_lock:  # held for two attribute accesses: one lock for all records is enough
            if self._done:
                return
            self._done = True
        latency_ms = (time.perf_counter() - self.started) * 1000.0
        try:
            self.context.run(self._emit, result, error, latency_ms)
        except RuntimeError:
            # the captured context is entered right now (re-entrant finish): emit in the current one
            try:
                self._emit(result, error, latency_ms)
            except Exception:
                logger.warning("amplitude-ai: failed to record an LLM call", exc_info=True)
        except Exception:
            logger.warning("amplitude-ai: failed to record an LLM call", exc_info=True)

    def _emit(self, result: Any, error: BaseException | None, latency_ms: float) -> None:
        request = self.request
        embedding = request.kind == "embedding"
        tracker = self.tracker
        ai = tracker._ai or tracker.ai()
        if self.messages is not None:  # patched client: tool calls answered in this request
            tracker.extractor.track(ai, self.identity, self.messages)
        ai._track_for_provider(
            "track_embedding" if embedding else "track_ai_message",
            self.identity,
            not embedding,
            _response_event,
            request,
            result,
            None if error is None else _error_message(error),
            latency_ms,
            self.ttfb_ms,
            self.tracker.provider,
            self.identity.get("event_properties"),
        )


# --- the events of one call, built from the record's snapshot (maybe on another thread) --------


def _user_message_event(builder: Any, r: Any, content: str, source: str, event_properties: Any) -> Any:
    return builder.user_message(r, content, message_id=_new_id(), message_source=source, event_properties=event_properties)


def _response_event(
    builder: Any,
    r: Any,
    request: LLMRequest | LazyRequest,
    result: Any,
    error_message: str | None,
    latency_ms: float,
    ttfb_ms: float | None,
    provider: str,
    event_properties: dict[str, Any] | None,
) -> Any:
    if callable(result):
        result = _safe(result)
    if result is None:
        result = LLMResult()
    req = request.resolve()
    model = result.model or req.model
    if req.kind == "embedding":
        if error_message is not None:  # Embedding has no error properties of its own: carry them
            event_properties = {
                **(event_properties or {}), "[Agent] Is Error": True, "[Agent] Error Message": error_message,
            }
        return builder.embedding(
            r, span_id=_new_id(), model=model, provider=provider, latency_ms=latency_ms,
            input_tokens=result.input_tokens, dimensions=result.embedding_dimensions, event_properties=event_properties,
        )
    total = result.total_tokens
    if total is None:
        total = _sum_tokens(result.input_tokens, result.output_tokens)
    return builder.ai_message(
        r,
        result.output_text or "",
        message_id=_new_id(),
        model=model,
        provider=provider,
        latency_ms=latency_ms,
        input_tokens=result.input_tokens,
        output_tokens=result.output_tokens,
        total_tokens=total,
        reasoning_tokens=result.reasoning_tokens,
        cache_read_tokens=result.cache_read_tokens,
        cache_creation_tokens=result.cache_creation_tokens,
        ttfb_ms=ttfb_ms if req.is_streaming else None,
        finish_reason=result.finish_reason,
        tool_calls=result.tool_calls or None,
        reasoning_content=result.reasoning_content or None,
        system_prompt=req.system_prompt,
        tool_definitions=req.tool_definitions or None,
        temperature=req.temperature,
        max_output_tokens=req.max_output_tokens,
        top_p=req.top_p,
        is_streaming=req.is_streaming,
        is_error=error_message is not None,
        error_message=error_message,
        event_properties=event_properties,
    )


def _sum_tokens(a: int | None, b: int | None) -> int | None:
    if a is None and b is None:
        return None
    return (a or 0) + (b or 0)


def _error_message(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text[:1000]


# ---------------------------------------------------------------------------------------------
# running one SDK invocation
# ---------------------------------------------------------------------------------------------


def _safe(fn: Callable[..., Any], *args: Any) -> Any:
    try:
        return fn(*args)
    except Exception:
        logger.warning("amplitude-ai: failed to read an LLM response", exc_info=True)
        return None


def run_sync(
    tracker: Tracker,
    request: LLMRequest,
    options: CallOptions,
    invoke: Callable[[], Any],
    *,
    parse_response: Callable[[Any], LLMResult | None],
    stream_accumulator: Callable[[], StreamAccumulator] | None = None,
    is_stream: Callable[[Any], bool] | None = None,
) -> Any:
    """Call the SDK once, tracked. Returns exactly what the SDK returned (streams proxied).

    ``is_stream(response)`` decides whether the response is a stream (default:
    ``request.is_streaming``); streams are wrapped in :class:`TrackedStream` fed to a fresh
    ``stream_accumulator()``. ``parse_response(response)`` runs before this returns (the caller
    may change the response object afterwards); the event itself is built later.
    """
    record = CallRecord(tracker, request, options)
    try:
        response = invoke()
    except BaseException as exc:
        record.finish(None, exc)
        raise
    streaming = is_stream(response) if is_stream is not None else request.is_streaming
    if streaming and stream_accumulator is not None:
        try:
            acc = stream_accumulator()
        except Exception:
            logger.warning("amplitude-ai: failed to read an LLM response", exc_info=True)
        else:
            return TrackedStream(response, record, acc)
    # parsed now, not when the event is built: the caller may change the response object
    record.finish(_safe(parse_response, response))
    return response


async def run_async(
    tracker: Tracker,
    request: LLMRequest,
    options: CallOptions,
    invoke: Callable[[], Any],
    *,
    parse_response: Callable[[Any], LLMResult | None],
    stream_accumulator: Callable[[], StreamAccumulator] | None = None,
    is_stream: Callable[[Any], bool] | None = None,
) -> Any:
    """Async twin of :func:`run_sync`: ``invoke()`` returns an awaitable."""
    record = CallRecord(tracker, request, options)
    try:
        response = await invoke()
    except BaseException as exc:
        record.finish(None, exc)
        raise
    streaming = is_stream(response) if is_stream is not None else request.is_streaming
    if streaming and stream_accumulator is not None:
        acc = _safe(stream_accumulator)
        if acc is not None:
            return AsyncTrackedStream(response, record, acc)
    # parsed now, not when the event is built: the caller may change the response object
    record.finish(_safe(parse_response, response))
    return response


# ---------------------------------------------------------------------------------------------
# stream proxies
# ---------------------------------------------------------------------------------------------


def _finish_from_accumulator(record: CallRecord, acc: StreamAccumulator, error: BaseException | None = None) -> None:
    if record._done:
        return
    record.finish(acc.result, error)  # the accumulator is complete: read it when the event is built


# --- streams abandoned without being closed -----------------------------------------------------
# A proxy freed by reference counting (``del``, leaving a loop, a function returning) records at
# that point, like any other exit. One freed by the cyclic garbage collector may be freed in the
# middle of any allocation, possibly while this thread holds a lock of the event pipeline; those
# records are handed to one worker thread instead (``queue.SimpleQueue.put`` is safe there).

_in_cyclic_gc = False
_deferred: queue.SimpleQueue[tuple[CallRecord, StreamAccumulator]] = queue.SimpleQueue()
_worker: threading.Thread | None = None
_worker_lock = threading.Lock()
_queued = itertools.count(1)  # next() on a count is atomic in CPython: safe inside the collector
_recorded = itertools.count(1)
_counts = {"queued": 0, "recorded": 0}


def _gc_phase(phase: str, info: dict[str, Any]) -> None:
    global _in_cyclic_gc
    _in_cyclic_gc = phase == "start"


def _deferred_worker() -> None:
    while True:
        record, acc = _deferred.get()
        try:
            _finish_from_accumulator(record, acc)
        except Exception:  # pragma: no cover - finish never raises; belt and braces
            logger.debug("amplitude-ai: deferred stream record failed", exc_info=True)
        _counts["recorded"] = next(_recorded)


def _ensure_worker() -> None:
    """Start the worker and watch the collector (when the first proxy is created, never from
    inside the collector): a process that never streams pays nothing at each collection."""
    global _worker
    if _worker is None:
        with _worker_lock:
            if _worker is None:
                if _gc_phase not in gc.callbacks:
                    gc.callbacks.append(_gc_phase)
                _worker = threading.Thread(target=_deferred_worker, name="amplitude-ai-streams", daemon=True)
                _worker.start()


def _forget_worker_after_fork() -> None:
    # the parent's thread does not exist in the child (a new one starts when needed), and what
    # the parent had queued is the parent's to record
    global _worker, _worker_lock, _deferred, _queued, _recorded
    _worker = None
    _worker_lock = threading.Lock()
    _deferred = queue.SimpleQueue()
    _queued, _recorded = itertools.count(1), itertools.count(1)
    _counts["queued"] = _counts["recorded"] = 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_worker_after_fork)


def _finish_collected(record: CallRecord, acc: StreamAccumulator) -> None:
    if _in_cyclic_gc and not _interpreter_exiting():
        _counts["queued"] = next(_queued)
        _deferred.put((record, acc))
        return
    _finish_from_accumulator(record, acc)


def _interpreter_exiting() -> bool:
    return sys.is_finalizing() or getattr(weakref.finalize, "_shutdown", False)


def wait_for_deferred(timeout: float = 5.0) -> bool:
    """Block until streams freed by the cyclic collector are recorded (tests, shutdown hooks)."""
    deadline = time.monotonic() + timeout
    while _counts["recorded"] < _counts["queued"] and time.monotonic() < deadline:
        time.sleep(0.005)
    return _counts["recorded"] >= _counts["queued"]


_set_attribute = object.__setattr__


class _ProxyBase:
    """Attribute pass-through shared by the sync and async proxies."""

    __slots__ = ("_amp_stream", "_amp_record", "_amp_acc", "_amp_add", "_amp_iter", "__weakref__")

    def __init__(self, stream: Any, record: CallRecord, acc: StreamAccumulator) -> None:
        if acc.read_later:
            acc = _ReadLater(acc)
        put = _set_attribute  # (this class's __setattr__ forwards to the stream)
        put(self, "_amp_stream", stream)
        put(self, "_amp_record", record)
        put(self, "_amp_acc", acc)
        put(self, "_amp_add", acc.add)
        put(self, "_amp_iter", None)
        if _worker is None:
            _ensure_worker()

    def __del__(self) -> None:
        # freed before it was exhausted or closed: record what was seen (a __del__ costs less
        # per stream than a weakref.finalize, and cyclic garbage is still collected: PEP 442)
        try:
            record = object.__getattribute__(self, "_amp_record")
        except AttributeError:  # __init__ did not get that far
            return
        if not record._done:
            _finish_collected(record, object.__getattribute__(self, "_amp_acc"))

    # isinstance(proxy, openai.Stream) keeps working
    @property  # type: ignore[misc]
    def __class__(self) -> type:  # noqa: D105
        return type(self._amp_stream)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._amp_stream, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._amp_stream, name, value)

    def __repr__(self) -> str:
        return repr(self._amp_stream)

    def _amp_finish(self, error: BaseException | None = None) -> None:
        record = self._amp_record
        if not record._done:
            _finish_from_accumulator(record, self._amp_acc, error)


def _iterate(proxy: TrackedStream, it: Any, record: CallRecord, acc: StreamAccumulator) -> Any:
    """The items of a sync stream, seen (TTFB, accumulator) before the caller gets them.

    Holds ``proxy`` (so ``for x in client...create(stream=True)`` keeps it alive while looping);
    the proxy does not hold the generator, so no reference cycle: a loop left early frees the
    generator at once, and the proxy records when it is closed or freed.
    """
    # a read_later accumulator without admit(): append here, no call per item
    items = acc.items if type(acc) is _ReadLater and acc.admit is None else None
    add = acc.add
    try:
        for item in it:
            if record.ttfb_ms is None:
                record.ttfb_ms = (_perf_counter() - record.started) * 1000.0
            if items is not None:
                items.append(item)
                if len(items) >= READ_LATER_BATCH:
                    acc._read()  # type: ignore[attr-defined]
                yield item
                continue
            try:
                keep = add(item) is not False
            except Exception:
                logger.warning("amplitude-ai: failed to read a stream item", exc_info=True)
                keep = True
            if keep:
                yield item
    except GeneratorExit:  # the loop was left early: the proxy records when closed or freed
        raise
    except BaseException as exc:
        if not record._done:
            _finish_from_accumulator(record, acc, exc)
        raise
    if not record._done:
        record.finish(acc.result)


class TrackedStream(_ProxyBase):
    """A sync stream that records its call exactly once (see module docstring)."""

    __slots__ = ()

    # ``for`` loops run in a generator (resuming a generator costs less per item than calling
    # a __next__ method), like the SDK streams' own __iter__; ``next(proxy)`` reads the same
    # underlying iterator, so both continue where the other stopped.
    def __iter__(self) -> Any:
        it = self._amp_iter
        if it is None:
            it = self._amp_sdk_iter()
        return _iterate(self, it, self._amp_record, self._amp_acc)

    def _amp_sdk_iter(self) -> Any:
        it = self._amp_iter
        if it is None:
            it = iter(self._amp_stream)
            object.__setattr__(self, "_amp_iter", it)
        return it

    def __next__(self) -> Any:
        it = self._amp_iter
        if it is None:
            it = self._amp_sdk_iter()
        add = self._amp_add
        while True:
            try:
                item = next(it)
            except StopIteration:
                self._amp_finish()
                raise
            except BaseException as exc:
                self._amp_finish(exc)
                raise
            record = self._amp_record
            if record.ttfb_ms is None:
                record.mark_first_token()
            try:
                if add(item) is not False:
                    return item
            except Exception:
                logger.warning("amplitude-ai: failed to read a stream item", exc_info=True)
                return item

    def __enter__(self) -> TrackedStream:
        enter = getattr(self._amp_stream, "__enter__", None)
        if enter is not None:
            enter()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> Any:
        try:
            exit_ = getattr(self._amp_stream, "__exit__", None)
            return exit_(exc_type, exc, tb) if exit_ is not None else None
        finally:
            self._amp_finish()

    def close(self) -> Any:
        try:
            close = getattr(self._amp_stream, "close", None)
            return close() if close is not None else None
        finally:
            self._amp_finish()


class AsyncTrackedStream(_ProxyBase):
    """An async stream that records its call exactly once (see module docstring)."""

    __slots__ = ()

    def __aiter__(self) -> AsyncTrackedStream:
        return self

    async def __anext__(self) -> Any:
        it = self._amp_iter
        if it is None:
            it = self._amp_stream.__aiter__()
            object.__setattr__(self, "_amp_iter", it)
        while True:
            try:
                item = await it.__anext__()
            except StopAsyncIteration:
                self._amp_finish()
                raise
            except BaseException as exc:
                self._amp_finish(exc)
                raise
            record = self._amp_record
            if record.ttfb_ms is None:
                record.mark_first_token()
            try:
                if self._amp_add(item) is not False:
                    return item
            except Exception:
                logger.warning("amplitude-ai: failed to read a stream item", exc_info=True)
                return item

    async def __aenter__(self) -> AsyncTrackedStream:
        enter = getattr(self._amp_stream, "__aenter__", None)
        if enter is not None:
            await enter()
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> Any:
        try:
            exit_ = getattr(self._amp_stream, "__aexit__", None)
            return (await exit_(exc_type, exc, tb)) if exit_ is not None else None
        finally:
            self._amp_finish()

    async def _amp_close(self, first: str, second: str) -> Any:
        try:
            close = getattr(self._amp_stream, first, None)
            if close is None:
                close = getattr(self._amp_stream, second, None)
            if close is None:
                return None
            out = close()
            if hasattr(out, "__await__"):
                out = await out
            return out
        finally:
            self._amp_finish()

    async def close(self) -> Any:
        return await self._amp_close("close", "aclose")

    async def aclose(self) -> Any:
        return await self._amp_close("aclose", "close")


# ---------------------------------------------------------------------------------------------
# message helpers shared by providers
# ---------------------------------------------------------------------------------------------


def text_of(content: Any) -> str | None:
    """Plain text of a message ``content``: a string, or a list of text parts/blocks."""
    if content is None:
        return None
    if isinstance(content, str):
        return content
    if isinstance(content, (list, tuple)):
        parts: list[str] = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
                continue
            text = part.get("text") if type(part) is dict or isinstance(part, Mapping) else getattr(part, "text", None)
            if isinstance(text, str):
                parts.append(text)
        return "\n".join(parts) if parts else None
    if isinstance(content, Mapping):
        text = content.get("text")
        return text if isinstance(text, str) else None
    return None


_MISSING = object()


def read_field(obj: Any, name: str, default: Any = None) -> Any:
    """``obj[name]`` of a mapping, else ``obj.name``; ``default`` when absent or ``obj`` is None.

    SDK responses are mostly pydantic models, which keep fields in ``__dict__`` and extra fields
    in ``__pydantic_extra__``; reading those directly skips pydantic's ``__getattr__``, which
    raises (slowly) for every absent attribute — and parsers ask for many optional ones.
    """
    if obj is None:
        return default
    if isinstance(obj, dict):  # (a C-level check for dict and its subclasses)
        return obj.get(name, default)
    extra = getattr(obj, "__pydantic_extra__", _MISSING)
    if extra is not _MISSING:  # a pydantic (v2) model
        value = obj.__dict__.get(name, _MISSING)
        if value is not _MISSING:
            return value
        if not _class_has(type(obj), name):  # not a property or other class attribute
            return extra.get(name, default) if extra else default
        return getattr(obj, name, default)
    if isinstance(obj, Mapping):  # keys first: a key may be named like a method ("items")
        return obj.get(name, default)
    return getattr(obj, name, default)


class _FieldReader:
    """``.get(name, default)`` over any object, through :func:`read_field`."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def get(self, name: str, default: Any = None) -> Any:
        return read_field(self.obj, name, default)


_NO_FIELDS: Mapping[str, Any] = {}
#: per class: do its instances keep every field in ``__dict__`` (pydantic v2 models)?
_fields_in_dict: dict[type, bool] = {}


def fields_of(obj: Any) -> Any:
    """Something with ``.get(name, default)`` that reads ``obj``'s fields like :func:`read_field`.

    For the objects parsers meet most — plain dicts, and pydantic (v2) models holding no extra
    fields, whose declared fields are their ``__dict__`` — that is the dict itself, so each read
    is one C call (a stream accumulator reads ~40 fields per call). Other objects go through
    :func:`read_field`. ``None`` reads as empty. Only fields are read, not properties.
    """
    cls = type(obj)
    if cls is dict:
        return obj
    if obj is None:
        return _NO_FIELDS
    in_dict = _fields_in_dict.get(cls)
    if in_dict is None:
        in_dict = _fields_in_dict[cls] = _keeps_fields_in_dict(cls)
    if in_dict and not getattr(obj, "__pydantic_extra__", True):  # None or {}: nothing outside __dict__
        return obj.__dict__
    return _FieldReader(obj)


def _keeps_fields_in_dict(cls: type) -> bool:
    if len(_fields_in_dict) > 4096:
        _fields_in_dict.clear()
    # pydantic v2's BaseModel declares these slots; its fields are plain __dict__ entries
    return any("__pydantic_extra__" in vars(klass) for klass in cls.__mro__) and any(
        "__pydantic_fields__" in vars(klass) or "model_fields" in vars(klass) for klass in cls.__mro__
    )


_class_attrs: dict[tuple[type, str], bool] = {}


def _class_has(cls: type, name: str) -> bool:
    # cached: hasattr() on a pydantic model class goes through its metaclass __getattr__, which
    # raises for every miss
    key = (cls, name)
    found = _class_attrs.get(key)
    if found is None:
        if len(_class_attrs) > 4096:
            _class_attrs.clear()
        found = _class_attrs[key] = any(name in vars(klass) for klass in cls.__mro__)
    return found


def last_user_text(messages: Any, *, role_key: str = "role", user_role: str = "user") -> str | None:
    """Text of the last message if it is a user message; ``None`` otherwise.

    A call whose last message is a tool result or an assistant turn (an agent loop continuing)
    has no new user input, so no ``[Agent] User Message`` is emitted for it.
    """
    if messages is None:
        return None
    if isinstance(messages, str):
        return messages
    # only real sequences: iterating a generator here would consume the caller's messages
    if not isinstance(messages, (list, tuple)) or not messages:
        return None
    last = messages[-1]
    if isinstance(last, str):
        return last
    if read_field(last, role_key) != user_role:
        return None
    return text_of(read_field(last, "content"))


def first_text_with_role(messages: Any, roles: tuple[str, ...] = ("system", "developer")) -> str | None:
    """Text of the system prompt given as a message (first message with one of ``roles``)."""
    if not isinstance(messages, (list, tuple)):
        return None
    for msg in messages:
        if read_field(msg, "role") in roles:
            return text_of(read_field(msg, "content"))
    return None


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    return float(value) if isinstance(value, (int, float)) else None


# ---------------------------------------------------------------------------------------------
# patching table
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatchTarget:
    """One vendor attribute ``patch()`` replaces with a tracked subclass.

    ``provider``: the name ``patch()`` reports and ``patch_<provider>()`` selects (e.g. "openai").
    ``module`` / ``attribute``: where the vendor class lives (``openai`` / ``OpenAI``); every module
    in ``also_in`` that re-exports the same class object is patched too.
    ``make``: builds the replacement given the ``amplitude`` passed to ``patch()`` — normally
    :func:`bound_subclass` of our wrapper class.
    """

    provider: str
    module: str
    attribute: str
    make: Callable[[Any], Any]
    also_in: tuple[str, ...] = field(default_factory=tuple)


def bound_subclass(wrapper_cls: type, amplitude: Any) -> type:
    """A subclass of ``wrapper_cls`` whose instances default to ``amplitude=amplitude``.

    Wrapper classes read the class attribute ``_amplitude_default`` when their ``amplitude``
    argument is ``None``, and pass ``patched=`` :func:`is_patched` to their :class:`Tracker`
    (``_amplitude_patched``: zero-code tracking, see ``Tracker``).
    """
    return type(
        wrapper_cls.__name__,
        (wrapper_cls,),
        {
            "_amplitude_default": amplitude,
            "_amplitude_patched": True,
            "__module__": wrapper_cls.__module__,
            "__qualname__": wrapper_cls.__qualname__,
        },
    )


def is_patched(client: Any) -> bool:
    """True for an instance of a class :func:`bound_subclass` made (``patch()``)."""
    return getattr(type(client), "_amplitude_patched", False) is True


def adopt_instance(wrapper_cls: type, client: Any) -> Any:
    """A ``wrapper_cls`` instance sharing ``client``'s configuration and connection pool.

    For SDK clients that keep their state in ``__dict__`` (the Stainless-generated openai and
    anthropic clients): the state is copied by reference, except cached resources
    (``functools.cached_property`` values), which are rebuilt on first use so they bind to the
    new instance. The original client is left untouched and keeps working untracked.
    """
    new = wrapper_cls.__new__(wrapper_cls)
    cached = {
        name
        for klass in type(client).__mro__
        for name, attr in vars(klass).items()
        if isinstance(attr, functools.cached_property)
    }
    new.__dict__.update({k: v for k, v in client.__dict__.items() if k not in cached})
    return new


__all__ = [
    "adopt_instance",
    "wait_for_deferred",
    "CALL_OPTION_KWARGS",
    "OPTIONS_HEADER",
    "AsyncTrackedStream",
    "CallOptions",
    "CallRecord",
    "LLMRequest",
    "LLMResult",
    "PatchTarget",
    "StreamAccumulator",
    "TrackedStream",
    "Tracker",
    "as_float",
    "as_int",
    "bound_subclass",
    "carry_options",
    "is_patched",
    "read_field",
    "first_text_with_role",
    "last_user_text",
    "pop_call_options",
    "process_device_id",
    "run_async",
    "run_sync",
    "take_options_from_headers",
    "text_of",
]
