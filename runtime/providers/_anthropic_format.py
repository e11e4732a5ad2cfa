"""The Anthropic Messages format, read without the SDK.

Used by the Anthropic wrapper and by the Bedrock wrapper (Claude's ``invoke_model`` bodies are
the same format), so it imports no provider SDK. Objects and plain dicts are both accepted.
"""

from __future__ import annotations

import json
from typing import Any

from ._base import LLMRequest, LLMResult, StreamAccumulator, as_float, as_int, last_user_text, read_field, text_of

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


def request(kwargs: dict[str, Any], *, is_streaming: bool) -> LLMRequest:
    """An Anthropic ``messages.create`` request (kwargs or a request body)."""
    tools = [
        {"name": get(t, "name"), "description": get(t, "description"), "parameters": get(t, "input_schema")}
        for t in given(kwargs.get("tools")) or []
    ]
    # SDKs without sampling parameters (anthropic 2.x) take them through extra_body
    extra = given(kwargs.get("extra_body"))
    sampling = {**(extra if isinstance(extra, dict) else {}), **kwargs}
    return LLMRequest(
        model=given(kwargs.get("model")),
        user_input=last_user_text(given(kwargs.get("messages"))),
        system_prompt=text_of(given(kwargs.get("system"))),
        tool_definitions=tools or None,
        temperature=as_float(given(sampling.get("temperature"))),
        top_p=as_float(given(sampling.get("top_p"))),
        max_output_tokens=as_int(given(kwargs.get("max_tokens"))),
        is_streaming=is_streaming,
    )


def result(message: Any) -> LLMResult:
    """A ``Message`` / ``BetaMessage`` / ``ParsedMessage`` or the same as a dict."""
    texts: list[str] = []
    thinking: list[str] = []
    tool_calls: list[dict[str, Any]] = []
    for block in get(message, "content") or []:
        kind = get(block, "type")
        if kind == "text":
            texts.append(get(block, "text") or "")
        elif kind == "thinking":
            thinking.append(get(block, "thinking") or "")
        elif kind in _TOOL_USE:
            tool_calls.append(tool_call(get(block, "id"), get(block, "name"), get(block, "input")))
    usage = get(message, "usage")
    return LLMResult(
        model=get(message, "model"),
        output_text="".join(texts),
        reasoning_content="\n".join(t for t in thinking if t) or None,
        tool_calls=tool_calls or None,
        finish_reason=get(message, "stop_reason"),
        # Anthropic's input_tokens excludes cache reads/writes; they are reported beside it
        input_tokens=as_int(get(usage, "input_tokens")),
        output_tokens=as_int(get(usage, "output_tokens")),
        cache_read_tokens=as_int(get(usage, "cache_read_input_tokens")),
        cache_creation_tokens=as_int(get(usage, "cache_creation_input_tokens")),
        reasoning_tokens=as_int(get(get(usage, "output_tokens_details"), "thinking_tokens")),
    )


class MessageStreamAccumulator(StreamAccumulator):
    """Folds raw ``RawMessageStreamEvent`` s (objects or dicts) into an ``LLMResult``."""

    read_later = True  # only reads events (the SDK's helper changes message_start's message
    # as it goes, but only towards the final counts that message_delta reports anyway)

    def __init__(self) -> None:
        self.model: str | None = None
        self.usage: dict[str, Any] = {}
        self.blocks: dict[int, dict[str, Any]] = {}
        self.finish_reason: str | None = None

    def add(self, event: Any) -> bool:
        kind = get(event, "type")
        if kind == "content_block_delta":
            block = self.blocks.get(get(event, "index", 0))
            if block is not None:
                delta = get(event, "delta")
                dtype = get(delta, "type")
                if dtype == "text_delta":
                    block["text"].append(get(delta, "text") or "")
                elif dtype == "thinking_delta":
                    block["thinking"].append(get(delta, "thinking") or "")
                elif dtype == "input_json_delta":
                    block["json"].append(get(delta, "partial_json") or "")
        elif kind == "content_block_start":
            block = get(event, "content_block")
            self.blocks[get(event, "index", len(self.blocks))] = {
                "type": get(block, "type"),
                "text": [get(block, "text") or ""],
                "thinking": [get(block, "thinking") or ""],
                "json": [],
                "id": get(block, "id"),
                "name": get(block, "name"),
                "input": get(block, "input"),
            }
        elif kind == "message_start":
            message = get(event, "message")
            self.model = get(message, "model")
            self._usage(get(message, "usage"))
        elif kind == "message_delta":
            self.finish_reason = get(get(event, "delta"), "stop_reason") or self.finish_reason
            self._usage(get(event, "usage"))
        return True

    def _usage(self, usage: Any) -> None:
        if usage is None:
            return
        for name in ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"):
            value = get(usage, name)
            if value is not None:
                self.usage[name] = value  # message_delta counts are cumulative: overwrite
        thinking_tokens = get(get(usage, "output_tokens_details"), "thinking_tokens")
        if thinking_tokens is not None:
            self.usage["output_tokens_details"] = {"thinking_tokens": thinking_tokens}

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
