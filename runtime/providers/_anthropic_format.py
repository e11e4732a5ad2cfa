"""The Anthropic Messages format, read without the SDK.

Used by the Anthropic wrapper and by the Bedrock wrapper (Claude's ``invoke_model`` bodies are
the same format), so it imports no provider SDK. Objects and plain dicts are both accepted.
"""

from __future__ import annotations

import json
from typing import Any

from ._base import (
    LLMRequest,
    LLMResult,
    StreamAccumulator,
    as_float,
    as_int,
    fields_of,
    last_user_text,
    read_field,
    text_of,
)

_TOOL_USE = ("tool_use", "server_tool_use", "mcp_tool_use")


get = read_field  # objects and plain dicts alike


def given(value: Any) -> Any:
    """The SDKs' ``omit`` / ``NOT_GIVEN`` / ``UNSET`` sentinels count as absent."""
    if value is None or type(value).__name__ in ("Omit", "NotGiven", "Unset"):
        return None
    return value


def tool_call(call_id: Any, name: Any, arguments: Any) -> dict[str, Any]:
    """The one shape of a tool call in ``[Agent] Tool Calls`` (OpenAI-like)."""
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments) if arguments else {}
        except ValueError:
            pass
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def request(kwargs: dict[str, Any], *, is_streaming: bool, read_user_input: bool = True) -> LLMRequest:
    """An Anthropic ``messages.create`` request (kwargs or a request body).

    ``read_user_input=False``: leave ``user_input`` unset (the caller read it at the call).
    """
    tools = [
        {"name": get(t, "name"), "description": get(t, "description"), "parameters": get(t, "input_schema")}
        for t in given(kwargs.get("tools")) or []
    ]
    # SDKs without sampling parameters (anthropic 2.x) take them through extra_body
    extra = given(kwargs.get("extra_body"))
    if not isinstance(extra, dict):
        extra = _NO_EXTRA
    temperature = kwargs["temperature"] if "temperature" in kwargs else extra.get("temperature")
    top_p = kwargs["top_p"] if "top_p" in kwargs else extra.get("top_p")
    return LLMRequest(
        model=given(kwargs.get("model")),
        user_input=last_user_text(given(kwargs.get("messages"))) if read_user_input else None,
        system_prompt=text_of(given(kwargs.get("system"))),
        tool_definitions=tools or None,
        temperature=as_float(given(temperature)),
        top_p=as_float(given(top_p)),
        max_output_tokens=as_int(given(kwargs.get("max_tokens"))),
        is_streaming=is_streaming,
    )


_NO_EXTRA: dict[str, Any] = {}


def result(message: Any) -> LLMResult:
    """A ``Message`` / ``BetaMessage`` / ``ParsedMessage`` or the same as a dict."""
    texts: list[str] = []
    thinking: list[str] = []
    tool_calls: list[dict[str, Any]] = []
    m = fields_of(message)
    for item in m.get("content") or []:
        block = fields_of(item)
        kind = block.get("type")
        if kind == "text":
            texts.append(block.get("text") or "")
        elif kind == "thinking":
            thinking.append(block.get("thinking") or "")
        elif kind in _TOOL_USE:
            tool_calls.append(tool_call(block.get("id"), block.get("name"), block.get("input")))
    usage = fields_of(m.get("usage"))
    return LLMResult(
        model=m.get("model"),
        output_text="".join(texts),
        reasoning_content="\n".join(t for t in thinking if t) or None,
        tool_calls=tool_calls or None,
        finish_reason=m.get("stop_reason"),
        # Anthropic's input_tokens excludes cache reads/writes; they are reported beside it
        input_tokens=as_int(usage.get("input_tokens")),
        output_tokens=as_int(usage.get("output_tokens")),
        cache_read_tokens=as_int(usage.get("cache_read_input_tokens")),
        cache_creation_tokens=as_int(usage.get("cache_creation_input_tokens")),
        reasoning_tokens=as_int(fields_of(usage.get("output_tokens_details")).get("thinking_tokens")),
    )


_USAGE_COUNTS = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")


class MessageStreamAccumulator(StreamAccumulator):
    """Folds raw ``RawMessageStreamEvent`` s (objects or dicts) into an ``LLMResult``."""

    # Read as the events come (not read_later): through fields_of a short stream costs a few µs,
    # and the events are freed with the stream instead of being kept alive by the queued event
    # until the dispatcher thread reads them; on long streams that cost the host app more in
    # garbage collection than reading them here (bench: 50 deltas, ~150 vs ~115 µs per call).

    def __init__(self) -> None:
        self.model: str | None = None
        self.usage: dict[str, Any] = {}
        self.blocks: dict[int, dict[str, Any]] = {}
        self.finish_reason: str | None = None

    def add(self, event: Any) -> bool:
        e = fields_of(event)
        kind = e.get("type")
        if kind == "content_block_delta":
            block = self.blocks.get(e.get("index", 0))
            if block is not None:
                delta = fields_of(e.get("delta"))
                dtype = delta.get("type")
                if dtype == "text_delta":
                    block["text"].append(delta.get("text") or "")
                elif dtype == "thinking_delta":
                    block["thinking"].append(delta.get("thinking") or "")
                elif dtype == "input_json_delta":
                    block["json"].append(delta.get("partial_json") or "")
        elif kind == "content_block_start":
            block = fields_of(e.get("content_block"))
            self.blocks[e.get("index", len(self.blocks))] = {
                "type": block.get("type"),
                "text": [block.get("text") or ""],
                "thinking": [block.get("thinking") or ""],
                "json": [],
                "id": block.get("id"),
                "name": block.get("name"),
                "input": block.get("input"),
            }
        elif kind == "message_start":
            message = fields_of(e.get("message"))
            self.model = message.get("model")
            self._usage(message.get("usage"))
        elif kind == "message_delta":
            self.finish_reason = fields_of(e.get("delta")).get("stop_reason") or self.finish_reason
            self._usage(e.get("usage"))
        return True

    def _usage(self, usage: Any) -> None:
        if usage is None:
            return
        counts = fields_of(usage)
        mine = self.usage
        for name in _USAGE_COUNTS:
            value = counts.get(name)
            if value is not None:
                mine[name] = value  # message_delta counts are cumulative: overwrite
        thinking_tokens = fields_of(counts.get("output_tokens_details")).get("thinking_tokens")
        if thinking_tokens is not None:
            mine["output_tokens_details"] = {"thinking_tokens": thinking_tokens}

    def result(self) -> LLMResult:
        content = []
        for index in sorted(self.blocks):
            block = self.blocks[index]
            if block["type"] in _TOOL_USE:
                raw = "".join(block["json"])
                arguments: Any = block["input"]
                if raw:
                    try:
                        arguments = json.loads(raw)
                    except ValueError:
                        arguments = raw
                content.append({"type": block["type"], "id": block["id"], "name": block["name"], "input": arguments})
            else:
                content.append(
                    {"type": block["type"], "text": "".join(block["text"]), "thinking": "".join(block["thinking"])}
                )
        return result(
            {"model": self.model, "content": content, "stop_reason": self.finish_reason, "usage": self.usage}
        )
