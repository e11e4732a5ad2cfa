"""A loopback Bedrock Runtime endpoint for the Bedrock wrapper tests.

botocore's ``Stubber`` cannot produce event streams, so the tests point a real boto3
``bedrock-runtime`` client (dummy credentials, ``endpoint_url=http://127.0.0.1:PORT``) at this
server. It answers from a queue of canned replies: plain JSON, or an
``application/vnd.amazon.eventstream`` body encoded here in the AWS event-stream binary format
(prelude, headers, payload, two CRC32s) that botocore's own parser decodes.
"""

from __future__ import annotations

import base64
import binascii
import json
import struct
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterable


def _header(name: str, value: str) -> bytes:
    raw_name = name.encode()
    raw_value = value.encode()
    return struct.pack("!B", len(raw_name)) + raw_name + b"\x07" + struct.pack("!H", len(raw_value)) + raw_value


def encode_message(headers: dict[str, str], payload: bytes) -> bytes:
    """One event-stream message."""
    raw_headers = b"".join(_header(k, v) for k, v in headers.items())
    total = 12 + len(raw_headers) + len(payload) + 4
    prelude = struct.pack("!II", total, len(raw_headers))
    prelude += struct.pack("!I", binascii.crc32(prelude) & 0xFFFFFFFF)
    message = prelude + raw_headers + payload
    return message + struct.pack("!I", binascii.crc32(message) & 0xFFFFFFFF)


def event(event_type: str, body: dict[str, Any]) -> bytes:
    return encode_message(
        {":message-type": "event", ":event-type": event_type, ":content-type": "application/json"},
        json.dumps(body).encode(),
    )


def exception(exception_type: str, message: str) -> bytes:
    return encode_message(
        {":message-type": "exception", ":exception-type": exception_type, ":content-type": "application/json"},
        json.dumps({"message": message}).encode(),
    )


def chunk(data: dict[str, Any]) -> bytes:
    """An ``invoke_model_with_response_stream`` chunk carrying a model-native JSON body."""
    return event("chunk", {"bytes": base64.b64encode(json.dumps(data).encode()).decode()})


class BedrockReply:
    def __init__(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or {}

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> "BedrockReply":
        return cls(status, json.dumps(data).encode(), "application/json", headers)

    @classmethod
    def error(cls, status: int, error_type: str, message: str) -> "BedrockReply":
        return cls(status, json.dumps({"message": message}).encode(), "application/json", {"x-amzn-ErrorType": error_type})

    @classmethod
    def stream(cls, messages: Iterable[bytes]) -> "BedrockReply":
        return cls(200, b"".join(messages), "application/vnd.amazon.eventstream")


class BedrockServer:
    """Threaded loopback HTTP server; ``url`` for ``endpoint_url``; ``requests`` as (path, json)."""

    def __init__(self) -> None:
        self.replies: deque[BedrockReply] = deque()
        self.requests: list[tuple[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # no 40 ms Nagle/delayed-ACK stall per response

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw
                server.requests.append((self.path, body))
                reply = server.replies.popleft() if server.replies else BedrockReply.error(500, "InternalServerException", "no reply queued")
                self.send_response(reply.status)
                self.send_header("content-type", reply.content_type)
                self.send_header("content-length", str(len(reply.body)))
                self.send_header("x-amzn-requestid", "req-1")
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(reply.body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def queue(self, *replies: BedrockReply) -> "BedrockServer":
        self.replies.extend(replies)
        return self

    def start(self) -> "BedrockServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


# --------------------------------------------------------------------------- canned bodies

CLAUDE_ON_BEDROCK = "anthropic.claude-3-sonnet-20240229-v1:0"


def converse_response(text: str = "Funnels track steps.", tool: dict[str, Any] | None = None, reasoning: str | None = None) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if reasoning:
        content.append({"reasoningContent": {"reasoningText": {"text": reasoning, "signature": "s"}}})
    content.append({"text": text})
    if tool:
        content.append({"toolUse": {"toolUseId": "tu_1", "name": tool["name"], "input": tool["input"]}})
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": "tool_use" if tool else "end_turn",
        "usage": {"inputTokens": 30, "outputTokens": 12, "totalTokens": 42},
        "metrics": {"latencyMs": 120},
    }


def converse_stream_events(pieces: Iterable[str] = ("Funnels ", "track ", "steps."), tool: dict[str, Any] | None = None) -> list[bytes]:
    messages = [event("messageStart", {"role": "assistant"})]
    for piece in pieces:
        messages.append(event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": piece}}))
    messages.append(event("contentBlockStop", {"contentBlockIndex": 0}))
    if tool:
        messages.append(event("contentBlockStart", {"contentBlockIndex": 1, "start": {"toolUse": {"toolUseId": "tu_1", "name": tool["name"]}}}))
        messages.append(event("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"toolUse": {"input": json.dumps(tool["input"])}}}))
        messages.append(event("contentBlockStop", {"contentBlockIndex": 1}))
    messages.append(event("messageStop", {"stopReason": "tool_use" if tool else "end_turn"}))
    messages.append(event("metadata", {"usage": {"inputTokens": 30, "outputTokens": 12, "totalTokens": 42}, "metrics": {"latencyMs": 99}}))
    return messages


def anthropic_invoke_body(text: str = "Funnels track steps.") -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-3-sonnet-20240229",
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 25, "output_tokens": 9},
    }


def anthropic_invoke_stream(pieces: Iterable[str] = ("Funnels ", "track ", "steps.")) -> list[bytes]:
    items = [
        {"type": "message_start", "message": {"id": "m", "type": "message", "role": "assistant", "model": "claude-3-sonnet-20240229", "content": [], "usage": {"input_tokens": 25, "output_tokens": 1}}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    ]
    items += [{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}} for p in pieces]
    items += [
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 9}},
        {"type": "message_stop", "amazon-bedrock-invocationMetrics": {"inputTokenCount": 25, "outputTokenCount": 9, "invocationLatency": 300, "firstByteLatency": 80}},
    ]
    return [chunk(item) for item in items]
