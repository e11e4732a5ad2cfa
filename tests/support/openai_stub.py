"""An in-process OpenAI HTTP API for tests and benchmarks (``httpx2.MockTransport`` / ``httpx.MockTransport``).

It answers the four generating endpoints like the real API does, including the streaming details
that matter to wrappers: with ``stream_options.include_usage`` every chunk carries ``"usage": null``
and one extra usage-only chunk ends the stream; without it, there is no usage at all.
``fail_with`` makes the next calls answer an HTTP error. Requests are recorded (path, JSON body,
headers).
"""

from __future__ import annotations

import json
from typing import Any

CHAT_TEXT = ["Retention ", "is ", "users ", "coming ", "back."]
USAGE = {
    "prompt_tokens": 12,
    "completion_tokens": 5,
    "total_tokens": 17,
    "prompt_tokens_details": {"cached_tokens": 4},
    "completion_tokens_details": {"reasoning_tokens": 2},
}


class OpenAIStub:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.fail_with: int | None = None
        self.tool_call = False
        self.reasoning = False

    # -- transports -----------------------------------------------------------------------
    def transport(self, httpx_module: Any = None) -> Any:
        if httpx_module is None:
            import httpx2 as httpx_module
        return httpx_module.MockTransport(lambda request: self.handle(request, httpx_module))

    def async_transport(self, httpx_module: Any = None) -> Any:
        if httpx_module is None:
            import httpx2 as httpx_module

        async def handler(request: Any) -> Any:
            return self.handle(request, httpx_module)

        return httpx_module.MockTransport(handler)

    # -- dispatch -------------------------------------------------------------------------
    def handle(self, request: Any, httpx_module: Any) -> Any:
        path = request.url.path
        body = json.loads(request.content or b"{}")
        self.requests.append({"path": path, "body": body, "headers": dict(request.headers)})
        if self.fail_with is not None:
            status = self.fail_with
            return httpx_module.Response(
                status,
                json={"error": {"message": f"stub failure {status}", "type": "server_error", "code": None}},
            )
        stream = bool(body.get("stream"))
        if path.endswith("/chat/completions"):
            if stream:
                return self._sse(httpx_module, self.chat_chunks(body))
            return httpx_module.Response(200, json=self.chat_completion(body))
        if path.endswith("/responses"):
            if stream:
                return self._sse(httpx_module, self.response_events(body), named=True)
            return httpx_module.Response(200, json=self.response_object(body))
        if path.endswith("/completions"):
            if stream:
                return self._sse(httpx_module, self.completion_chunks(body))
            return httpx_module.Response(200, json=self.completion(body))
        if path.endswith("/embeddings"):
            return httpx_module.Response(200, json=self.embedding(body))
        return httpx_module.Response(404, json={"error": {"message": "no such path"}})

    @staticmethod
    def _sse(httpx_module: Any, events: list[Any], named: bool = False) -> Any:
        parts = []
        for event in events:
            if named:
                parts.append(f"event: {event['type']}\ndata: {json.dumps(event)}\n\n")
            else:
                parts.append(f"data: {json.dumps(event)}\n\n")
        if not named:
            parts.append("data: [DONE]\n\n")
        return httpx_module.Response(
            200, headers={"content-type": "text/event-stream"}, content="".join(parts).encode()
        )

    # -- payloads -------------------------------------------------------------------------
    def chat_completion(self, body: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": "".join(CHAT_TEXT)}
        finish = "stop"
        if self.tool_call:
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "SF"}'},
                    }
                ],
            }
            finish = "tool_calls"
        if self.reasoning:
            message["reasoning_content"] = "Think about retention."
        rf = body.get("response_format") or {}
        if rf.get("type") == "json_schema":
            message["content"] = json.dumps({"answer": "users coming back", "confidence": 0.9})
        return {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1700000000,
            "model": "gpt-4o-2024-08-06",
            "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
            "usage": USAGE,
        }

    def chat_chunks(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        base = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1700000000, "model": "gpt-4o-2024-08-06"}
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        if self.reasoning:
            deltas.append({"reasoning_content": "Think about retention."})
        if self.tool_call:
            deltas.append(
                {"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}
            )
            deltas.append({"tool_calls": [{"index": 0, "function": {"arguments": '{"city": '}}]})
            deltas.append({"tool_calls": [{"index": 0, "function": {"arguments": '"SF"}'}}]})
        else:
            deltas.extend({"content": piece} for piece in CHAT_TEXT)
        chunks = []
        for delta in deltas:
            chunk = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None, "logprobs": None}]}
            if include_usage:
                chunk["usage"] = None
            chunks.append(chunk)
        last = {
            **base,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls" if self.tool_call else "stop", "logprobs": None}],
        }
        if include_usage:
            last["usage"] = None
        chunks.append(last)
        if include_usage:
            chunks.append({**base, "choices": [], "usage": USAGE})
        return chunks

    def response_object(self, body: dict[str, Any], status: str = "completed") -> dict[str, Any]:
        output: list[dict[str, Any]] = []
        if self.reasoning:
            output.append(
                {"id": "rs_1", "type": "reasoning", "summary": [{"type": "summary_text", "text": "Think about retention."}]}
            )
        if self.tool_call:
            output.append(
                {
                    "id": "fc_1",
                    "type": "function_call",
                    "call_id": "call_1",
                    "name": "get_weather",
                    "arguments": '{"city": "SF"}',
                    "status": "completed",
                }
            )
        else:
            text = "".join(CHAT_TEXT)
            fmt = ((body.get("text") or {}).get("format") or {}).get("type")
            if fmt == "json_schema":
                text = json.dumps({"answer": "users coming back", "confidence": 0.9})
            output.append(
                {
                    "id": "msg_1",
                    "type": "message",
                    "role": "assistant",
                    "status": "completed",
                    "content": [{"type": "output_text", "text": text, "annotations": []}],
                }
            )
        return {
            "id": "resp_1",
            "object": "response",
            "created_at": 1700000000,
            "model": "gpt-4o-2024-08-06",
            "status": status,
            "output": output,
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": body.get("tools") or [],
            "usage": {
                "input_tokens": 12,
                "output_tokens": 5,
                "total_tokens": 17,
                "input_tokens_details": {"cached_tokens": 4},
                "output_tokens_details": {"reasoning_tokens": 2},
            },
        }

    def response_events(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        created = {**self.response_object(body, status="in_progress"), "output": [], "usage": None}
        events: list[dict[str, Any]] = [{"type": "response.created", "sequence_number": 0, "response": created}]
        seq = 1
        if not self.tool_call:
            events.append(
                {
                    "type": "response.output_item.added",
                    "sequence_number": seq,
                    "output_index": 0,
                    "item": {"id": "msg_1", "type": "message", "role": "assistant", "status": "in_progress", "content": []},
                }
            )
            seq += 1
            events.append(
                {
                    "type": "response.content_part.added",
                    "sequence_number": seq,
                    "item_id": "msg_1",
                    "output_index": 0,
                    "content_index": 0,
                    "part": {"type": "output_text", "text": "", "annotations": []},
                }
            )
            seq += 1
            for piece in CHAT_TEXT:
                events.append(
                    {
                        "type": "response.output_text.delta",
                        "sequence_number": seq,
                        "item_id": "msg_1",
                        "output_index": 0,
                        "content_index": 0,
                        "delta": piece,
                        "logprobs": [],
                    }
                )
                seq += 1
            events.append(
                {
                    "type": "response.output_text.done",
                    "sequence_number": seq,
                    "item_id": "msg_1",
                    "output_index": 0,
                    "content_index": 0,
                    "text": "".join(CHAT_TEXT),
                    "logprobs": [],
                }
            )
            seq += 1
        events.append({"type": "response.completed", "sequence_number": seq, "response": self.response_object(body)})
        return events

    def completion(self, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": "cmpl-1",
            "object": "text_completion",
            "created": 1700000000,
            "model": "gpt-3.5-turbo-instruct",
            "choices": [{"index": 0, "text": "".join(CHAT_TEXT), "finish_reason": "stop", "logprobs": None}],
            "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17},
        }

    def completion_chunks(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        base = {"id": "cmpl-1", "object": "text_completion", "created": 1700000000, "model": "gpt-3.5-turbo-instruct"}
        chunks = []
        for i, piece in enumerate(CHAT_TEXT):
            finish = "stop" if i == len(CHAT_TEXT) - 1 else None
            chunk = {**base, "choices": [{"index": 0, "text": piece, "finish_reason": finish, "logprobs": None}]}
            if include_usage:
                chunk["usage"] = None
            chunks.append(chunk)
        if include_usage:
            chunks.append({**base, "choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}})
        return chunks

    def embedding(self, body: dict[str, Any]) -> dict[str, Any]:
        import base64
        import struct

        vector = [0.25, -0.5, 0.75, 1.0]
        inputs = body.get("input")
        count = len(inputs) if isinstance(inputs, list) else 1
        if body.get("encoding_format") == "base64":
            encoded: Any = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
        else:
            encoded = vector
        return {
            "object": "list",
            "model": "text-embedding-3-small",
            "data": [{"object": "embedding", "index": i, "embedding": encoded} for i in range(count)],
            "usage": {"prompt_tokens": 8, "total_tokens": 8},
        }
