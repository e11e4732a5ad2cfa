"""HTTP-transport stubs for the Anthropic, Gemini and Mistral wrapper tests.

The SDKs run for real; only the transport under their HTTP client is replaced by a
``MockTransport`` (``httpx`` or ``httpx2``, whichever the SDK uses) that answers from a queue
of canned replies and records every request it saw.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any, Iterable


class Reply:
    """One canned HTTP answer: JSON, a server-sent-event stream, or an error."""

    def __init__(self, status: int = 200, body: bytes = b"", content_type: str = "application/json") -> None:
        self.status = status
        self.body = body
        self.content_type = content_type

    @classmethod
    def json(cls, data: Any, status: int = 200) -> "Reply":
        return cls(status, json.dumps(data).encode(), "application/json")

    @classmethod
    def sse(cls, events: Iterable[Any], *, named: bool = False, done: bool = False) -> "Reply":
        """``events``: dicts (``data:`` lines); with ``named``, each dict's ``type`` is also the ``event:``."""
        lines = []
        for event in events:
            if named:
                lines.append(f"event: {event['type']}")
            lines.append("data: " + json.dumps(event))
            lines.append("")
        if done:
            lines += ["data: [DONE]", ""]
        return cls(200, ("\n".join(lines) + "\n").encode(), "text/event-stream")


class StubTransport:
    """Callable handler for ``MockTransport``: replays queued ``Reply`` s, records requests."""

    def __init__(self, httpx_module: Any, *replies: Reply, repeat: bool = False) -> None:
        self.httpx = httpx_module
        self.replies: deque[Reply] = deque(replies)
        self.repeat = repeat
        self.requests: list[Any] = []

    def queue(self, *replies: Reply) -> "StubTransport":
        self.replies.extend(replies)
        return self

    def __call__(self, request: Any) -> Any:
        request.read()
        self.requests.append(request)
        if not self.replies:
            return self.httpx.Response(599, json={"error": "no reply queued in the test"})
        reply = self.replies[0] if self.repeat and len(self.replies) == 1 else self.replies.popleft()
        if self.repeat and len(self.replies) == 0:
            self.replies.append(reply)
        return self.httpx.Response(reply.status, content=reply.body, headers={"content-type": reply.content_type})

    @property
    def last_json(self) -> Any:
        return json.loads(self.requests[-1].content)

    def transport(self) -> Any:
        return self.httpx.MockTransport(self)


# --------------------------------------------------------------------------- Anthropic bodies

CLAUDE = "claude-sonnet-4-20250514"


def anthropic_message(
    *,
    text: str = "Funnels show conversion.",
    thinking: str | None = None,
    tool: dict[str, Any] | None = None,
    stop_reason: str = "end_turn",
    usage: dict[str, Any] | None = None,
    model: str = CLAUDE,
) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if thinking:
        content.append({"type": "thinking", "thinking": thinking, "signature": "sig"})
    if text:
        content.append({"type": "text", "text": text})
    if tool:
        content.append({"type": "tool_use", "id": "toolu_1", "name": tool["name"], "input": tool["input"]})
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": usage
        or {"input_tokens": 100, "output_tokens": 20, "cache_read_input_tokens": 400, "cache_creation_input_tokens": 50},
    }


def anthropic_stream_events(
    *,
    texts: Iterable[str] = ("Fun", "nels ", "convert."),
    thinking: str | None = None,
    tool: dict[str, Any] | None = None,
    stop_reason: str = "end_turn",
    model: str = CLAUDE,
) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [
        {
            "type": "message_start",
            "message": {
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {
                    "input_tokens": 100,
                    "output_tokens": 1,
                    "cache_read_input_tokens": 400,
                    "cache_creation_input_tokens": 50,
                },
            },
        }
    ]
    index = 0
    if thinking:
        events += [
            {"type": "content_block_start", "index": index, "content_block": {"type": "thinking", "thinking": "", "signature": ""}},
            {"type": "content_block_delta", "index": index, "delta": {"type": "thinking_delta", "thinking": thinking}},
            {"type": "content_block_delta", "index": index, "delta": {"type": "signature_delta", "signature": "sig"}},
            {"type": "content_block_stop", "index": index},
        ]
        index += 1
    events.append({"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}})
    for piece in texts:
        events.append({"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": piece}})
    events.append({"type": "content_block_stop", "index": index})
    if tool:
        index += 1
        args = json.dumps(tool["input"])
        events += [
            {
                "type": "content_block_start",
                "index": index,
                "content_block": {"type": "tool_use", "id": "toolu_1", "name": tool["name"], "input": {}},
            },
            {"type": "content_block_delta", "index": index, "delta": {"type": "input_json_delta", "partial_json": args[:5]}},
            {"type": "content_block_delta", "index": index, "delta": {"type": "input_json_delta", "partial_json": args[5:]}},
            {"type": "content_block_stop", "index": index},
        ]
    events += [
        {"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": None}, "usage": {"output_tokens": 20}},
        {"type": "message_stop"},
    ]
    return events


ANTHROPIC_ERROR = {"type": "error", "error": {"type": "invalid_request_error", "message": "max_tokens: field required"}}


# --------------------------------------------------------------------------- Gemini bodies

GEMINI = "gemini-2.0-flash"


def gemini_response(
    *,
    text: str = "Cohorts group users.",
    thought: str | None = None,
    call: dict[str, Any] | None = None,
    finish: str | None = "STOP",
    usage: dict[str, Any] | None = None,
    model: str = GEMINI,
) -> dict[str, Any]:
    parts: list[dict[str, Any]] = []
    if thought:
        parts.append({"text": thought, "thought": True})
    if text:
        parts.append({"text": text})
    if call:
        parts.append({"functionCall": call})
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    body: dict[str, Any] = {"candidates": [candidate], "modelVersion": model}
    if usage is not False:
        body["usageMetadata"] = usage or {
            "promptTokenCount": 12,
            "candidatesTokenCount": 8,
            "thoughtsTokenCount": 5 if thought else None,
            "totalTokenCount": 25 if thought else 20,
        }
        body["usageMetadata"] = {k: v for k, v in body["usageMetadata"].items() if v is not None}
    return body


def gemini_stream_chunks(pieces: Iterable[str] = ("Cohorts ", "group ", "users.")) -> list[dict[str, Any]]:
    pieces = list(pieces)
    chunks = []
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        chunk = gemini_response(
            text=piece,
            finish="STOP" if last else None,
            usage={"promptTokenCount": 12, "candidatesTokenCount": i + 1, "totalTokenCount": 13 + i},
        )
        chunks.append(chunk)
    return chunks


GEMINI_ERROR = {"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}}


# --------------------------------------------------------------------------- Mistral bodies

MISTRAL = "mistral-large-latest"


def mistral_response(
    *,
    text: str | list[dict[str, Any]] = "Cohorts are groups.",
    tool: dict[str, Any] | None = None,
    finish: str = "stop",
    model: str = MISTRAL,
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if tool:
        message["tool_calls"] = [
            {"id": "call_1", "type": "function", "function": {"name": tool["name"], "arguments": json.dumps(tool["input"])}}
        ]
    return {
        "id": "cmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 15, "completion_tokens": 7, "total_tokens": 22},
    }


def mistral_stream_chunks(pieces: Iterable[str] = ("Cohorts ", "are ", "groups.")) -> list[dict[str, Any]]:
    pieces = list(pieces)
    chunks = []
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        chunk: dict[str, Any] = {
            "id": "cmpl-1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": MISTRAL,
            "choices": [
                {"index": 0, "delta": {"role": "assistant", "content": piece}, "finish_reason": "stop" if last else None}
            ],
        }
        if last:
            chunk["usage"] = {"prompt_tokens": 15, "completion_tokens": 7, "total_tokens": 22}
        chunks.append(chunk)
    return chunks


def mistral_embedding(model: str = "mistral-embed", n: int = 2, dims: int = 4) -> dict[str, Any]:
    return {
        "id": "emb-1",
        "object": "list",
        "model": model,
        "data": [{"object": "embedding", "index": i, "embedding": [0.1] * dims} for i in range(n)],
        "usage": {"prompt_tokens": 9, "completion_tokens": 0, "total_tokens": 9},
    }


MISTRAL_ERROR = {"object": "error", "message": "Unauthorized", "type": "invalid_request_error", "code": "1000"}


# --------------------------------------------------------------------------- reading events

AI_RESPONSE = "[Agent] AI Response"
USER_MESSAGE = "[Agent] User Message"
EMBEDDING = "[Agent] Embedding"


def _field(event: Any, name: str) -> Any:
    return event.get(name) if isinstance(event, dict) else getattr(event, name, None)


def events_of(mock: Any, event_type: str) -> list[dict[str, Any]]:
    """The events of one type a ``MockAmplitudeAI`` captured, as property dicts (plus
    ``user_id`` / ``device_id`` from the event itself)."""
    found = []
    for event in mock.events:
        if _field(event, "event_type") != event_type:
            continue
        props = dict(_field(event, "event_properties") or {})
        props["user_id"] = _field(event, "user_id")
        props["device_id"] = _field(event, "device_id")
        found.append(props)
    return found


def only(mock: Any, event_type: str) -> dict[str, Any]:
    """The single event of ``event_type`` (fails the test when there are zero or several)."""
    found = events_of(mock, event_type)
    assert len(found) == 1, f"expected exactly one {event_type}, got {len(found)}: {found}"
    return found[0]


# properties that legitimately differ between two runs of the same call
VOLATILE = {
    "[Agent] Latency Ms",
    "[Agent] TTFB Ms",
    "[Agent] Message ID",
    "[Agent] Trace ID",
    "[Agent] Turn ID",
    "[Agent] Session ID",
    "[Agent] Span ID",
    "device_id",
}


def comparable(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events with their run-specific values dropped, for sync/async parity checks."""
    return [{k: v for k, v in e.items() if k not in VOLATILE} for e in events]
