"""Google Gemini (google-genai): the ``Gemini`` facade and a tracked ``google.genai.Client``.

``Gemini(amplitude=, api_key=, model_name=).generate_content(contents, amplitude_user_id=...)``
is the short form. ``Gemini`` is itself a ``genai.Client`` subclass: its
``models.generate_content``, ``generate_content_stream``, ``embed_content`` and the same under
``aio.models`` are tracked, so ``patch_gemini()`` can put it in place of ``genai.Client``.
"""

from __future__ import annotations

from typing import Any

from google import genai as _genai
from google.genai.models import AsyncModels as _AsyncModels
from google.genai.models import Models as _Models

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
    read_field,
    pop_call_options,
    run_async,
    run_sync,
    text_of,
)

PROVIDER = "google"  # the spec's [Agent] Provider value for Gemini


# --------------------------------------------------------------------------- parsing


_get = read_field


def _content_text(content: Any) -> str | None:
    """Text of one ``contents`` element: a string, a Part, a Content, or their dict forms."""
    if content is None or isinstance(content, str):
        return content
    text = _get(content, "text")
    if isinstance(text, str):
        return text
    parts = _get(content, "parts")
    if parts:
        return text_of([p for p in (_content_text(part) for part in parts) if p])
    return None


def last_user_input(contents: Any) -> str | None:
    """The new user input of a ``contents`` argument (None when the last turn is not the user's)."""
    if contents is None or isinstance(contents, str):
        return contents
    if not isinstance(contents, (list, tuple)):
        return _content_text(contents)
    if not contents:
        return None
    if all(isinstance(item, str) for item in contents):
        return "\n".join(contents)  # a list of strings is one user turn
    last = contents[-1]
    if isinstance(last, str):
        return last
    if _get(last, "role") not in (None, "user"):
        return None
    parts = _get(last, "parts") or []
    if parts and all(_get(p, "function_response") is not None for p in parts):
        return None  # a function result is not user input
    return _content_text(last)


def _strip_model(model: Any) -> str | None:
    if not model:
        return None
    text = str(model)
    return text.split("/", 1)[1] if text.startswith("models/") else text


def _schema(schema: Any) -> Any:
    if schema is None or isinstance(schema, dict):
        return schema
    dump = getattr(schema, "model_dump", None)
    return dump(exclude_none=True, mode="json") if dump else str(schema)


def request(model: Any, contents: Any, config: Any, *, is_streaming: bool = False, kind: str = "chat") -> LLMRequest:
    tools = []
    for tool in _get(config, "tools") or []:
        if callable(tool) and not isinstance(tool, type):  # automatic function calling: a Python function
            doc = (getattr(tool, "__doc__", None) or "").strip()
            tools.append({"name": getattr(tool, "__name__", None), "description": doc or None, "parameters": None})
            continue
        for decl in _get(tool, "function_declarations") or []:
            tools.append(
                {
                    "name": _get(decl, "name"),
                    "description": _get(decl, "description"),
                    "parameters": _schema(_get(decl, "parameters")),
                }
            )
    if kind == "embedding":
        return LLMRequest(model=_strip_model(model), kind="embedding")
    return LLMRequest(
        model=_strip_model(model),
        user_input=last_user_input(contents),
        system_prompt=_content_text(_get(config, "system_instruction")),
        tool_definitions=tools or None,
        temperature=as_float(_get(config, "temperature")),
        top_p=as_float(_get(config, "top_p")),
        max_output_tokens=as_int(_get(config, "max_output_tokens")),
        is_streaming=is_streaming,
    )


def _sum(*values: Any) -> int | None:
    present = [int(v) for v in values if v is not None]
    return sum(present) if present else None


class ResponseAccumulator(StreamAccumulator):
    """Folds ``GenerateContentResponse`` chunks into an ``LLMResult`` (a whole reply is one chunk)."""

    read_later = True

    def __init__(self) -> None:
        self.model: str | None = None
        self.texts: list[str] = []
        self.thoughts: list[str] = []
        self.tool_calls: list[dict[str, Any]] = []
        self.finish_reason: str | None = None
        self.usage: Any = None

    def add(self, chunk: Any) -> bool:
        self.model = _get(chunk, "model_version") or self.model
        if _get(chunk, "usage_metadata") is not None:
            self.usage = _get(chunk, "usage_metadata")  # cumulative: the last one wins
        candidates = _get(chunk, "candidates") or []
        if not candidates:
            return True
        candidate = candidates[0]
        reason = _get(candidate, "finish_reason")
        if reason is not None:
            self.finish_reason = str(getattr(reason, "value", reason))
        for part in _get(_get(candidate, "content"), "parts") or []:
            call = _get(part, "function_call")
            if call is not None:
                self.tool_calls.append(
                    {
                        "id": _get(call, "id"),
                        "type": "function",
                        "function": {"name": _get(call, "name"), "arguments": _get(call, "args")},
                    }
                )
                continue
            text = _get(part, "text")
            if text:
                (self.thoughts if _get(part, "thought") else self.texts).append(text)
        return True

    def result(self) -> LLMResult:
        usage = self.usage
        return LLMResult(
            model=_strip_model(self.model),
            output_text="".join(self.texts),
            reasoning_content="".join(self.thoughts) or None,
            tool_calls=self.tool_calls or None,
            finish_reason=self.finish_reason,
            input_tokens=as_int(_get(usage, "prompt_token_count")),
            # as Google reports them: thinking beside the answer tokens (core/cost.py adds them
            # for pricing, since Google bills thinking as output)
            output_tokens=as_int(_get(usage, "candidates_token_count")),
            reasoning_tokens=as_int(_get(usage, "thoughts_token_count")),
            cache_read_tokens=as_int(_get(usage, "cached_content_token_count")),
            total_tokens=as_int(_get(usage, "total_token_count")),
        )


def result(response: Any) -> LLMResult:
    acc = ResponseAccumulator()
    acc.add(response)
    return acc.result()


def embedding_result(response: Any) -> LLMResult:
    embeddings = _get(response, "embeddings") or []
    counts = [_get(_get(e, "statistics"), "token_count") for e in embeddings]
    values = _get(embeddings[0], "values") if embeddings else None
    return LLMResult(
        input_tokens=_sum(*counts),
        embedding_dimensions=len(values) if values is not None else None,
    )


# --------------------------------------------------------------------------- wrappers


class TrackedModels(_Models):
    """``client.models`` with ``generate_content``, ``generate_content_stream``, ``embed_content`` tracked."""

    _amplitude_tracker: Tracker | None = None

    def generate_content(self, *args: Any, **kwargs: Any) -> Any:
        options = pop_call_options(kwargs)
        tracker = self._amplitude_tracker
        if tracker is None:
            return super().generate_content(*args, **kwargs)
        req = _safe_request(kwargs, streaming=False)
        _propagate(tracker, kwargs)
        return run_sync(tracker, req, options, lambda: super(TrackedModels, self).generate_content(*args, **kwargs), parse_response=result)

    def generate_content_stream(self, *args: Any, **kwargs: Any) -> Any:
        options = pop_call_options(kwargs)
        tracker = self._amplitude_tracker
        if tracker is None:
            return super().generate_content_stream(*args, **kwargs)
        req = _safe_request(kwargs, streaming=True)
        _propagate(tracker, kwargs)
        return run_sync(
            tracker,
            req,
            options,
            lambda: super(TrackedModels, self).generate_content_stream(*args, **kwargs),
            parse_response=result,
            stream_accumulator=ResponseAccumulator,
        )

    def embed_content(self, *args: Any, **kwargs: Any) -> Any:
        options = pop_call_options(kwargs)
        tracker = self._amplitude_tracker
        if tracker is None:
            return super().embed_content(*args, **kwargs)
        req = _safe_request(kwargs, streaming=False, kind="embedding")
        return run_sync(tracker, req, options, lambda: super(TrackedModels, self).embed_content(*args, **kwargs), parse_response=embedding_result)


class AsyncTrackedModels(_AsyncModels):
    """``client.aio.models``, tracked like :class:`TrackedModels`."""

    _amplitude_tracker: Tracker | None = None

    async def generate_content(self, *args: Any, **kwargs: Any) -> Any:
        options = pop_call_options(kwargs)
        tracker = self._amplitude_tracker
        if tracker is None:
            return await super().generate_content(*args, **kwargs)
        req = _safe_request(kwargs, streaming=False)
        _propagate(tracker, kwargs)
        return await run_async(tracker, req, options, lambda: super(AsyncTrackedModels, self).generate_content(*args, **kwargs), parse_response=result)

    async def generate_content_stream(self, *args: Any, **kwargs: Any) -> Any:
        options = pop_call_options(kwargs)
        tracker = self._amplitude_tracker
        if tracker is None:
            return await super().generate_content_stream(*args, **kwargs)
        req = _safe_request(kwargs, streaming=True)
        _propagate(tracker, kwargs)
        return await run_async(
            tracker,
            req,
            options,
            lambda: super(AsyncTrackedModels, self).generate_content_stream(*args, **kwargs),
            parse_response=result,
            stream_accumulator=ResponseAccumulator,
        )

    async def embed_content(self, *args: Any, **kwargs: Any) -> Any:
        options = pop_call_options(kwargs)
        tracker = self._amplitude_tracker
        if tracker is None:
            return await super().embed_content(*args, **kwargs)
        req = _safe_request(kwargs, streaming=False, kind="embedding")
        return await run_async(tracker, req, options, lambda: super(AsyncTrackedModels, self).embed_content(*args, **kwargs), parse_response=embedding_result)


def _propagate(tracker: Tracker, kwargs: dict[str, Any]) -> None:
    """Add trace headers (``AIConfig(propagate_context=True)``) through ``config.http_options``;
    the caller's config object is copied, never changed."""
    headers = tracker.propagation_headers()
    if not headers:
        return
    config = kwargs.get("config")
    if config is None or isinstance(config, dict):
        config = dict(config or {})
        options = config.get("http_options") or {}
        if not isinstance(options, dict):
            options = options.model_dump(exclude_none=True)
        config["http_options"] = {**options, "headers": {**headers, **(options.get("headers") or {})}}
    else:
        from google.genai import types

        options = config.http_options or types.HttpOptions()
        options = options.model_copy(update={"headers": {**headers, **(options.headers or {})}})
        config = config.model_copy(update={"http_options": options})
    kwargs["config"] = config


def _safe_request(kwargs: dict[str, Any], *, streaming: bool, kind: str = "chat") -> LLMRequest:
    try:
        return request(kwargs.get("model"), kwargs.get("contents"), kwargs.get("config"), is_streaming=streaming, kind=kind)
    except Exception:
        return LLMRequest(model=str(kwargs.get("model")), kind=kind, is_streaming=streaming)


class Gemini(_genai.Client):
    """A ``google.genai.Client`` whose model calls are tracked, plus the short form of the spec.

    ``Gemini(amplitude=amp, api_key=..., model_name="gemini-2.0-flash").generate_content("...")``
    calls ``models.generate_content`` with ``model_name``; every ``genai.Client`` use
    (``client.models...``, ``client.aio.models...``) works and is tracked as well.
    """

    _amplitude_default: Any = None

    def __init__(self, *args: Any, amplitude: Any = None, model_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.model_name = model_name
        self._amp_install(Tracker(amplitude if amplitude is not None else type(self)._amplitude_default, provider=PROVIDER, patched=is_patched(self)))

    def _amp_install(self, tracker: Tracker) -> None:
        """Put tracked ``models`` and ``aio.models`` on this client (its own ``aio``, never a shared one)."""
        from google.genai.client import AsyncClient

        self._amplitude_tracker = tracker
        models = TrackedModels(self._api_client)
        models._amplitude_tracker = tracker
        self._models = models
        aio = AsyncClient(self._api_client)
        aio_models = AsyncTrackedModels(self._api_client)
        aio_models._amplitude_tracker = tracker
        aio._models = aio_models
        self._aio = aio

    def __del__(self) -> None:
        if "_amp_original" in self.__dict__:
            return  # a wrap() twin: the API client belongs to the original
        super().__del__()

    def _model(self, model: str | None) -> str:
        chosen = model or self.model_name
        if not chosen:
            raise TypeError("Gemini.generate_content() needs model=... or Gemini(model_name=...)")
        return chosen

    def generate_content(self, contents: Any, *, model: str | None = None, config: Any = None, **kwargs: Any) -> Any:
        """``models.generate_content`` with the client's ``model_name`` (kwargs: ``amplitude_*``)."""
        return self.models.generate_content(model=self._model(model), contents=contents, config=config, **kwargs)

    def generate_content_stream(self, contents: Any, *, model: str | None = None, config: Any = None, **kwargs: Any) -> Any:
        return self.models.generate_content_stream(model=self._model(model), contents=contents, config=config, **kwargs)

    async def generate_content_async(self, contents: Any, *, model: str | None = None, config: Any = None, **kwargs: Any) -> Any:
        return await self.aio.models.generate_content(model=self._model(model), contents=contents, config=config, **kwargs)

    def embed_content(self, contents: Any, *, model: str | None = None, config: Any = None, **kwargs: Any) -> Any:
        return self.models.embed_content(model=self._model(model), contents=contents, config=config, **kwargs)


PATCH_TARGETS = [
    PatchTarget("gemini", "google.genai", "Client", lambda amp: bound_subclass(Gemini, amp), also_in=("google.genai.client",)),
]



def wrap_instance(client: Any, *, amplitude: Any = None, defaults: CallOptions | None = None) -> Any:
    """A tracked ``Gemini`` sharing an existing ``genai.Client``'s API client, or ``None``."""
    if not isinstance(client, _genai.Client):
        return None
    tracked = adopt_instance(Gemini, client)
    tracked.__dict__.setdefault("model_name", None)
    # the original owns the shared API client: keep it alive (its __del__ closes that client)
    # and never close it from the twin
    tracked.__dict__["_amp_original"] = client
    tracked._amp_install(Tracker(amplitude, provider=PROVIDER, defaults=defaults))
    return tracked


__all__ = ["Gemini", "PATCH_TARGETS", "wrap_instance"]
