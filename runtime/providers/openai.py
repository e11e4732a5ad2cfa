"""Tracked OpenAI clients: ``OpenAI``, ``AsyncOpenAI``, ``AzureOpenAI``, ``AsyncAzureOpenAI``.

Each class is a subclass of the vendor class (``isinstance(client, openai.OpenAI)`` holds) and takes
one extra argument, ``amplitude=`` (an ``AmplitudeAI``, an ``amplitude.Amplitude`` or ``None`` for the
process default). Everything else is the vendor's.

How calls are tracked: every generating endpoint of the SDK — ``chat.completions.create/parse/stream``,
``beta.chat.completions.*``, ``responses.create/parse/stream``, legacy ``completions.create`` and
``embeddings.create``, also through ``with_options(...)`` and ``with_raw_response`` — ends in the
client's ``post(path, ...)``. We override ``post`` once and recognise the four paths below; the SDK
keeps building requests, parsing responses and choosing return types itself, so its types and
helpers are untouched. The resource methods are only wrapped to remove the ``amplitude_*``
per-call kwargs; they travel to ``post`` inside ``extra_headers`` (see ``_base.carry_options``) and
are taken out there, before anything is sent.
"""

from __future__ import annotations

import functools
import inspect
import weakref
import logging
from collections.abc import Mapping
from functools import cached_property
from typing import Any

import openai as _openai

from ._base import (
    CALL_OPTION_KWARGS,
    OPTIONS_HEADER,
    AsyncTrackedStream,
    CallOptions,
    LLMRequest,
    LLMResult,
    PatchTarget,
    StreamAccumulator,
    Tracker,
    TrackedStream,
    adopt_instance,
    as_float,
    as_int,
    bound_subclass,
    is_patched,
    read_field,
    carry_options,
    first_text_with_role,
    last_user_text,
    pop_call_options,
    run_async,
    run_sync,
    take_options_from_headers,
    text_of,
)

logger = logging.getLogger("amplitude_ai")

_RAW_HEADER = "X-Stainless-Raw-Response"


_get = read_field


def _extra(obj: Any, key: str) -> Any:
    """A field the SDK's type does not declare (e.g. ``reasoning_content`` from compatible servers)."""
    if type(obj) is dict:
        return obj.get(key)
    extra = getattr(obj, "__pydantic_extra__", None)
    if extra:
        value = extra.get(key)
        if value is not None:
            return value
    state = getattr(obj, "__dict__", None)
    return state.get(key) if state else None


# ---------------------------------------------------------------------------------------------
# request descriptions (from the JSON body the SDK is about to send)
# ---------------------------------------------------------------------------------------------


def _tools(body: Mapping[str, Any]) -> list[Any] | None:
    tools = body.get("tools")
    return list(tools) if isinstance(tools, (list, tuple)) and tools else None


def _describe_chat(body: Mapping[str, Any]) -> LLMRequest:
    messages = body.get("messages")
    max_out = body.get("max_completion_tokens")
    if max_out is None:
        max_out = body.get("max_tokens")
    return LLMRequest(
        model=body.get("model"),
        user_input=last_user_text(messages),
        system_prompt=first_text_with_role(messages),
        tool_definitions=_tools(body),
        temperature=as_float(body.get("temperature")),
        top_p=as_float(body.get("top_p")),
        max_output_tokens=as_int(max_out),
        is_streaming=bool(body.get("stream")),
        messages=messages,
    )


def _describe_responses(body: Mapping[str, Any]) -> LLMRequest:
    items = body.get("input")
    system = body.get("instructions")
    if not isinstance(system, str):
        system = first_text_with_role(items)
    return LLMRequest(
        model=body.get("model"),
        user_input=last_user_text(items),
        system_prompt=system,
        tool_definitions=_tools(body),
        temperature=as_float(body.get("temperature")),
        top_p=as_float(body.get("top_p")),
        max_output_tokens=as_int(body.get("max_output_tokens")),
        is_streaming=bool(body.get("stream")),
        messages=items,
    )


def _describe_completions(body: Mapping[str, Any]) -> LLMRequest:
    prompt = body.get("prompt")
    if isinstance(prompt, (list, tuple)):
        prompt = prompt[-1] if prompt and isinstance(prompt[-1], str) else None
    return LLMRequest(
        model=body.get("model"),
        user_input=prompt if isinstance(prompt, str) else None,
        temperature=as_float(body.get("temperature")),
        top_p=as_float(body.get("top_p")),
        max_output_tokens=as_int(body.get("max_tokens")),
        is_streaming=bool(body.get("stream")),
    )


def _describe_embeddings(body: Mapping[str, Any]) -> LLMRequest:
    return LLMRequest(model=body.get("model"), kind="embedding")


# ---------------------------------------------------------------------------------------------
# response parsing
# ---------------------------------------------------------------------------------------------


def _chat_usage(result: LLMResult, usage: Any) -> None:
    if usage is None:
        return
    result.input_tokens = as_int(_get(usage, "prompt_tokens"))
    result.output_tokens = as_int(_get(usage, "completion_tokens"))
    result.total_tokens = as_int(_get(usage, "total_tokens"))
    result.cache_read_tokens = as_int(_get(_get(usage, "prompt_tokens_details"), "cached_tokens"))
    result.reasoning_tokens = as_int(_get(_get(usage, "completion_tokens_details"), "reasoning_tokens"))


def _tool_call_dict(call: Any) -> dict[str, Any]:
    fn = _get(call, "function")
    out = {"id": _get(call, "id"), "type": _get(call, "type") or "function"}
    if fn is not None:
        out["name"] = _get(fn, "name")
        out["arguments"] = _get(fn, "arguments")
    return out


def _parse_chat(resp: Any) -> LLMResult:
    result = LLMResult(model=_get(resp, "model"))
    choices = _get(resp, "choices") or []
    if choices:
        choice = choices[0]
        message = _get(choice, "message")
        result.output_text = text_of(_get(message, "content")) or _get(message, "refusal")
        result.finish_reason = _get(choice, "finish_reason")
        calls = _get(message, "tool_calls")
        if calls:
            result.tool_calls = [_tool_call_dict(c) for c in calls]
        reasoning = _extra(message, "reasoning_content") or _extra(message, "reasoning")
        if isinstance(reasoning, str):
            result.reasoning_content = reasoning
    _chat_usage(result, _get(resp, "usage"))
    return result


def _parse_response_api(resp: Any) -> LLMResult:
    result = LLMResult(model=_get(resp, "model"))
    texts: list[str] = []
    reasoning: list[str] = []
    calls: list[dict[str, Any]] = []
    for item in _get(resp, "output") or []:
        kind = _get(item, "type")
        if kind == "message":
            for part in _get(item, "content") or []:
                if _get(part, "type") == "output_text":
                    texts.append(_get(part, "text") or "")
                elif _get(part, "type") == "refusal":
                    texts.append(_get(part, "refusal") or "")
        elif kind == "function_call":
            calls.append(
                {
                    "id": _get(item, "call_id") or _get(item, "id"),
                    "type": "function",
                    "name": _get(item, "name"),
                    "arguments": _get(item, "arguments"),
                }
            )
        elif kind == "reasoning":
            for part in (_get(item, "summary") or []) + (_get(item, "content") or []):
                text = _get(part, "text")
                if text:
                    reasoning.append(text)
        elif isinstance(kind, str) and kind.endswith("_call"):
            calls.append({"id": _get(item, "id"), "type": kind, "name": kind})
    result.output_text = "".join(texts) or None
    result.tool_calls = calls or None
    result.reasoning_content = "\n".join(reasoning) or None
    status = _get(resp, "status")
    incomplete = _get(_get(resp, "incomplete_details"), "reason")
    result.finish_reason = incomplete or ("tool_calls" if calls and status == "completed" else status)
    usage = _get(resp, "usage")
    if usage is not None:
        result.input_tokens = as_int(_get(usage, "input_tokens"))
        result.output_tokens = as_int(_get(usage, "output_tokens"))
        result.total_tokens = as_int(_get(usage, "total_tokens"))
        result.cache_read_tokens = as_int(_get(_get(usage, "input_tokens_details"), "cached_tokens"))
        result.reasoning_tokens = as_int(_get(_get(usage, "output_tokens_details"), "reasoning_tokens"))
    return result


def _parse_completion(resp: Any) -> LLMResult:
    result = LLMResult(model=_get(resp, "model"))
    choices = _get(resp, "choices") or []
    if choices:
        result.output_text = _get(choices[0], "text")
        result.finish_reason = _get(choices[0], "finish_reason")
    _chat_usage(result, _get(resp, "usage"))
    return result


def _parse_embedding(resp: Any) -> LLMResult:
    result = LLMResult(model=_get(resp, "model"))
    usage = _get(resp, "usage")
    result.input_tokens = as_int(_get(usage, "prompt_tokens"))
    data = _get(resp, "data") or []
    if data:
        vector = _get(data[0], "embedding")
        if isinstance(vector, (list, tuple)):
            result.embedding_dimensions = len(vector)
    return result


# ---------------------------------------------------------------------------------------------
# stream accumulators
# ---------------------------------------------------------------------------------------------


class _UsageOnly:
    """Stands for the usage-only chunk of a stream we asked usage for (never reaches the caller)."""

    __slots__ = ("usage",)

    def __init__(self, usage: Any) -> None:
        self.usage = usage


#: HTTP responses of streams whose usage we asked for (see _Tracked._process_response_data)
_USAGE_REQUESTED: weakref.WeakSet[Any] = weakref.WeakSet()


class _ChatStream(StreamAccumulator):
    """Chat completion chunks (also legacy completions when ``legacy=True``)."""

    # Read as they come (not read_later): every chunk needs a look on the caller's thread anyway
    # when we asked for usage, and folding a chunk frees it right away.
    __slots__ = ("injected", "legacy", "model", "text", "reasoning", "finish", "usage", "calls")

    def __init__(self, injected: bool, legacy: bool = False) -> None:
        self.injected = injected
        self.legacy = legacy
        self.model: str | None = None
        self.text: list[str] = []
        self.reasoning: list[str] = []
        self.finish: str | None = None
        self.usage: Any = None
        self.calls: dict[int, dict[str, Any]] = {}

    def add(self, chunk: Any) -> bool:
        if type(chunk) is _UsageOnly:  # the usage-only chunk we asked for, left unbuilt: hide it
            self.usage = chunk.usage
            return False
        if self.model is None:
            self.model = getattr(chunk, "model", None)
        usage = getattr(chunk, "usage", None)
        choices = getattr(chunk, "choices", None) or ()
        if usage is not None:
            self.usage = usage
            if self.injected and not choices:
                return False  # the usage-only chunk we asked for: the caller never asked for it
        elif self.injected:
            # the server echoes ``"usage": null`` on every chunk once usage was requested; keep
            # the chunk identical to what the caller would have received without it (usually
            # done before the chunk is built: see _Tracked._process_response_data)
            fields_set = getattr(chunk, "__pydantic_fields_set__", None)
            if fields_set is not None:
                fields_set.discard("usage")
        for choice in choices:
            if getattr(choice, "index", 0) != 0:
                continue
            if choice.finish_reason is not None:
                self.finish = choice.finish_reason
            if self.legacy:
                if choice.text:
                    self.text.append(choice.text)
                continue
            delta = choice.delta
            if delta is None:
                continue
            if delta.content:
                self.text.append(delta.content)
            reasoning = _extra(delta, "reasoning_content") or _extra(delta, "reasoning")
            if isinstance(reasoning, str) and reasoning:
                self.reasoning.append(reasoning)
            if delta.tool_calls:
                for call in delta.tool_calls:
                    slot = self.calls.setdefault(
                        call.index, {"id": None, "type": "function", "name": None, "arguments": ""}
                    )
                    if call.id:
                        slot["id"] = call.id
                    fn = call.function
                    if fn is not None:
                        if fn.name:
                            slot["name"] = fn.name
                        if fn.arguments:
                            slot["arguments"] += fn.arguments
        return True

    def result(self) -> LLMResult:
        result = LLMResult(
            model=self.model,
            output_text="".join(self.text) or None,
            finish_reason=self.finish,
            reasoning_content="".join(self.reasoning) or None,
            tool_calls=[self.calls[i] for i in sorted(self.calls)] or None,
        )
        _chat_usage(result, self.usage)
        return result


class _ResponsesStream(StreamAccumulator):
    """Responses API events: the final ``response.completed`` (or failed/incomplete) holds it all."""

    __slots__ = ("final", "model", "text")
    read_later = True

    def __init__(self) -> None:
        self.final: Any = None
        self.model: str | None = None
        self.text: list[str] = []

    def add(self, event: Any) -> bool:
        kind = getattr(event, "type", None)
        if kind == "response.output_text.delta":
            self.text.append(getattr(event, "delta", "") or "")
        elif kind in ("response.completed", "response.incomplete", "response.failed"):
            self.final = getattr(event, "response", None)
        elif kind == "response.created":
            self.model = getattr(getattr(event, "response", None), "model", None)
        return True

    def result(self) -> LLMResult:
        if self.final is not None:
            return _parse_response_api(self.final)
        return LLMResult(model=self.model, output_text="".join(self.text) or None)


# ---------------------------------------------------------------------------------------------
# endpoints
# ---------------------------------------------------------------------------------------------


class _Endpoint:
    __slots__ = ("describe", "parse", "stream", "usage_option")

    def __init__(self, describe: Any, parse: Any, stream: Any, usage_option: bool) -> None:
        self.describe = describe
        self.parse = parse
        self.stream = stream  # (injected: bool) -> StreamAccumulator
        self.usage_option = usage_option  # whether stream_options.include_usage applies


ENDPOINTS: dict[str, _Endpoint] = {
    "/chat/completions": _Endpoint(_describe_chat, _parse_chat, lambda inj: _ChatStream(inj), True),
    "/responses": _Endpoint(_describe_responses, _parse_response_api, lambda inj: _ResponsesStream(), False),
    "/completions": _Endpoint(_describe_completions, _parse_completion, lambda inj: _ChatStream(inj, True), True),
    "/embeddings": _Endpoint(_describe_embeddings, _parse_embedding, None, False),
}


class _Prepared:
    """One intercepted ``post``: the request description, its options, and the rewritten kwargs."""

    __slots__ = ("endpoint", "request", "options", "kwargs", "injected", "raw")

    def __init__(self, tracker: Tracker, endpoint: _Endpoint, kwargs: dict[str, Any]) -> None:
        self.endpoint = endpoint
        req_options = kwargs.get("options") or {}
        headers = req_options.get("headers")
        options, headers = take_options_from_headers(headers)
        self.options: CallOptions = options
        body = kwargs.get("body")
        if not isinstance(body, Mapping):
            body = {}
        self.request = endpoint.describe(body)
        self.injected = False
        extra = tracker.propagation_headers()
        if extra:
            headers = {**extra, **(headers or {})}
        self.raw = _raw_mode(headers)
        if (
            endpoint.usage_option
            and self.request.is_streaming
            # with_streaming_response hands the raw body to the caller: nothing could hide the
            # usage-only chunk from it, so no usage is asked for
            and self.raw != "stream"
            and not _get(body.get("stream_options"), "include_usage")
        ):
            stream_options = body.get("stream_options")
            stream_options = dict(stream_options) if isinstance(stream_options, Mapping) else {}
            stream_options["include_usage"] = True
            kwargs["body"] = {**body, "stream_options": stream_options}
            self.injected = True
        if headers is not req_options.get("headers"):
            kwargs["options"] = {**req_options, "headers": headers}
        self.kwargs = kwargs

    def is_stream(self, response: Any) -> bool:
        return self.request.is_streaming and self.raw is None and self.endpoint.stream is not None

    def accumulator(self) -> StreamAccumulator:
        return self.endpoint.stream(self.injected)

    def sent(self, response: Any) -> Any:
        """The SDK's return value, unchanged; a stream we asked usage for is registered (see
        ``_Tracked._process_response_data``)."""
        if self.injected and self.raw is None:
            http_response = getattr(response, "response", None)
            if http_response is not None:
                try:
                    _USAGE_REQUESTED.add(http_response)
                except TypeError:
                    pass
        return response

    def parse(self, response: Any) -> LLMResult | None:
        if self.raw is None:
            return self.endpoint.parse(response)
        return None


def _raw_mode(headers: Mapping[str, Any] | None) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == _RAW_HEADER.lower() and isinstance(value, str):
            return value
    return None


def _finish_raw_sync(prep: _Prepared, record: Any, response: Any) -> Any:
    """``with_raw_response``: parse (the SDK caches it, so the caller gets the same object)."""
    if prep.raw in ("true", "raw") and hasattr(response, "parse") and hasattr(response, "_parsed_by_type"):
        try:
            parsed = response.parse()
            if prep.request.is_streaming and prep.endpoint.stream is not None:
                proxy = TrackedStream(parsed, record, prep.accumulator())
                response._parsed_by_type[response._cast_to] = proxy
                return response
            record.finish(prep.endpoint.parse(parsed))
            return response
        except Exception:
            logger.debug("amplitude-ai: could not read a raw OpenAI response", exc_info=True)
    record.finish(LLMResult())
    return response


# ---------------------------------------------------------------------------------------------
# resource method wrappers (remove amplitude_* kwargs, carry them to post())
# ---------------------------------------------------------------------------------------------

_TRACKED_METHODS: dict[str, tuple[str, ...]] = {
    "chat.completions": ("create", "parse", "stream"),
    "beta.chat.completions": ("create", "parse", "stream"),
    "responses": ("create", "parse", "stream"),
    "completions": ("create",),
    "embeddings": ("create",),
}


def _has_options(kwargs: dict[str, Any]) -> bool:
    for name in CALL_OPTION_KWARGS:
        if name in kwargs:
            return True
    return False


def _option_popper(method: Any) -> Any:
    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def acall(*args: Any, **kwargs: Any) -> Any:
            if kwargs and _has_options(kwargs):
                carry_options(kwargs, pop_call_options(kwargs))
            return await method(*args, **kwargs)

        return acall

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        if kwargs and _has_options(kwargs):
            carry_options(kwargs, pop_call_options(kwargs))
        return method(*args, **kwargs)

    return call


def _wrap_resource(resource: Any, names: tuple[str, ...]) -> None:
    for name in names:
        method = getattr(resource, name, None)
        if method is None or getattr(method, "_amplitude_wrapped", False):
            continue
        try:
            wrapped = _option_popper(method)
            wrapped._amplitude_wrapped = True  # type: ignore[attr-defined]
            setattr(resource, name, wrapped)
        except Exception:
            logger.debug("amplitude-ai: could not wrap %s", name, exc_info=True)


def _resolve(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _resource_property(name: str) -> cached_property:
    """A cached_property that builds the vendor resource and wraps its generating methods."""

    paths = [p for p in _TRACKED_METHODS if p == name or p.startswith(name + ".")]

    def getter(self: Any) -> Any:
        resource = _vendor_attr(self, name)
        for path in paths:
            target = resource if path == name else _resolve(resource, path[len(name) + 1 :])
            if target is not None:
                _wrap_resource(target, _TRACKED_METHODS[path])
        return resource

    getter.__name__ = name
    return cached_property(getter)


def _vendor_attr(self: Any, name: str) -> Any:
    for klass in type(self).__mro__:
        if klass.__module__.startswith("openai") and name in klass.__dict__:
            attr = klass.__dict__[name]
            func = getattr(attr, "func", None)
            if func is not None:  # cached_property
                return func(self)
            return attr.__get__(self, type(self))
    return None


# ---------------------------------------------------------------------------------------------
# the client mixins
# ---------------------------------------------------------------------------------------------


def _setup(client: Any, amplitude: Any, provider: str) -> None:
    if amplitude is None:
        amplitude = getattr(type(client), "_amplitude_default", None)
    client.__dict__["_amplitude_tracker"] = Tracker(amplitude, provider=provider, patched=is_patched(client))


class _Tracked:
    """Parts shared by the sync and async mixins."""

    _amplitude_default: Any = None
    _amplitude_provider = "openai"

    chat = _resource_property("chat")
    beta = _resource_property("beta")
    responses = _resource_property("responses")
    completions = _resource_property("completions")
    embeddings = _resource_property("embeddings")

    def __init__(self, *args: Any, amplitude: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        _setup(self, amplitude, self._amplitude_provider)

    def _process_response_data(self, *, data: Any, cast_to: Any, response: Any) -> Any:
        # Streams we asked usage for (stream_options.include_usage) carry "usage": null in every
        # chunk and end with one usage-only chunk. Drop the nulls before the SDK builds a chunk
        # (it is then what the caller would have received), and do not build the usage-only
        # chunk at all: our stream proxy takes its usage and hides it (_ChatStream.add).
        if _USAGE_REQUESTED and type(data) is dict and response in _USAGE_REQUESTED:
            if "usage" in data:
                usage = data["usage"]
                if usage is None:
                    del data["usage"]  # a dict the SDK just decoded from this event's JSON
                elif not data.get("choices"):
                    return _UsageOnly(usage)
        return super()._process_response_data(data=data, cast_to=cast_to, response=response)  # type: ignore[misc]

    @property
    def amplitude_tracker(self) -> Tracker:
        return self.__dict__["_amplitude_tracker"]

    def copy(self, *args: Any, **kwargs: Any) -> Any:
        new = super().copy(*args, **kwargs)  # type: ignore[misc]
        tracker = self.__dict__.get("_amplitude_tracker")
        if tracker is not None:
            new.__dict__["_amplitude_tracker"] = tracker
        return new

    with_options = copy


class _SyncTracked(_Tracked):
    def post(self, path: str, *args: Any, **kwargs: Any) -> Any:
        endpoint = ENDPOINTS.get(path)
        tracker = self.__dict__.get("_amplitude_tracker")
        if endpoint is None or tracker is None or args:
            return super().post(path, *args, **kwargs)  # type: ignore[misc]
        try:
            prep = _Prepared(tracker, endpoint, kwargs)
        except Exception:
            logger.warning("amplitude-ai: could not read an OpenAI request; sending it untracked", exc_info=True)
            return super().post(path, **_strip_carrier(kwargs))  # type: ignore[misc]
        kw = prep.kwargs
        if prep.raw is not None:
            record = tracker.start(prep.request, prep.options)
            try:
                response = super().post(path, **kw)  # type: ignore[misc]
            except BaseException as exc:
                record.finish(None, exc)
                raise
            return _finish_raw_sync(prep, record, response)
        return run_sync(
            tracker,
            prep.request,
            prep.options,
            lambda: prep.sent(super(_SyncTracked, self).post(path, **kw)),  # type: ignore[misc]
            parse_response=prep.parse,
            stream_accumulator=prep.accumulator,
            is_stream=prep.is_stream,
        )


class _AsyncTracked(_Tracked):
    async def post(self, path: str, *args: Any, **kwargs: Any) -> Any:
        endpoint = ENDPOINTS.get(path)
        tracker = self.__dict__.get("_amplitude_tracker")
        if endpoint is None or tracker is None or args:
            return await super().post(path, *args, **kwargs)  # type: ignore[misc]
        try:
            prep = _Prepared(tracker, endpoint, kwargs)
        except Exception:
            logger.warning("amplitude-ai: could not read an OpenAI request; sending it untracked", exc_info=True)
            return await super().post(path, **_strip_carrier(kwargs))  # type: ignore[misc]
        kw = prep.kwargs
        if prep.raw is not None:
            record = tracker.start(prep.request, prep.options)
            try:
                response = await super().post(path, **kw)  # type: ignore[misc]
            except BaseException as exc:
                record.finish(None, exc)
                raise
            return _finish_raw_async(prep, record, response)
        return await run_async(
            tracker,
            prep.request,
            prep.options,
            lambda: _sent_async(prep, super(_AsyncTracked, self).post(path, **kw)),  # type: ignore[misc]
            parse_response=prep.parse,
            stream_accumulator=prep.accumulator,
            is_stream=prep.is_stream,
        )


async def _sent_async(prep: _Prepared, pending: Any) -> Any:
    return prep.sent(await pending)


def _finish_raw_async(prep: _Prepared, record: Any, response: Any) -> Any:
    # the async LegacyAPIResponse.parse() is sync in the current SDKs; streams come back as AsyncStream
    if prep.raw in ("true", "raw") and hasattr(response, "parse") and hasattr(response, "_parsed_by_type"):
        try:
            parsed = response.parse()
            if inspect.isawaitable(parsed):  # a future SDK: leave it alone
                parsed.close()
                record.finish(LLMResult())
                return response
            if prep.request.is_streaming and prep.endpoint.stream is not None:
                proxy = AsyncTrackedStream(parsed, record, prep.accumulator())
                response._parsed_by_type[response._cast_to] = proxy
                return response
            record.finish(prep.endpoint.parse(parsed))
            return response
        except Exception:
            logger.debug("amplitude-ai: could not read a raw OpenAI response", exc_info=True)
    record.finish(LLMResult())
    return response


def _strip_carrier(kwargs: dict[str, Any]) -> dict[str, Any]:
    options = kwargs.get("options") or {}
    headers = options.get("headers")
    if headers and OPTIONS_HEADER in headers:
        kwargs["options"] = {**options, "headers": {k: v for k, v in headers.items() if k != OPTIONS_HEADER}}
    return kwargs


# ---------------------------------------------------------------------------------------------
# public classes
# ---------------------------------------------------------------------------------------------


class OpenAI(_SyncTracked, _openai.OpenAI):
    """``openai.OpenAI`` whose generating calls are tracked. Extra argument: ``amplitude=``."""


class AsyncOpenAI(_AsyncTracked, _openai.AsyncOpenAI):
    """``openai.AsyncOpenAI`` whose generating calls are tracked. Extra argument: ``amplitude=``."""


class AzureOpenAI(_SyncTracked, _openai.AzureOpenAI):
    """``openai.AzureOpenAI`` whose generating calls are tracked. Extra argument: ``amplitude=``."""

    _amplitude_provider = "azure"


class AsyncAzureOpenAI(_AsyncTracked, _openai.AsyncAzureOpenAI):
    """``openai.AsyncAzureOpenAI`` whose generating calls are tracked. Extra argument: ``amplitude=``."""

    _amplitude_provider = "azure"


# ---------------------------------------------------------------------------------------------
# patch() and wrap() tables
# ---------------------------------------------------------------------------------------------

PATCH_TARGETS: list[PatchTarget] = [
    PatchTarget("openai", "openai", "OpenAI", lambda amp: bound_subclass(OpenAI, amp)),
    PatchTarget("openai", "openai", "AsyncOpenAI", lambda amp: bound_subclass(AsyncOpenAI, amp)),
    PatchTarget("azure_openai", "openai", "AzureOpenAI", lambda amp: bound_subclass(AzureOpenAI, amp)),
    PatchTarget("azure_openai", "openai", "AsyncAzureOpenAI", lambda amp: bound_subclass(AsyncAzureOpenAI, amp)),
]

# most specific first: Azure classes subclass the plain ones
_WRAP_TYPES: list[tuple[type, type]] = [
    (_openai.AsyncAzureOpenAI, AsyncAzureOpenAI),
    (_openai.AzureOpenAI, AzureOpenAI),
    (_openai.AsyncOpenAI, AsyncOpenAI),
    (_openai.OpenAI, OpenAI),
]


def wrap_instance(client: Any, *, amplitude: Any = None, defaults: CallOptions | None = None) -> Any:
    """Our tracked twin of an existing vendor client (same config and HTTP pool), or ``None``."""
    for vendor, ours in _WRAP_TYPES:
        if isinstance(client, vendor):
            tracked = adopt_instance(ours, client)
            provider = ours._amplitude_provider
            tracked.__dict__["_amplitude_tracker"] = Tracker(amplitude, provider=provider, defaults=defaults)
            return tracked
    return None


__all__ = ["AsyncAzureOpenAI", "AsyncOpenAI", "AzureOpenAI", "OpenAI", "PATCH_TARGETS", "wrap_instance"]
