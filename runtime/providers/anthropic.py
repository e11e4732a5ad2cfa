"""Anthropic: ``Anthropic`` / ``AsyncAnthropic``, tracked subclasses of the SDK clients.

Tracked: ``messages.create`` (also ``stream=True``), ``messages.stream`` (the SDK's helper
context manager, untouched: only the raw event stream underneath is observed),
``messages.parse`` and ``beta.messages.create`` / ``stream`` / ``parse``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from functools import cached_property
from typing import Any

import anthropic as _sdk
from anthropic.resources.beta import AsyncBeta as _AsyncBeta
from anthropic.resources.beta import Beta as _Beta
from anthropic.resources.beta.messages import AsyncMessages as _AsyncBetaMessages
from anthropic.resources.beta.messages import Messages as _BetaMessages
from anthropic.resources.messages import AsyncMessages as _AsyncMessages
from anthropic.resources.messages import Messages as _Messages

from . import _anthropic_format as fmt
from ._base import (
    CallOptions,
    LazyRequest,
    LLMRequest,
    LLMResult,
    PatchTarget,
    Tracker,
    adopt_instance,
    bound_subclass,
    is_patched,
    last_user_text,
    pop_call_options,
    run_async,
    run_sync,
)

PROVIDER = "anthropic"
_RAW_RESPONSE_HEADER = "X-Stainless-Raw-Response"


def _raw_mode(post_kwargs: dict[str, Any]) -> str | None:
    """'raw' / 'true' (``with_raw_response``), 'stream' (``with_streaming_response``) or None."""
    options = post_kwargs.get("options")
    # (the plain-dict tests first: isinstance(x, Mapping) is a Python-level ABC check)
    headers = options.get("headers") if type(options) is dict or isinstance(options, Mapping) else None
    if headers is None:
        return None
    return headers.get(_RAW_RESPONSE_HEADER) if type(headers) is dict or isinstance(headers, Mapping) else None


def _with_propagation(tracker: Tracker, post_kwargs: dict[str, Any]) -> dict[str, Any]:
    extra = tracker.propagation_headers()
    if extra:
        options = dict(post_kwargs.get("options") or {})
        options["headers"] = {**extra, **(options.get("headers") or {})}
        post_kwargs = {**post_kwargs, "options": options}
    return post_kwargs


def _parser(streaming: bool, mode: str | None) -> Any:
    def parse(response: Any) -> LLMResult | None:
        if mode in ("raw", "true") and not streaming:  # "true": the 0.x SDK's legacy raw response
            response = response.parse()  # cached by the SDK: the caller's .parse() reuses it
        elif mode is not None:
            return None  # the body is the caller's to read
        return fmt.result(response)

    return parse


def _snapshot(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The kwargs as they are at the call, for describing the request later: the lists an agent
    loop may change right after the call (``tools``, ``system`` blocks) and ``extra_body`` are
    copied, and so is each dict in those lists (a tool renamed, a prompt block rewritten in
    place). Deeper parts (a tool's input schema) are shared: copying them would cost the caller
    more than the rest of the call's tracking together."""
    snapshot = dict(kwargs)
    for key in ("tools", "system"):
        value = snapshot.get(key)
        if type(value) is list:
            snapshot[key] = [dict(item) if type(item) is dict else item for item in value]
    extra = snapshot.get("extra_body")
    if type(extra) is dict:  # sampling parameters may come this way (see _anthropic_format.request)
        snapshot["extra_body"] = dict(extra)
    return snapshot


def _describe(kwargs: dict[str, Any], streaming: bool) -> LLMRequest:
    try:
        return fmt.request(kwargs, is_streaming=streaming, read_user_input=False)  # read at the call
    except Exception:
        return LLMRequest(model=kwargs.get("model"), is_streaming=streaming)


def _is_stream(response: Any) -> bool:
    return isinstance(response, (_sdk.Stream, _sdk.AsyncStream))


class _TrackedResource:
    """Mixin for a messages resource: each tracked method runs on a copy whose ``_post`` records.

    Every endpoint (``create``, ``stream``'s deferred request, ``parse``) reaches the network via
    ``self._post``; the copy's ``_post`` wraps that one call, so the SDK's own method bodies,
    return types and helpers (``MessageStreamManager``, ``with_raw_response``) are untouched.
    """

    _client: Any
    _post: Any

    def _amp_resource(self, kwargs: dict[str, Any], streaming: bool) -> Any:
        options = pop_call_options(kwargs)
        tracker = getattr(self._client, "_amplitude_tracker", None)
        if tracker is None:
            return self
        try:
            # the last user input now (the caller may append to its list after the call); the
            # rest of the request is described when the event is built, from a copy of kwargs
            request: Any = LazyRequest(
                _describe, _snapshot(kwargs), streaming, user_input=last_user_text(kwargs.get("messages")),
                is_streaming=streaming, messages=kwargs.get("messages"),
            )
        except Exception:
            request = LLMRequest(model=kwargs.get("model"), is_streaming=streaming)
        resource = object.__new__(type(self))  # a shallow copy (what copy.copy does, minus its dispatch)
        resource.__dict__.update(self.__dict__)
        resource._post = self._amp_post(tracker, request, options, streaming)
        return resource

    def _amp_post(self, tracker: Tracker, request: LLMRequest, options: CallOptions, streaming: bool) -> Any:
        post = self._post

        def tracked_post(*args: Any, **kwargs: Any) -> Any:
            if tracker.propagates():
                kwargs = _with_propagation(tracker, kwargs)
            mode = _raw_mode(kwargs)
            return run_sync(
                tracker,
                request,
                options,
                functools.partial(post, *args, **kwargs),
                parse_response=fmt.result if mode is None else _parser(streaming, mode),
                stream_accumulator=fmt.MessageStreamAccumulator,
                is_stream=_is_stream,
            )

        return tracked_post


class _AsyncTrackedResource(_TrackedResource):
    def _amp_post(self, tracker: Tracker, request: LLMRequest, options: CallOptions, streaming: bool) -> Any:
        post = self._post

        async def tracked_post(*args: Any, **kwargs: Any) -> Any:
            if tracker.propagates():
                kwargs = _with_propagation(tracker, kwargs)
            mode = _raw_mode(kwargs)
            if mode not in ("raw", "true") or streaming:
                return await run_async(
                    tracker,
                    request,
                    options,
                    functools.partial(post, *args, **kwargs),
                    parse_response=_parser(streaming, mode),
                    stream_accumulator=fmt.MessageStreamAccumulator,
                    is_stream=_is_stream,
                )
            # async raw responses parse with a coroutine: parse (SDK-cached) before recording
            parsed: list[Any] = []

            async def invoke() -> Any:
                response = await post(*args, **kwargs)
                try:
                    value = response.parse()
                    parsed.append(await value if inspect.isawaitable(value) else value)
                except Exception:  # the caller will meet it in their own .parse()
                    pass
                return response

            return await run_async(
                tracker, request, options, invoke, parse_response=lambda _: fmt.result(parsed[0]) if parsed else None
            )

        return tracked_post


class TrackedMessages(_TrackedResource, _Messages):
    def create(self, *args: Any, **kwargs: Any) -> Any:
        resource = self._amp_resource(kwargs, bool(kwargs.get("stream")))
        return super(TrackedMessages, resource).create(*args, **kwargs)

    def stream(self, *args: Any, **kwargs: Any) -> Any:
        resource = self._amp_resource(kwargs, True)
        return super(TrackedMessages, resource).stream(*args, **kwargs)

    def parse(self, *args: Any, **kwargs: Any) -> Any:
        resource = self._amp_resource(kwargs, False)
        return super(TrackedMessages, resource).parse(*args, **kwargs)


class AsyncTrackedMessages(_AsyncTrackedResource, _AsyncMessages):
    async def create(self, *args: Any, **kwargs: Any) -> Any:
        resource = self._amp_resource(kwargs, bool(kwargs.get("stream")))
        return await super(AsyncTrackedMessages, resource).create(*args, **kwargs)

    def stream(self, *args: Any, **kwargs: Any) -> Any:
        resource = self._amp_resource(kwargs, True)
        return super(AsyncTrackedMessages, resource).stream(*args, **kwargs)

    async def parse(self, *args: Any, **kwargs: Any) -> Any:
        resource = self._amp_resource(kwargs, False)
        return await super(AsyncTrackedMessages, resource).parse(*args, **kwargs)


class TrackedBetaMessages(_TrackedResource, _BetaMessages):
    def create(self, *args: Any, **kwargs: Any) -> Any:
        resource = self._amp_resource(kwargs, bool(kwargs.get("stream")))
        return super(TrackedBetaMessages, resource).create(*args, **kwargs)

    def stream(self, *args: Any, **kwargs: Any) -> Any:
        resource = self._amp_resource(kwargs, True)
        return super(TrackedBetaMessages, resource).stream(*args, **kwargs)

    def parse(self, *args: Any, **kwargs: Any) -> Any:
        resource = self._amp_resource(kwargs, False)
        return super(TrackedBetaMessages, resource).parse(*args, **kwargs)


class AsyncTrackedBetaMessages(_AsyncTrackedResource, _AsyncBetaMessages):
    async def create(self, *args: Any, **kwargs: Any) -> Any:
        resource = self._amp_resource(kwargs, bool(kwargs.get("stream")))
        return await super(AsyncTrackedBetaMessages, resource).create(*args, **kwargs)

    def stream(self, *args: Any, **kwargs: Any) -> Any:
        resource = self._amp_resource(kwargs, True)
        return super(AsyncTrackedBetaMessages, resource).stream(*args, **kwargs)

    async def parse(self, *args: Any, **kwargs: Any) -> Any:
        resource = self._amp_resource(kwargs, False)
        return await super(AsyncTrackedBetaMessages, resource).parse(*args, **kwargs)


class TrackedBeta(_Beta):
    @cached_property
    def messages(self) -> TrackedBetaMessages:  # type: ignore[override]
        return TrackedBetaMessages(self._client)


class AsyncTrackedBeta(_AsyncBeta):
    @cached_property
    def messages(self) -> AsyncTrackedBetaMessages:  # type: ignore[override]
        return AsyncTrackedBetaMessages(self._client)


def _init_tracking(client: Any, amplitude: Any) -> None:
    client._amplitude_tracker = Tracker(
        amplitude if amplitude is not None else getattr(type(client), "_amplitude_default", None), provider=PROVIDER,
        patched=is_patched(client),
    )


class _TrackedClient:
    """Parts shared by the sync and async clients (a mixin placed before the vendor class)."""

    _amplitude_default: Any = None
    _amplitude_tracker: Tracker

    def __init__(self, *args: Any, amplitude: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        _init_tracking(self, amplitude)

    def copy(self, *args: Any, **kwargs: Any) -> Any:
        new = super().copy(*args, **kwargs)  # type: ignore[misc]
        new._amplitude_tracker = self._amplitude_tracker
        return new

    with_options = copy


class Anthropic(_TrackedClient, _sdk.Anthropic):
    """``anthropic.Anthropic`` that records every Messages call (``amplitude=``: AmplitudeAI or Amplitude)."""

    @cached_property
    def messages(self) -> TrackedMessages:  # type: ignore[override]
        return TrackedMessages(self)

    @cached_property
    def beta(self) -> TrackedBeta:  # type: ignore[override]
        return TrackedBeta(self)


class AsyncAnthropic(_TrackedClient, _sdk.AsyncAnthropic):
    """``anthropic.AsyncAnthropic`` that records every Messages call."""

    @cached_property
    def messages(self) -> AsyncTrackedMessages:  # type: ignore[override]
        return AsyncTrackedMessages(self)

    @cached_property
    def beta(self) -> AsyncTrackedBeta:  # type: ignore[override]
        return AsyncTrackedBeta(self)


PATCH_TARGETS = [
    PatchTarget("anthropic", "anthropic", "Anthropic", lambda amp: bound_subclass(Anthropic, amp)),
    PatchTarget("async_anthropic", "anthropic", "AsyncAnthropic", lambda amp: bound_subclass(AsyncAnthropic, amp)),
]



def wrap_instance(client: Any, *, amplitude: Any = None, defaults: CallOptions | None = None) -> Any:
    """Our tracked twin of an existing ``anthropic`` client (same config and HTTP pool), or ``None``."""
    for vendor, ours in ((_sdk.AsyncAnthropic, AsyncAnthropic), (_sdk.Anthropic, Anthropic)):
        if isinstance(client, vendor):
            tracked = adopt_instance(ours, client)
            tracked.__dict__["_amplitude_tracker"] = Tracker(amplitude, provider=PROVIDER, defaults=defaults)
            return tracked
    return None


__all__ = ["Anthropic", "AsyncAnthropic", "PATCH_TARGETS", "wrap_instance"]
