"""AWS Bedrock: ``Bedrock(amplitude=, region_name=...)`` is a real boto3 ``bedrock-runtime`` client.

boto3 builds client classes at runtime, so ``Bedrock`` cannot subclass one statically. Instead
``Bedrock(...)`` creates the boto3 client and moves it onto a subclass of its own class that
also derives from ``Bedrock``: ``isinstance(client, Bedrock)`` and botocore's own checks both
hold, and every untracked operation is the SDK's. Tracked: ``converse``, ``converse_stream``,
``invoke_model``, ``invoke_model_with_response_stream``.
"""

from __future__ import annotations

import io
import json
from typing import Any

from . import _anthropic_format as anthropic_format
from ._base import (
    CallOptions,
    LLMRequest,
    LLMResult,
    StreamAccumulator,
    Tracker,
    TrackedStream,
    as_float,
    as_int,
    last_user_text,
    logger,
    pop_call_options,
    run_sync,
    text_of,
)

PROVIDER = "bedrock"


# --------------------------------------------------------------------------- parsing (Converse)


def _get(obj: Any, name: str, default: Any = None) -> Any:
    return obj.get(name, default) if isinstance(obj, dict) else default


def converse_request(kwargs: dict[str, Any], *, is_streaming: bool) -> LLMRequest:
    config = kwargs.get("inferenceConfig") or {}
    tools = []
    for tool in _get(kwargs.get("toolConfig"), "tools") or []:
        spec = _get(tool, "toolSpec")
        if spec:
            tools.append(
                {
                    "name": spec.get("name"),
                    "description": spec.get("description"),
                    "parameters": _get(spec.get("inputSchema"), "json"),
                }
            )
    return LLMRequest(
        model=kwargs.get("modelId"),
        user_input=last_user_text(kwargs.get("messages")),
        system_prompt=text_of(kwargs.get("system")),
        tool_definitions=tools or None,
        temperature=as_float(config.get("temperature")),
        top_p=as_float(config.get("topP")),
        max_output_tokens=as_int(config.get("maxTokens")),
        is_streaming=is_streaming,
    )


def _usage(usage: Any) -> dict[str, Any]:
    return {
        "input_tokens": as_int(_get(usage, "inputTokens")),
        "output_tokens": as_int(_get(usage, "outputTokens")),
        "total_tokens": as_int(_get(usage, "totalTokens")),
        "cache_read_tokens": as_int(_get(usage, "cacheReadInputTokens")),
        "cache_creation_tokens": as_int(_get(usage, "cacheWriteInputTokens")),
    }


def converse_result(response: Any) -> LLMResult:
    texts: list[str] = []
    reasoning: list[str] = []
    tool_calls: list[dict[str, Any]] = []
    for block in _get(_get(_get(response, "output"), "message"), "content") or []:
        if "text" in block:
            texts.append(block["text"])
        elif "toolUse" in block:
            use = block["toolUse"]
            tool_calls.append(anthropic_format.tool_call(use.get("toolUseId"), use.get("name"), use.get("input")))
        elif "reasoningContent" in block:
            text = _get(_get(block["reasoningContent"], "reasoningText"), "text")
            if text:
                reasoning.append(text)
    return LLMResult(
        output_text="".join(texts),
        reasoning_content="\n".join(reasoning) or None,
        tool_calls=tool_calls or None,
        finish_reason=_get(response, "stopReason"),
        **_usage(_get(response, "usage")),
    )


class ConverseStreamAccumulator(StreamAccumulator):
    """Folds ``converse_stream`` events (dicts keyed by event name) into an ``LLMResult``."""

    read_later = True

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.reasoning: list[str] = []
        self.tools: dict[int, dict[str, Any]] = {}
        self.finish_reason: str | None = None
        self.usage: Any = None

    def add(self, event: Any) -> bool:
        if not isinstance(event, dict):
            return True
        if "contentBlockDelta" in event:
            body = event["contentBlockDelta"]
            delta = body.get("delta") or {}
            if "text" in delta:
                self.texts.append(delta["text"])
            elif "toolUse" in delta:
                slot = self.tools.setdefault(body.get("contentBlockIndex", 0), {"id": None, "name": None, "input": ""})
                slot["input"] += delta["toolUse"].get("input") or ""
            elif "reasoningContent" in delta:
                text = delta["reasoningContent"].get("text")
                if text:
                    self.reasoning.append(text)
        elif "contentBlockStart" in event:
            start = event["contentBlockStart"]
            use = _get(start.get("start"), "toolUse")
            if use:
                slot = self.tools.setdefault(start.get("contentBlockIndex", len(self.tools)), {"input": ""})
                slot.update(id=use.get("toolUseId"), name=use.get("name"))
        elif "messageStop" in event:
            self.finish_reason = event["messageStop"].get("stopReason")
        elif "metadata" in event:
            self.usage = event["metadata"].get("usage")
        return True

    def result(self) -> LLMResult:
        calls = [anthropic_format.tool_call(s.get("id"), s.get("name"), s["input"]) for _, s in sorted(self.tools.items())]
        return LLMResult(
            output_text="".join(self.texts),
            reasoning_content="".join(self.reasoning) or None,
            tool_calls=calls or None,
            finish_reason=self.finish_reason,
            **_usage(self.usage),
        )


# --------------------------------------------------------------------------- parsing (InvokeModel)
# invoke_model bodies are the model family's own JSON: Anthropic Messages, Titan, Llama, ...


def _json(body: Any) -> Any:
    if isinstance(body, (bytes, bytearray)):
        body = bytes(body).decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            return json.loads(body)
        except ValueError:
            return None
    return body if isinstance(body, dict) else None


def invoke_request(model_id: Any, body: Any, *, is_streaming: bool) -> LLMRequest:
    data = _json(body)
    if not isinstance(data, dict):
        return LLMRequest(model=model_id, is_streaming=is_streaming)
    if "messages" in data and ("max_tokens" in data or "anthropic_version" in data):
        req = anthropic_format.request(data, is_streaming=is_streaming)
        req.model = model_id
        return req
    if "inputText" in data and "textGenerationConfig" not in data and "embedding" in str(model_id):
        return LLMRequest(model=model_id, kind="embedding")
    if isinstance(data.get("messages"), list):  # Nova and other converse-shaped bodies
        req = converse_request({**data, "modelId": model_id}, is_streaming=is_streaming)
        return req
    config = data.get("textGenerationConfig") or {}
    prompt = data.get("prompt") if isinstance(data.get("prompt"), str) else data.get("inputText")
    return LLMRequest(
        model=model_id,
        user_input=prompt if isinstance(prompt, str) else None,
        temperature=as_float(data.get("temperature", config.get("temperature"))),
        top_p=as_float(data.get("top_p", config.get("topP"))),
        max_output_tokens=as_int(data.get("max_gen_len", data.get("max_tokens", config.get("maxTokenCount")))),
        is_streaming=is_streaming,
    )


def invoke_result(data: Any, headers: dict[str, Any] | None = None) -> LLMResult:
    """A parsed ``invoke_model`` body; Bedrock's token-count headers fill any gaps."""
    res = LLMResult()
    if isinstance(data, dict):
        if data.get("type") == "message" or ("stop_reason" in data and isinstance(data.get("content"), list)):
            res = anthropic_format.result(data)
            res.model = None  # the request's modelId is what Bedrock prices
        elif "results" in data:  # Amazon Titan text
            first = (data.get("results") or [{}])[0]
            res = LLMResult(
                output_text=first.get("outputText"),
                finish_reason=first.get("completionReason"),
                input_tokens=as_int(data.get("inputTextTokenCount")),
                output_tokens=as_int(first.get("tokenCount")),
            )
        elif "generation" in data:  # Meta Llama
            res = LLMResult(
                output_text=data.get("generation"),
                finish_reason=data.get("stop_reason"),
                input_tokens=as_int(data.get("prompt_token_count")),
                output_tokens=as_int(data.get("generation_token_count")),
            )
        elif "outputs" in data:  # Mistral models on Bedrock
            first = (data.get("outputs") or [{}])[0]
            res = LLMResult(output_text=first.get("text"), finish_reason=first.get("stop_reason"))
        elif "output" in data:  # Amazon Nova (converse-shaped)
            res = converse_result(data)
        elif "embedding" in data:  # Titan embeddings
            res = LLMResult(
                input_tokens=as_int(data.get("inputTextTokenCount")),
                embedding_dimensions=len(data.get("embedding") or []),
            )
    for attr, header in (
        ("input_tokens", "x-amzn-bedrock-input-token-count"),
        ("output_tokens", "x-amzn-bedrock-output-token-count"),
    ):
        value = (headers or {}).get(header)
        if getattr(res, attr) is None and value is not None:
            try:
                setattr(res, attr, int(value))
            except (TypeError, ValueError):
                pass
    return res


class InvokeStreamAccumulator(StreamAccumulator):
    """``invoke_model_with_response_stream`` events: ``{"chunk": {"bytes": b"<model JSON>"}}``."""

    read_later = True

    def __init__(self) -> None:
        self.anthropic = anthropic_format.MessageStreamAccumulator()
        self.is_anthropic = False
        self.texts: list[str] = []
        self.finish_reason: str | None = None
        self.metrics: dict[str, Any] = {}
        self.tokens: dict[str, Any] = {}

    def add(self, event: Any) -> bool:
        data = _json(_get(_get(event, "chunk"), "bytes"))
        if not isinstance(data, dict):
            return True
        metrics = data.get("amazon-bedrock-invocationMetrics")
        if isinstance(metrics, dict):
            self.metrics = metrics
        kind = data.get("type")
        if isinstance(kind, str) and kind.startswith(("message_", "content_block_")):
            self.is_anthropic = True
            self.anthropic.add(data)
        elif "outputText" in data:  # Titan
            self.texts.append(data.get("outputText") or "")
            self.finish_reason = data.get("completionReason") or self.finish_reason
            if data.get("inputTextTokenCount") is not None:
                self.tokens["input_tokens"] = data["inputTextTokenCount"]
        elif "generation" in data:  # Llama
            self.texts.append(data.get("generation") or "")
            self.finish_reason = data.get("stop_reason") or self.finish_reason
            if data.get("prompt_token_count") is not None:
                self.tokens["input_tokens"] = data["prompt_token_count"]
            if data.get("generation_token_count") is not None:
                self.tokens["output_tokens"] = data["generation_token_count"]
        return True

    def result(self) -> LLMResult:
        if self.is_anthropic:
            res = self.anthropic.result()
            res.model = None
        else:
            res = LLMResult(
                output_text="".join(self.texts),
                finish_reason=self.finish_reason,
                input_tokens=as_int(self.tokens.get("input_tokens")),
                output_tokens=as_int(self.tokens.get("output_tokens")),
            )
        if as_int(self.metrics.get("inputTokenCount")) is not None:
            res.input_tokens = as_int(self.metrics["inputTokenCount"])
        if as_int(self.metrics.get("outputTokenCount")) is not None:
            res.output_tokens = as_int(self.metrics["outputTokenCount"])
        return res


# --------------------------------------------------------------------------- the client


def _tracker_of(client: Any) -> Tracker:
    return client.__dict__["_amplitude_tracker"]


class Bedrock:
    """A boto3 ``bedrock-runtime`` client whose model calls are tracked.

    ``Bedrock(amplitude=amp, region_name="us-east-1", ...)`` takes boto3's ``client()`` arguments
    (plus ``session=`` for a ``boto3.Session``) and returns the boto3 client itself, moved onto a
    class that derives from both ``Bedrock`` and the client's own class.
    """

    _amplitude_default: Any = None

    def __new__(cls, *args: Any, amplitude: Any = None, session: Any = None, **kwargs: Any) -> Any:
        if session is None:
            import boto3

            session = boto3
        client = session.client("bedrock-runtime", *args, **kwargs)
        return instrument_client(client, amplitude if amplitude is not None else cls._amplitude_default, base=cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Everything happens in ``__new__`` (boto3 builds the client)."""

    def __reduce__(self) -> Any:  # pragma: no cover - boto3 clients are not picklable either
        raise TypeError("Bedrock clients cannot be pickled")

    # -- Converse --------------------------------------------------------------------------
    def converse(self, **kwargs: Any) -> Any:
        options = pop_call_options(kwargs)
        req = _safe(lambda: converse_request(kwargs, is_streaming=False), kwargs.get("modelId"), False)
        return run_sync(
            _tracker_of(self), req, options, lambda: super(Bedrock, self).converse(**kwargs), parse_response=converse_result
        )

    def converse_stream(self, **kwargs: Any) -> Any:
        options = pop_call_options(kwargs)
        req = _safe(lambda: converse_request(kwargs, is_streaming=True), kwargs.get("modelId"), True)
        return _streamed(
            _tracker_of(self), req, options, lambda: super(Bedrock, self).converse_stream(**kwargs), "stream", ConverseStreamAccumulator
        )

    # -- InvokeModel -----------------------------------------------------------------------
    def invoke_model(self, **kwargs: Any) -> Any:
        options = pop_call_options(kwargs)
        req = _safe(lambda: invoke_request(kwargs.get("modelId"), kwargs.get("body"), is_streaming=False), kwargs.get("modelId"), False)
        record = _tracker_of(self).start(req, options)
        try:
            response = super().invoke_model(**kwargs)
        except BaseException as exc:
            record.finish(None, exc)
            raise
        record.finish(_safe_result(lambda: _read_invoke_body(response)))
        return response

    def invoke_model_with_response_stream(self, **kwargs: Any) -> Any:
        options = pop_call_options(kwargs)
        req = _safe(lambda: invoke_request(kwargs.get("modelId"), kwargs.get("body"), is_streaming=True), kwargs.get("modelId"), True)
        return _streamed(
            _tracker_of(self),
            req,
            options,
            lambda: super(Bedrock, self).invoke_model_with_response_stream(**kwargs),
            "body",
            InvokeStreamAccumulator,
        )


def _safe(build: Any, model: Any, streaming: bool) -> LLMRequest:
    try:
        return build()
    except Exception:
        logger.warning("amplitude-ai: failed to read a Bedrock request", exc_info=True)
        return LLMRequest(model=model, is_streaming=streaming)


def _safe_result(build: Any) -> LLMResult | None:
    try:
        return build()
    except Exception:
        logger.warning("amplitude-ai: failed to read a Bedrock response", exc_info=True)
        return None


def _read_invoke_body(response: dict[str, Any]) -> LLMResult | None:
    """Read the body once and put an identical, unread ``StreamingBody`` back for the caller."""
    body = response.get("body")
    if body is None or not hasattr(body, "read"):
        return None
    content_type = str(response.get("contentType") or "application/json")
    if "json" not in content_type:  # images, audio: the caller's bytes, untouched
        headers = (response.get("ResponseMetadata") or {}).get("HTTPHeaders") or {}
        return invoke_result(None, headers)
    data = body.read()
    from botocore.response import StreamingBody

    response["body"] = StreamingBody(io.BytesIO(data), len(data))
    headers = (response.get("ResponseMetadata") or {}).get("HTTPHeaders") or {}
    return invoke_result(_json(data), headers)


def _streamed(tracker: Tracker, req: LLMRequest, options: CallOptions, invoke: Any, key: str, acc_cls: type) -> Any:
    """Call, then replace ``response[key]`` (botocore's ``EventStream``) by a tracked proxy."""
    record = tracker.start(req, options)
    try:
        response = invoke()
    except BaseException as exc:
        record.finish(None, exc)
        raise
    stream = response.get(key) if isinstance(response, dict) else None
    if stream is None:
        record.finish(None)
        return response
    response[key] = TrackedStream(stream, record, acc_cls())
    return response


_tracked_classes: dict[tuple[type, type], type] = {}


def instrument_client(
    client: Any, amplitude: Any = None, *, base: type = Bedrock, defaults: CallOptions | None = None, propagate: bool = True,
    patched: bool = False,
) -> Any:
    """Track a boto3 ``bedrock-runtime`` client in place and return it.

    ``propagate``: add trace headers (when ``AIConfig(propagate_context=True)``) through the
    client's event hooks. ``wrap()`` turns it off: its copy shares the original's event system.
    """
    cls = type(client)
    if not isinstance(client, Bedrock):
        tracked = _tracked_classes.get((base, cls))
        if tracked is None:
            tracked = type(cls.__name__, (base, cls), {"__module__": cls.__module__})
            _tracked_classes[(base, cls)] = tracked
        client.__class__ = tracked
    tracker = Tracker(amplitude, provider=PROVIDER, defaults=defaults, patched=patched)
    client.__dict__["_amplitude_tracker"] = tracker
    if propagate and not client.__dict__.get("_amp_propagation_hooked"):
        client.__dict__["_amp_propagation_hooked"] = True
        client.meta.events.register("before-sign.bedrock-runtime", _add_propagation_headers(client))
    return client


def _add_propagation_headers(client: Any) -> Any:
    """botocore hook: trace headers (``AIConfig(propagate_context=True)``) added before signing."""

    def hook(request: Any = None, **_: Any) -> None:
        try:
            tracker = client.__dict__.get("_amplitude_tracker")
            headers = tracker.propagation_headers() if tracker is not None else None
            for key, value in (headers or {}).items():
                if key not in request.headers:
                    request.headers[key] = value
        except Exception:
            logger.debug("amplitude-ai: could not add propagation headers", exc_info=True)

    return hook


# --------------------------------------------------------------------------- patching
# boto3.client() is a factory, so patch_bedrock() replaces the factories: ``boto3.client`` and
# ``boto3.Session`` (also ``boto3.session.Session``); only "bedrock-runtime" clients are tracked.


def _is_bedrock_runtime(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    service = args[0] if args else kwargs.get("service_name")
    return service == "bedrock-runtime"


def _patched_client_function(amplitude: Any) -> Any:
    import boto3

    original = boto3.client

    def client(*args: Any, **kwargs: Any) -> Any:
        made = original(*args, **kwargs)
        if _is_bedrock_runtime(args, kwargs):
            instrument_client(made, amplitude, patched=True)
        return made

    client.__wrapped__ = original  # type: ignore[attr-defined]
    client.__doc__ = original.__doc__
    return client


def _patched_session_class(amplitude: Any) -> Any:
    import boto3.session

    vendor = boto3.session.Session

    class Session(vendor):  # type: ignore[misc, valid-type]
        def client(self, *args: Any, **kwargs: Any) -> Any:
            made = super().client(*args, **kwargs)
            # sessions made while patched (boto3's default session among them) outlive
            # unpatch(): they track only while this class is still the patched one
            if _is_bedrock_runtime(args, kwargs) and boto3.session.Session is Session:
                instrument_client(made, amplitude, patched=True)
            return made

    Session.__module__ = vendor.__module__
    Session.__qualname__ = vendor.__qualname__
    return Session


def _patch_targets() -> list[Any]:
    from ._base import PatchTarget

    return [
        PatchTarget("bedrock", "boto3", "client", _patched_client_function),
        PatchTarget("bedrock", "boto3.session", "Session", _patched_session_class, also_in=("boto3",)),
    ]


PATCH_TARGETS = _patch_targets()



def wrap_instance(client: Any, *, amplitude: Any = None, defaults: CallOptions | None = None) -> Any:
    """A tracked copy of a boto3 ``bedrock-runtime`` client (the original stays untracked), or ``None``."""
    if getattr(getattr(getattr(client, "meta", None), "service_model", None), "service_name", None) != "bedrock-runtime":
        return None
    twin = object.__new__(type(client))  # copy.copy() recurses in botocore's __getattr__
    twin.__dict__.update(client.__dict__)  # same endpoint, credentials and connection pool
    return instrument_client(twin, amplitude, defaults=defaults, propagate=False)


__all__ = ["Bedrock", "PATCH_TARGETS", "instrument_client", "wrap_instance"]
