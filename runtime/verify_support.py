"""Support for generated verify tests (``amplitude-ai verify-test``): no network, no API keys.

Two context managers, both used by the test ``templates/verify_test.py.j2`` renders:

- :func:`stub_providers` patches the HTTP layer under every provider SDK for its duration —
  ``httpx`` and ``httpx2`` transports (sync and async: OpenAI, Azure OpenAI, Anthropic, Gemini,
  Mistral) and botocore's ``Endpoint._send`` (Bedrock) — and answers each provider endpoint
  with a canned, realistic response (the requested model name echoed back, fixed token counts;
  streaming as server-sent events or AWS event streams). Loopback requests pass through; any
  other host gets an HTTP 503 from the stub, so nothing ever leaves the machine. Every
  provider request is recorded in :attr:`ProviderStub.calls`.
- :func:`capture_events` starts a loopback Amplitude ingestion server (stdlib ``http.server``)
  and points ``AMPLITUDE_AI_API_KEY`` / ``AMPLITUDE_AI_SERVER_URL`` at it, so events travel the
  whole production path (wrappers → event builder → privacy → amplitude-analytics → HTTP).
  :meth:`EventCapture.collect` flushes every live ``AmplitudeAI`` (found through ``gc``) and
  returns the events the server received.

Nothing here is imported by ``import amplitude_ai``; provider SDKs are imported only if the
process already uses them (patching looks at ``sys.modules`` and importable packages).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import gc
import json
import os
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator
from urllib.parse import urlsplit

__all__ = [
    "ProviderCall",
    "ProviderStub",
    "EventCapture",
    "stub_providers",
    "capture_events",
    "FAKE_PROVIDER_ENV",
    "PROMPT_TOKENS",
    "COMPLETION_TOKENS",
]

PROMPT_TOKENS = 21
COMPLETION_TOKENS = 9
REPLY_TEXT = "Stubbed reply from amplitude-ai verify."

# Values the SDKs need at construction time; never real keys (the stub answers every call).
FAKE_PROVIDER_ENV = {
    "OPENAI_API_KEY": "sk-verify-not-a-real-key",
    "AZURE_OPENAI_API_KEY": "verify-not-a-real-key",
    "AZURE_OPENAI_ENDPOINT": "https://verify.openai.azure.com",
    "OPENAI_API_VERSION": "2024-10-21",
    "ANTHROPIC_API_KEY": "sk-ant-verify-not-a-real-key",
    "GOOGLE_API_KEY": "verify-not-a-real-key",
    "GEMINI_API_KEY": "verify-not-a-real-key",
    "MISTRAL_API_KEY": "verify-not-a-real-key",
    "AWS_ACCESS_KEY_ID": "AKIAVERIFYNOTREAL",
    "AWS_SECRET_ACCESS_KEY": "verify-not-a-real-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}

DEFAULT_MODELS = {
    "openai": "gpt-4o-mini",
    "anthropic": "claude-sonnet-4-20250514",
    "gemini": "gemini-2.0-flash",
    "mistral": "mistral-large-latest",
    "bedrock": "anthropic.claude-3-5-sonnet-20240620-v1:0",
}


@dataclass
class ProviderCall:
    """One provider request the stub answered. ``kind``: generation | embedding | other."""

    provider: str
    endpoint: str
    model: str
    kind: str
    streaming: bool
    usage: bool  # the answer carried token counts
    event_provider: str = ""  # the [Agent] Provider value the runtime reports (gemini -> google, Azure -> azure)


@dataclass
class ProviderStub:
    calls: list[ProviderCall] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # non-provider hosts refused
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, call: ProviderCall) -> None:
        with self._lock:
            self.calls.append(call)

    def count(self, kind: str = "generation") -> int:
        with self._lock:
            return sum(1 for c in self.calls if c.kind == kind)


# ------------------------------------------------------------------------------------------
# canned bodies
# ------------------------------------------------------------------------------------------
def _sse(events: list[Any], *, named: bool = False, done: bool = False) -> bytes:
    lines: list[str] = []
    for event in events:
        if named:
            lines.append(f"event: {event['type']}")
        lines.append("data: " + json.dumps(event))
        lines.append("")
    if done:
        lines += ["data: [DONE]", ""]
    return ("\n".join(lines) + "\n").encode()


def _openai_usage() -> dict[str, Any]:
    return {
        "prompt_tokens": PROMPT_TOKENS,
        "completion_tokens": COMPLETION_TOKENS,
        "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS,
    }


def _openai(path: str, body: dict[str, Any], provider: str) -> tuple[bytes, str, ProviderCall]:
    model = str(body.get("model") or DEFAULT_MODELS[provider])
    stream = bool(body.get("stream"))
    if path.endswith("/embeddings"):
        inputs = body.get("input")
        n = len(inputs) if isinstance(inputs, list) else 1
        data = {
            "object": "list",
            "model": model,
            "data": [{"object": "embedding", "index": i, "embedding": [0.01, 0.02, 0.03]} for i in range(n)],
            "usage": {"prompt_tokens": PROMPT_TOKENS, "total_tokens": PROMPT_TOKENS},
        }
        if provider == "mistral":
            data["id"] = "emb-verify"
            data["usage"]["completion_tokens"] = 0
        return json.dumps(data).encode(), "application/json", ProviderCall(provider, "embeddings", model, "embedding", False, True)
    if path.endswith("/responses"):
        return _openai_responses(model, stream)
    if path.endswith("/completions") and not path.endswith("/chat/completions") and provider == "openai":
        data = {
            "id": "cmpl-verify", "object": "text_completion", "created": 1, "model": model,
            "choices": [{"index": 0, "text": REPLY_TEXT, "finish_reason": "stop", "logprobs": None}],
            "usage": _openai_usage(),
        }
        return json.dumps(data).encode(), "application/json", ProviderCall(provider, "completions", model, "generation", False, True)
    endpoint = "fim.completions" if path.endswith("/fim/completions") else "chat.completions"
    if not stream:
        data = {
            "id": "chatcmpl-verify",
            "object": "chat.completion",
            "created": 1,
            "model": model,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": REPLY_TEXT}, "finish_reason": "stop"}
            ],
            "usage": _openai_usage(),
        }
        return json.dumps(data).encode(), "application/json", ProviderCall(provider, endpoint, model, "generation", False, True)
    # streaming: OpenAI sends usage only when asked (stream_options.include_usage); Mistral always does
    with_usage = provider == "mistral" or bool((body.get("stream_options") or {}).get("include_usage"))
    words = REPLY_TEXT.split(" ")
    chunks = []
    for i, word in enumerate(words):
        last = i == len(words) - 1
        chunk: dict[str, Any] = {
            "id": "chatcmpl-verify",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "delta": {"role": "assistant", "content": word + ("" if last else " ")},
                    "finish_reason": "stop" if last else None,
                }
            ],
        }
        if provider == "mistral" and last:
            chunk["usage"] = _openai_usage()
        elif provider == "openai" and with_usage:
            chunk["usage"] = None
        chunks.append(chunk)
    if provider == "openai" and with_usage:
        chunks.append({"id": "chatcmpl-verify", "object": "chat.completion.chunk", "created": 1, "model": model,
                       "choices": [], "usage": _openai_usage()})
    if provider == "mistral":
        return _sse(chunks, done=True), "text/event-stream", ProviderCall(provider, endpoint, model, "generation", True, True)
    return _sse(chunks, done=True), "text/event-stream", ProviderCall(provider, endpoint, model, "generation", True, with_usage)


def _openai_responses(model: str, stream: bool) -> tuple[bytes, str, ProviderCall]:
    response = {
        "id": "resp_verify",
        "object": "response",
        "created_at": 1,
        "status": "completed",
        "model": model,
        "output": [
            {
                "type": "message",
                "id": "msg_verify",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": REPLY_TEXT, "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": PROMPT_TOKENS,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": COMPLETION_TOKENS,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS,
        },
    }
    call = ProviderCall("openai", "responses", model, "generation", stream, True)
    if not stream:
        return json.dumps(response).encode(), "application/json", call
    created = dict(response, status="in_progress", output=[], usage=None)
    events = [
        {"type": "response.created", "sequence_number": 0, "response": created},
        {"type": "response.output_text.delta", "sequence_number": 1, "item_id": "msg_verify", "output_index": 0,
         "content_index": 0, "delta": REPLY_TEXT, "logprobs": []},
        {"type": "response.completed", "sequence_number": 2, "response": response},
    ]
    return _sse(events, named=True), "text/event-stream", call


def _anthropic(body: dict[str, Any]) -> tuple[bytes, str, ProviderCall]:
    model = str(body.get("model") or DEFAULT_MODELS["anthropic"])
    usage = {"input_tokens": PROMPT_TOKENS, "output_tokens": COMPLETION_TOKENS}
    call = ProviderCall("anthropic", "messages", model, "generation", bool(body.get("stream")), True)
    if not body.get("stream"):
        data = {
            "id": "msg_verify", "type": "message", "role": "assistant", "model": model,
            "content": [{"type": "text", "text": REPLY_TEXT}],
            "stop_reason": "end_turn", "stop_sequence": None, "usage": usage,
        }
        return json.dumps(data).encode(), "application/json", call
    events = [
        {"type": "message_start", "message": {
            "id": "msg_verify", "type": "message", "role": "assistant", "model": model, "content": [],
            "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": PROMPT_TOKENS, "output_tokens": 1}}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": REPLY_TEXT}},
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
         "usage": {"output_tokens": COMPLETION_TOKENS}},
        {"type": "message_stop"},
    ]
    return _sse(events, named=True), "text/event-stream", call


def _gemini(path: str) -> tuple[bytes, str, ProviderCall]:
    # /v1beta/models/gemini-2.0-flash:generateContent
    tail = path.rsplit("/", 1)[-1]
    model, _, method = tail.partition(":")
    model = model or DEFAULT_MODELS["gemini"]
    usage = {"promptTokenCount": PROMPT_TOKENS, "candidatesTokenCount": COMPLETION_TOKENS,
             "totalTokenCount": PROMPT_TOKENS + COMPLETION_TOKENS}
    if method in ("embedContent", "batchEmbedContents"):
        data: dict[str, Any] = (
            {"embedding": {"values": [0.01, 0.02, 0.03]}}
            if method == "embedContent"
            else {"embeddings": [{"values": [0.01, 0.02, 0.03]}]}
        )
        return json.dumps(data).encode(), "application/json", ProviderCall("gemini", method, model, "embedding", False, False)
    body = {
        "candidates": [{"content": {"role": "model", "parts": [{"text": REPLY_TEXT}]}, "finishReason": "STOP", "index": 0}],
        "usageMetadata": usage,
        "modelVersion": model,
    }
    if method == "streamGenerateContent":
        return _sse([body]), "text/event-stream", ProviderCall("gemini", method, model, "generation", True, True)
    return json.dumps(body).encode(), "application/json", ProviderCall("gemini", method or "generateContent", model, "generation", False, True)


def _provider_for(host: str, path: str) -> str | None:
    host = host.lower()
    if host.endswith("anthropic.com"):
        return "anthropic"
    if host.endswith("mistral.ai"):
        return "mistral"
    if host.endswith("googleapis.com"):
        return "gemini"
    if host.endswith("openai.com") or host.endswith("openai.azure.com") or host.endswith("azure.com"):
        return "openai"
    return None


def _answer(host: str, path: str, body: bytes) -> tuple[int, bytes, str, ProviderCall | None]:
    provider = _provider_for(host, path)
    if provider is None:
        return 503, b'{"error": "amplitude-ai verify: network disabled in this test"}', "application/json", None
    try:
        payload = json.loads(body or b"{}")
        if not isinstance(payload, dict):
            payload = {}
    except ValueError:
        payload = {}
    if provider == "anthropic":
        if path.endswith("/messages/count_tokens"):
            return 200, json.dumps({"input_tokens": PROMPT_TOKENS}).encode(), "application/json", None
        content, ctype, call = _anthropic(payload)
    elif provider == "gemini":
        content, ctype, call = _gemini(path)
    else:
        content, ctype, call = _openai(path, payload, provider)
    call.event_provider = {"gemini": "google"}.get(provider, provider)
    if provider == "openai" and host.lower().endswith("azure.com"):
        call.event_provider = "azure"
    return 200, content, ctype, call


# ------------------------------------------------------------------------------------------
# httpx / httpx2 transports
# ------------------------------------------------------------------------------------------
def _is_loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1", "testserver") or host.startswith("127.")


def _httpx_modules() -> list[Any]:
    mods = []
    for name in ("httpx", "httpx2"):
        try:
            mods.append(__import__(name))
        except ImportError:
            pass
    return mods


@contextlib.contextmanager
def _patch_httpx(stub: ProviderStub) -> Iterator[None]:
    restore: list[tuple[Any, str, Any]] = []

    for mod in _httpx_modules():
        sync_cls, async_cls = mod.HTTPTransport, mod.AsyncHTTPTransport
        orig_sync, orig_async = sync_cls.handle_request, async_cls.handle_async_request

        def respond(request: Any, body: bytes, _mod: Any = mod) -> Any:
            status, content, ctype, call = _answer(request.url.host, request.url.path, body)
            if call is not None:
                stub.record(call)
            else:
                stub.blocked.append(str(request.url))
            return _mod.Response(status, headers={"content-type": ctype}, content=content, request=request)

        def handle_request(self: Any, request: Any, _orig: Any = orig_sync, _respond: Any = respond) -> Any:
            if _is_loopback(request.url.host):
                return _orig(self, request)
            return _respond(request, request.read())

        async def handle_async_request(self: Any, request: Any, _orig: Any = orig_async, _respond: Any = respond) -> Any:
            if _is_loopback(request.url.host):
                return await _orig(self, request)
            return _respond(request, await request.aread())

        restore += [(sync_cls, "handle_request", orig_sync), (async_cls, "handle_async_request", orig_async)]
        sync_cls.handle_request = handle_request
        async_cls.handle_async_request = handle_async_request
    try:
        yield
    finally:
        for owner, name, original in reversed(restore):
            setattr(owner, name, original)


# ------------------------------------------------------------------------------------------
# botocore (Bedrock)
# ------------------------------------------------------------------------------------------
def _es_header(name: str, value: str) -> bytes:
    raw_name, raw_value = name.encode(), value.encode()
    return struct.pack("!B", len(raw_name)) + raw_name + b"\x07" + struct.pack("!H", len(raw_value)) + raw_value


def _es_event(event_type: str, body: dict[str, Any]) -> bytes:
    """One AWS event-stream message (prelude, headers, payload, CRCs)."""
    headers = b"".join(
        _es_header(k, v)
        for k, v in {":message-type": "event", ":event-type": event_type, ":content-type": "application/json"}.items()
    )
    payload = json.dumps(body).encode()
    prelude = struct.pack("!II", 12 + len(headers) + len(payload) + 4, len(headers))
    prelude += struct.pack("!I", binascii.crc32(prelude) & 0xFFFFFFFF)
    message = prelude + headers + payload
    return message + struct.pack("!I", binascii.crc32(message) & 0xFFFFFFFF)


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._read = False

    def stream(self, **_: Any) -> Iterator[bytes]:
        if not self._read:
            self._read = True
            yield self._data

    def read(self, *_: Any, **__: Any) -> bytes:
        if self._read:
            return b""
        self._read = True
        return self._data

    def close(self) -> None:
        pass

    def release_conn(self) -> None:
        pass


def _bedrock(path: str, body: bytes) -> tuple[bytes, str, ProviderCall]:
    # /model/{modelId}/converse | converse-stream | invoke | invoke-with-response-stream
    from urllib.parse import unquote

    parts = path.strip("/").split("/")
    model = unquote(parts[1]) if len(parts) >= 3 else DEFAULT_MODELS["bedrock"]
    op = parts[-1]
    usage = {"inputTokens": PROMPT_TOKENS, "outputTokens": COMPLETION_TOKENS, "totalTokens": PROMPT_TOKENS + COMPLETION_TOKENS}
    if op == "converse":
        data = {
            "output": {"message": {"role": "assistant", "content": [{"text": REPLY_TEXT}]}},
            "stopReason": "end_turn",
            "usage": usage,
            "metrics": {"latencyMs": 120},
        }
        return json.dumps(data).encode(), "application/json", ProviderCall("bedrock", op, model, "generation", False, True)
    if op == "converse-stream":
        stream = b"".join(
            [
                _es_event("messageStart", {"role": "assistant"}),
                _es_event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": REPLY_TEXT}}),
                _es_event("contentBlockStop", {"contentBlockIndex": 0}),
                _es_event("messageStop", {"stopReason": "end_turn"}),
                _es_event("metadata", {"usage": usage, "metrics": {"latencyMs": 120}}),
            ]
        )
        return stream, "application/vnd.amazon.eventstream", ProviderCall("bedrock", op, model, "generation", True, True)
    # invoke_model: answer in the Anthropic messages shape (the most common Bedrock model family)
    message = {
        "id": "msg_verify", "type": "message", "role": "assistant", "model": model,
        "content": [{"type": "text", "text": REPLY_TEXT}], "stop_reason": "end_turn",
        "usage": {"input_tokens": PROMPT_TOKENS, "output_tokens": COMPLETION_TOKENS},
    }
    if op == "invoke-with-response-stream":
        events = [
            {"type": "message_start", "message": dict(message, content=[], usage={"input_tokens": PROMPT_TOKENS, "output_tokens": 0})},
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": REPLY_TEXT}},
            {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": COMPLETION_TOKENS}},
            {"type": "message_stop", "amazon-bedrock-invocationMetrics": {"inputTokenCount": PROMPT_TOKENS, "outputTokenCount": COMPLETION_TOKENS}},
        ]
        stream = b"".join(_es_event("chunk", {"bytes": base64.b64encode(json.dumps(e).encode()).decode()}) for e in events)
        return stream, "application/vnd.amazon.eventstream", ProviderCall("bedrock", op, model, "generation", True, True)
    return json.dumps(message).encode(), "application/json", ProviderCall("bedrock", op, model, "generation", False, True)


@contextlib.contextmanager
def _patch_botocore(stub: ProviderStub) -> Iterator[None]:
    try:
        from botocore import endpoint as _endpoint
        from botocore.awsrequest import AWSResponse
    except ImportError:
        yield
        return
    original = _endpoint.Endpoint._send

    def _send(self: Any, request: Any) -> Any:
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        if _is_loopback(host):
            return original(self, request)
        if "bedrock" not in host:
            stub.blocked.append(request.url)
            return AWSResponse(request.url, 503, {"content-type": "application/json"}, _Raw(b'{"message": "network disabled"}'))
        body = request.body if isinstance(request.body, bytes) else (request.body or b"")
        content, ctype, call = _bedrock(parts.path, body)
        call.event_provider = "bedrock"
        stub.record(call)
        headers = {"content-type": ctype, "x-amzn-requestid": "verify-request"}
        if ctype == "application/json":
            headers["content-length"] = str(len(content))
        return AWSResponse(request.url, 200, headers, _Raw(content))

    _endpoint.Endpoint._send = _send
    try:
        yield
    finally:
        _endpoint.Endpoint._send = original


@contextlib.contextmanager
def stub_providers(set_fake_keys: bool = True) -> Iterator[ProviderStub]:
    """Answer every provider SDK request in-process for the duration of the block."""
    stub = ProviderStub()
    saved = {k: os.environ.get(k) for k in FAKE_PROVIDER_ENV}
    if set_fake_keys:
        os.environ.update(FAKE_PROVIDER_ENV)
    try:
        with _patch_httpx(stub), _patch_botocore(stub):
            yield stub
    finally:
        if set_fake_keys:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


# ------------------------------------------------------------------------------------------
# event capture: a loopback Amplitude ingestion server
# ------------------------------------------------------------------------------------------
class EventCapture:
    """A loopback server speaking Amplitude's HTTP V2 API; records every event it receives."""

    def __init__(self) -> None:
        self._events: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        capture = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    events = json.loads(raw or b"{}").get("events", [])
                except (ValueError, AttributeError):
                    events = []
                with capture._lock:
                    capture._events.extend(e for e in events if isinstance(e, dict))
                reply = json.dumps({"code": 200, "events_ingested": len(events), "payload_size_bytes": len(raw),
                                    "server_upload_time": int(time.time() * 1000)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="amplitude-ai-verify-ingest", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/2/httpapi"

    def start(self) -> "EventCapture":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @staticmethod
    def flush_all(timeout: float = 10.0) -> int:
        """Flush every live ``AmplitudeAI`` and wait for the sends; return how many were flushed."""
        from .client import AmplitudeAI

        instances = [o for o in gc.get_objects() if isinstance(o, AmplitudeAI)]
        for ai in instances:
            try:
                ai.flush().wait(timeout)
            except Exception:
                pass
        return len(instances)

    def collect(self) -> list[dict[str, Any]]:
        """Flush, then return (and forget) every event received so far."""
        self.flush_all()
        with self._lock:
            events, self._events = self._events, []
        return events

    def clear(self) -> None:
        self.collect()


@contextlib.contextmanager
def capture_events() -> Iterator[EventCapture]:
    """Point the runtime's environment at a loopback ingestion server for the block."""
    capture = EventCapture().start()
    keys = ("AMPLITUDE_AI_API_KEY", "AMPLITUDE_AI_SERVER_URL", "AMPLITUDE_AI_DRY_RUN")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ["AMPLITUDE_AI_API_KEY"] = "verify-test-key"
    os.environ["AMPLITUDE_AI_SERVER_URL"] = capture.url
    os.environ.pop("AMPLITUDE_AI_DRY_RUN", None)
    # An AmplitudeAI created before this block (the app imported earlier by another test, with no
    # key) runs dry and sends nothing: record what such instances deliver, so the checks still see
    # their events. Instances that send go through the loopback server only (no duplicates).
    from .core import delivery as _delivery

    original_deliver = _delivery.Delivery.deliver

    def deliver(self: Any, ev: Any) -> None:
        original_deliver(self, ev)
        if self.sink is None and (self.config.dry_run or self.amplitude is None):
            try:
                data = ev.to_dict()
            except Exception:
                return
            with capture._lock:
                capture._events.append(data)

    _delivery.Delivery.deliver = deliver
    try:
        yield capture
    finally:
        _delivery.Delivery.deliver = original_deliver
        capture.flush_all(timeout=5.0)  # nothing left to send to a stopped server at exit
        capture.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# ------------------------------------------------------------------------------------------
# driving the project's code with placeholder input
# ------------------------------------------------------------------------------------------
USER_ID = "verify-user-0001"
_USER_NAMES = {"user_id", "userid", "uid", "user", "customer_id", "account_id"}


class CannotDrive(Exception):
    """The code could not be called with placeholder input (the reason is the message)."""


def _is_user_name(name: str) -> bool:
    norm = name.lower().replace("-", "_")
    if norm.startswith("x_"):
        norm = norm[2:]
    return norm in _USER_NAMES


def placeholder(annotation: Any, name: str = "") -> Any:
    """A plausible value for a parameter from its annotation (strings: ``verify-<name>``)."""
    import typing

    if name and _is_user_name(name):
        return USER_ID
    if isinstance(annotation, str):
        text = annotation.replace(" ", "")
        for key, value in (("list", []), ("dict", {}), ("int", 1), ("float", 1.0), ("bool", False), ("str", None)):
            if text.startswith(key) or text.startswith("typing." + key.capitalize()) or text.startswith(key.capitalize()):
                return f"verify-{name or 'value'}" if value is None else value
        if "None" in text.split("|"):
            return None
        raise CannotDrive(f"no placeholder for parameter {name!r} annotated {annotation!r}")
    origin = typing.get_origin(annotation)
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return placeholder(args[0], name) if args else None
    base = origin or annotation
    if annotation is inspect_empty or base is str or annotation is Any:
        return f"verify-{name or 'value'}"
    for kind, value in ((bool, False), (int, 1), (float, 1.0), (list, []), (tuple, ()), (dict, {}), (set, set())):
        if base is kind:
            return value
    raise CannotDrive(f"no placeholder for parameter {name!r} of type {annotation!r}")


import inspect as _inspect  # noqa: E402

inspect_empty = _inspect.Parameter.empty


def _run(value: Any) -> Any:
    """Await coroutines, drain generators and streams, so lazy code really runs."""
    import asyncio

    if _inspect.iscoroutine(value):
        value = asyncio.run(value)
    if _inspect.isasyncgen(value):
        async def drain(agen: Any) -> list[Any]:
            return [item async for item in agen]

        value = asyncio.run(drain(value))
    elif _inspect.isgenerator(value):
        value = list(value)
    return value


def call_with_placeholders(func: Any) -> Any:
    """Call ``func`` with placeholder values for its required parameters (defaults kept)."""
    try:
        sig = _inspect.signature(func)
    except (TypeError, ValueError) as exc:
        raise CannotDrive(f"cannot read the signature of {func!r}: {exc}") from None
    try:
        import typing

        hints = typing.get_type_hints(func)
    except Exception:
        hints = {}
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for param in sig.parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.default is not param.empty:
            continue
        value = placeholder(hints.get(param.name, param.annotation), param.name)
        if param.kind == param.POSITIONAL_ONLY:
            args.append(value)
        else:
            kwargs[param.name] = value
    return _run(func(*args, **kwargs))


def import_module_for(path: str) -> Any:
    """Import the project module of a report path (``pkg/mod.py`` → ``pkg.mod``)."""
    import importlib

    dotted = path[:-3] if path.endswith(".py") else path
    dotted = dotted.replace("/", ".")
    if dotted.endswith(".__init__"):
        dotted = dotted[: -len(".__init__")]
    if dotted.startswith("src."):
        dotted = dotted[4:]
    return importlib.import_module(dotted)


def resolve(module: Any, qualname: str) -> Any:
    """``Class.method`` → a bound method of an instance built with placeholders; ``func`` → func."""
    obj: Any = module
    parts = qualname.split(".")
    if "<locals>" in parts:
        raise CannotDrive(f"{qualname} is a nested function")
    for i, part in enumerate(parts):
        try:
            attr = _inspect.getattr_static(obj, part)
        except AttributeError:
            raise CannotDrive(f"{qualname}: {part} not found") from None
        if isinstance(attr, (staticmethod, classmethod)):
            obj = getattr(obj, part)
        elif _inspect.isclass(obj) and _inspect.isfunction(attr) and i == len(parts) - 1:
            try:
                instance = call_with_placeholders(obj) if _inspect.signature(obj).parameters else obj()
            except CannotDrive:
                raise
            except Exception as exc:
                raise CannotDrive(f"could not build {obj.__name__}() with placeholders: {type(exc).__name__}: {exc}") from None
            obj = getattr(instance, part)
        else:
            obj = getattr(obj, part)
    return obj


def minimal_request(client: Any, provider: str, is_async: bool, streaming: bool = False) -> Any:
    """One minimal generation request on a provider client (proves the client itself is wrapped)."""
    msg = [{"role": "user", "content": "ping"}]
    if provider == "openai":
        call = lambda: client.chat.completions.create(model=DEFAULT_MODELS["openai"], messages=msg)  # noqa: E731
    elif provider == "anthropic":
        call = lambda: client.messages.create(model=DEFAULT_MODELS["anthropic"], max_tokens=16, messages=msg)  # noqa: E731
    elif provider == "mistral":
        method = "complete_async" if is_async else "complete"
        call = lambda: getattr(client.chat, method)(model=DEFAULT_MODELS["mistral"], messages=msg)  # noqa: E731
    elif provider == "gemini":
        if hasattr(client, "models"):
            target = client.aio.models if is_async else client.models
            call = lambda: target.generate_content(model=DEFAULT_MODELS["gemini"], contents="ping")  # noqa: E731
        else:  # google-generativeai GenerativeModel
            call = lambda: client.generate_content("ping")  # noqa: E731
    elif provider == "bedrock":
        call = lambda: client.converse(  # noqa: E731
            modelId=DEFAULT_MODELS["bedrock"], messages=[{"role": "user", "content": [{"text": "ping"}]}]
        )
    else:
        raise CannotDrive(f"unknown provider {provider}")
    return _run(call())


def client_object(path: str, binding: str | None, function: str | None) -> Any:
    """The client object a ``ClientSite`` binds: ``name`` / ``Class.attr`` at module level, or
    ``self.attr`` set in ``Class.__init__`` (the class is built with placeholders)."""
    if not binding:
        raise CannotDrive("the client is not assigned to a name")
    module = import_module_for(path)
    if binding.startswith("self."):
        if not function or "." not in function:
            raise CannotDrive(f"{binding} outside a method")
        cls = resolve(module, function.rsplit(".", 1)[0])
        try:
            instance = call_with_placeholders(cls)
        except CannotDrive:
            raise
        except Exception as exc:
            raise CannotDrive(f"could not build {cls.__name__}(): {type(exc).__name__}: {exc}") from None
        return getattr(instance, binding[5:])
    if function:
        raise CannotDrive(f"the client is local to {function}()")
    obj: Any = module
    for part in binding.split("."):
        obj = getattr(obj, part)
    return obj


# -- web routes ----------------------------------------------------------------------------
def _schema_value(schema: dict[str, Any], components: dict[str, Any], name: str = "", depth: int = 0) -> Any:
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return _schema_value(options[0], components, name, depth)
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        props = schema.get("properties", {})
        return {k: _schema_value(v, components, k, depth + 1) for k, v in props.items() if k in schema.get("required", props)}
    if kind == "array":
        return [] if depth > 4 else [_schema_value(schema.get("items", {}), components, name, depth + 1)]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    return USER_ID if _is_user_name(name) else f"verify-{name or 'value'}"


JSON_GUESS = {"message": "Hello from the verify test", "prompt": "Hello", "question": "Hello", "query": "Hello",
              "text": "Hello", "input": "Hello", "content": "Hello", "user_id": USER_ID}


def call_route(path: str, app_name: str, handler_name: str, route: str | None, framework: str) -> Any:
    """Send one request to a route through the framework's own test client; return the response."""
    module = import_module_for(path)
    app = getattr(module, app_name or "app", None)
    if app is None:
        raise CannotDrive(f"no app object {app_name!r} in {path}")
    if framework == "flask":
        import re

        rule = next((r for r in app.url_map.iter_rules() if r.endpoint.split(".")[-1] == handler_name), None)
        if rule is None:
            raise CannotDrive(f"no Flask rule for {handler_name}")
        url = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) in ("int", "float") else f"verify-{m.group(2)}", rule.rule)
        method = "POST" if "POST" in rule.methods else ("GET" if "GET" in rule.methods else sorted(rule.methods)[0])
        client = app.test_client()
        headers = {"X-User-Id": USER_ID}
        if method == "GET":
            return client.open(url, method=method, headers=headers, query_string={"user_id": USER_ID})
        return client.open(url, method=method, headers=headers, json=JSON_GUESS)
    from starlette.testclient import TestClient

    target = None
    for r in getattr(app, "routes", []):
        endpoint = getattr(r, "endpoint", None)
        if getattr(endpoint, "__name__", None) == handler_name and (route is None or getattr(r, "path", None) == route):
            target = r
            break
    if target is None:
        raise CannotDrive(f"no route for {handler_name} on {app_name}")
    methods = sorted(getattr(target, "methods", None) or {"GET"})
    method = "POST" if "POST" in methods else methods[0]
    url, params, headers, body = target.path, {}, {}, None
    openapi = getattr(app, "openapi", None)
    if callable(openapi):
        spec = openapi()
        components = spec.get("components", {}).get("schemas", {})
        op = spec.get("paths", {}).get(target.path, {}).get(method.lower(), {})
        for p in op.get("parameters", []):
            value = _schema_value(p.get("schema", {}), components, p["name"])
            if p["in"] == "path":
                url = url.replace("{" + p["name"] + "}", str(value))
            elif p["in"] == "query":
                params[p["name"]] = value
            elif p["in"] == "header":
                headers[p["name"]] = str(value)
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            body = _schema_value(content["application/json"].get("schema", {}), components)
    else:
        import re

        url = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: f"verify-{m.group(1)}", url)
        headers["X-User-Id"] = USER_ID
        body = JSON_GUESS if method != "GET" else None
    with TestClient(app, raise_server_exceptions=False) as client:
        return client.request(method, url, params=params, headers=headers, json=body)


def call_command(path: str, name: str) -> Any:
    """Invoke a click command with placeholder arguments through ``click.testing.CliRunner``."""
    module = import_module_for(path)
    command = getattr(module, name)
    try:
        from click.testing import CliRunner
    except ImportError:
        raise CannotDrive("click is not installed") from None
    args: list[str] = []
    for param in getattr(command, "params", []):
        if not param.required:
            continue
        value = "1" if getattr(param.type, "name", "") in ("integer", "float") else f"verify-{param.name}"
        if param.param_type_name == "argument":
            args.append(value)
        else:
            args += [param.opts[0], value]
    return CliRunner().invoke(command, args, catch_exceptions=True)


def call_lambda(path: str, name: str) -> Any:
    """Invoke an AWS Lambda handler with an API-Gateway-shaped event and a minimal context."""
    from types import SimpleNamespace

    handler = getattr(import_module_for(path), name)
    event = {
        "httpMethod": "POST",
        "path": "/",
        "headers": {"content-type": "application/json", "x-user-id": USER_ID},
        "body": json.dumps(JSON_GUESS),
        "isBase64Encoded": False,
        "requestContext": {"authorizer": {"claims": {"sub": USER_ID}}},
        **JSON_GUESS,
    }
    context = SimpleNamespace(
        aws_request_id="verify-request", function_name="verify", memory_limit_in_mb=128,
        invoked_function_arn="arn:aws:lambda:us-east-1:000000000000:function:verify",
        get_remaining_time_in_millis=lambda: 30_000,
    )
    return _run(handler(event, context))
