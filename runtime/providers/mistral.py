"""Mistral: ``Mistral``, a tracked subclass of the SDK client (mistralai 3.x ``mistralai.client``
or 1.x ``mistralai``, whichever is installed).

Tracked: ``chat.complete`` / ``complete_async``, ``chat.stream`` / ``stream_async`` and
``embeddings.create`` / ``create_async``.
"""

from __future__ import annotations

from typing import Any

try:  # mistralai 3.x
    from mistralai.client import Mistral as _VendorMistral
except ImportError:  # mistralai 1.x
    from mistralai import Mistral as _VendorMistral  # type: ignore[no-redef]

from ._anthropic_format import given, tool_call
from ._base import (
    CallOptions,
    LLMRequest,
    LLMResult,
    PatchTarget,
    StreamAccumulator,
    Tracker,
    adopt_instance,
    as_float,
    as_int,
    bound_subclass,
    is_patched,
    first_text_with_role,
    last_user_text,
    pop_call_options,
    run_async,
    run_sync,
)

PROVIDER = "mistral"


# --------------------------------------------------------------------------- parsing


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    value = obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)
    return default if given(value) is None else value


def _content_parts(content: Any) -> tuple[str, str]:
    """(text, thinking) of a message content: a string or a list of typed chunks."""
    if content is None:
        return "", ""
    if isinstance(content, str):
        return content, ""
    texts: list[str] = []
    thoughts: list[str] = []
    for chunk in content if isinstance(content, (list, tuple)) else [content]:
        kind = _get(chunk, "type")
        if kind == "thinking":
            thoughts += [t for t in (_get(inner, "text") for inner in _get(chunk, "thinking") or []) if t]
        elif kind in (None, "text") and isinstance(_get(chunk, "text"), str):
            texts.append(_get(chunk, "text"))
    return "".join(texts), "".join(thoughts)


def request(kwargs: dict[str, Any], *, is_streaming: bool) -> LLMRequest:
    messages = given(kwargs.get("messages"))
    tools = []
    for tool in given(kwargs.get("tools")) or []:
        function = _get(tool, "function")
        if function is not None:
            tools.append(
                {
                    "name": _get(function, "name"),
                    "description": _get(function, "description"),
                    "parameters": _get(function, "parameters"),
                }
            )
    return LLMRequest(
        model=given(kwargs.get("model")),
        user_input=last_user_text(messages),
        system_prompt=first_text_with_role(messages, ("system",)),
        tool_definitions=tools or None,
        temperature=as_float(given(kwargs.get("temperature"))),
        top_p=as_float(given(kwargs.get("top_p"))),
        max_output_tokens=as_int(given(kwargs.get("max_tokens"))),
        is_streaming=is_streaming,
    )


def _enum(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def result(response: Any) -> LLMResult:
    choices = _get(response, "choices") or []
    message = _get(choices[0], "message") if choices else None
    text, thinking = _content_parts(_get(message, "content"))
    calls = [
        tool_call(_get(c, "id"), _get(_get(c, "function"), "name"), _get(_get(c, "function"), "arguments"))
        for c in _get(message, "tool_calls") or []
    ]
    usage = _get(response, "usage")
    return LLMResult(
        model=_get(response, "model"),
        output_text=text,
        reasoning_content=_get(message, "reasoning_content") or thinking or None,
        tool_calls=calls or None,
        finish_reason=_enum(_get(choices[0], "finish_reason")) if choices else None,
        input_tokens=as_int(_get(usage, "prompt_tokens")),
        output_tokens=as_int(_get(usage, "completion_tokens")),
        total_tokens=as_int(_get(usage, "total_tokens")),
    )


class ChunkAccumulator(StreamAccumulator):
    """Folds ``CompletionEvent`` s (``event.data`` is a ``CompletionChunk``) into an ``LLMResult``."""

    read_later = True

    def __init__(self) -> None:
        self.model: str | None = None
        self.texts: list[str] = []
        self.thoughts: list[str] = []
        self.tools: dict[int, dict[str, Any]] = {}
        self.finish_reason: str | None = None
        self.usage: Any = None

    def add(self, event: Any) -> bool:
        chunk = _get(event, "data", event)
        self.model = _get(chunk, "model") or self.model
        if _get(chunk, "usage") is not None:
            self.usage = _get(chunk, "usage")
        for choice in (_get(chunk, "choices") or [])[:1]:
            delta = _get(choice, "delta")
            text, thinking = _content_parts(_get(delta, "content"))
            if text:
                self.texts.append(text)
            if thinking:
                self.thoughts.append(thinking)
            for position, call in enumerate(_get(delta, "tool_calls") or []):
                index = _get(call, "index")
                slot = self.tools.setdefault(position if index is None else index, {"id": None, "name": None, "arguments": ""})
                slot["id"] = _get(call, "id") or slot["id"]
                function = _get(call, "function")
                slot["name"] = _get(function, "name") or slot["name"]
                arguments = _get(function, "arguments")
                if isinstance(arguments, str):
                    slot["arguments"] += arguments
                elif arguments is not None:
                    slot["arguments"] = arguments
            reason = _enum(_get(choice, "finish_reason"))
            if reason:
                self.finish_reason = reason
        return True

    def result(self) -> LLMResult:
        calls = [tool_call(s["id"], s["name"], s["arguments"]) for _, s in sorted(self.tools.items())]
        return LLMResult(
            model=self.model,
            output_text="".join(self.texts),
            reasoning_content="".join(self.thoughts) or None,
            tool_calls=calls or None,
            finish_reason=self.finish_reason,
            input_tokens=as_int(_get(self.usage, "prompt_tokens")),
            output_tokens=as_int(_get(self.usage, "completion_tokens")),
            total_tokens=as_int(_get(self.usage, "total_tokens")),
        )


def embedding_result(response: Any) -> LLMResult:
    data = _get(response, "data") or []
    first = _get(data[0], "embedding") if data else None
    return LLMResult(
        model=_get(response, "model"),
        input_tokens=as_int(_get(_get(response, "usage"), "prompt_tokens")),
        embedding_dimensions=len(first) if first is not None else None,
    )


# --------------------------------------------------------------------------- wrappers
# The SDK builds ``chat`` / ``embeddings`` lazily (3.x) or in __init__ (1.x); either way the
# instance it built is moved onto a subclass of its own class that adds tracking.


def _embedding_request(kwargs: dict[str, Any]) -> LLMRequest:
    return LLMRequest(model=given(kwargs.get("model")), kind="embedding")


def _propagate(tracker: Tracker, kwargs: dict[str, Any]) -> None:
    """Add trace headers (``AIConfig(propagate_context=True)``) via the SDK's ``http_headers``."""
    headers = tracker.propagation_headers()
    if headers:
        kwargs["http_headers"] = {**headers, **(kwargs.get("http_headers") or {})}


class _TrackedChat:
    _amplitude_tracker: Tracker

    def complete(self, *args: Any, **kwargs: Any) -> Any:
        options = pop_call_options(kwargs)
        req = _request_or_minimal(kwargs, streaming=False)
        _propagate(self._amplitude_tracker, kwargs)
        return run_sync(self._amplitude_tracker, req, options, lambda: super(_TrackedChat, self).complete(*args, **kwargs), parse_response=result)

    def stream(self, *args: Any, **kwargs: Any) -> Any:
        options = pop_call_options(kwargs)
        req = _request_or_minimal(kwargs, streaming=True)
        _propagate(self._amplitude_tracker, kwargs)
        return run_sync(
            self._amplitude_tracker,
            req,
            options,
            lambda: super(_TrackedChat, self).stream(*args, **kwargs),
            parse_response=result,
            stream_accumulator=ChunkAccumulator,
        )

    async def complete_async(self, *args: Any, **kwargs: Any) -> Any:
        options = pop_call_options(kwargs)
        req = _request_or_minimal(kwargs, streaming=False)
        _propagate(self._amplitude_tracker, kwargs)
        return await run_async(
            self._amplitude_tracker, req, options, lambda: super(_TrackedChat, self).complete_async(*args, **kwargs), parse_response=result
        )

    async def stream_async(self, *args: Any, **kwargs: Any) -> Any:
        options = pop_call_options(kwargs)
        req = _request_or_minimal(kwargs, streaming=True)
        _propagate(self._amplitude_tracker, kwargs)
        return await run_async(
            self._amplitude_tracker,
            req,
            options,
            lambda: super(_TrackedChat, self).stream_async(*args, **kwargs),
            parse_response=result,
            stream_accumulator=ChunkAccumulator,
        )


class _TrackedEmbeddings:
    _amplitude_tracker: Tracker

    def create(self, *args: Any, **kwargs: Any) -> Any:
        options = pop_call_options(kwargs)
        return run_sync(
            self._amplitude_tracker,
            _embedding_request(kwargs),
            options,
            lambda: super(_TrackedEmbeddings, self).create(*args, **kwargs),
            parse_response=embedding_result,
        )

    async def create_async(self, *args: Any, **kwargs: Any) -> Any:
        options = pop_call_options(kwargs)
        return await run_async(
            self._amplitude_tracker,
            _embedding_request(kwargs),
            options,
            lambda: super(_TrackedEmbeddings, self).create_async(*args, **kwargs),
            parse_response=embedding_result,
        )


def _request_or_minimal(kwargs: dict[str, Any], *, streaming: bool) -> LLMRequest:
    try:
        return request(kwargs, is_streaming=streaming)
    except Exception:
        return LLMRequest(model=str(kwargs.get("model")), is_streaming=streaming)


_MIXINS = {"chat": _TrackedChat, "embeddings": _TrackedEmbeddings}
_tracked_classes: dict[tuple[type, type], type] = {}


def _track_instance(obj: Any, mixin: type, tracker: Tracker) -> Any:
    cls = type(obj)
    if not isinstance(obj, mixin):
        tracked = _tracked_classes.get((mixin, cls))
        if tracked is None:
            tracked = type(cls.__name__, (mixin, cls), {"__module__": cls.__module__, "__qualname__": cls.__qualname__})
            _tracked_classes[(mixin, cls)] = tracked
        obj.__class__ = tracked
    obj._amplitude_tracker = tracker
    return obj


class Mistral(_VendorMistral):
    """``Mistral`` (the installed mistralai's client) that records chat and embedding calls."""

    _amplitude_default: Any = None

    def __init__(self, *args: Any, amplitude: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._amplitude_tracker = Tracker(
            amplitude if amplitude is not None else type(self)._amplitude_default, provider=PROVIDER, patched=is_patched(self)
        )
        for name, mixin in _MIXINS.items():  # 1.x builds its sub-SDKs eagerly
            if name in self.__dict__:
                _track_instance(self.__dict__[name], mixin, self._amplitude_tracker)

    def __getattr__(self, name: str) -> Any:  # 3.x builds them on first access
        value = super().__getattr__(name)
        mixin = _MIXINS.get(name)
        if mixin is not None and "_amplitude_tracker" in self.__dict__:
            _track_instance(value, mixin, self.__dict__["_amplitude_tracker"])
        return value


PATCH_TARGETS = [
    PatchTarget(
        "mistral",
        _VendorMistral.__module__.rsplit(".sdk", 1)[0] if _VendorMistral.__module__.endswith(".sdk") else "mistralai",
        "Mistral",
        lambda amp: bound_subclass(Mistral, amp),
        also_in=("mistralai", "mistralai.client", "mistralai.sdk", "mistralai.client.sdk"),
    ),
]



def wrap_instance(client: Any, *, amplitude: Any = None, defaults: CallOptions | None = None) -> Any:
    """A tracked ``Mistral`` sharing an existing client's configuration, or ``None``."""
    if not isinstance(client, _VendorMistral):
        return None
    tracked = adopt_instance(Mistral, client)
    for name in _MIXINS:  # sub-SDKs built for the original stay the original's
        tracked.__dict__.pop(name, None)
    # the original's finalizer closes the shared HTTP clients: keep it alive as long as the twin
    tracked.__dict__["_amp_original"] = client
    tracked.__dict__["_amplitude_tracker"] = Tracker(amplitude, provider=PROVIDER, defaults=defaults)
    return tracked


__all__ = ["Mistral", "PATCH_TARGETS", "wrap_instance"]
