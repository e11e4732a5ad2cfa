"""``[Agent] Tool Call`` events read from a request's conversation history (``patch()`` clients).

An agent loop sends the whole conversation on every turn: the assistant's earlier tool calls and,
after them, the results the app computed. For clients created from patched classes, every tool
call whose result is in the request becomes one ``[Agent] Tool Call`` (tool name, input = the
call's arguments, output = the result, ``latency_ms=0`` since messages carry no timing, success =
not flagged as an error). Three request shapes are read, as plain dicts or SDK objects alike
(:func:`_base.read_field`); no provider SDK is imported:

* OpenAI Chat Completions: assistant ``tool_calls`` (``id``, ``function.name``,
  ``function.arguments``) and ``role: "tool"`` messages (``tool_call_id``, ``content``);
* OpenAI Responses API input items: ``type: "function_call"`` (``call_id``, ``name``,
  ``arguments``) and ``type: "function_call_output"`` (``call_id``, ``output``);
* Anthropic Messages: ``tool_use`` content blocks (``id``, ``name``, ``input``) and ``tool_result``
  blocks (``tool_use_id``, ``content``, ``is_error``).

A loop resends its history each turn, so each call id is reported once per tracker: the
extractor remembers the ids it reported (the most recently seen :data:`MAX_SEEN`).
Events go through ``AmplitudeAI.track_tool_call`` (the one event path; content mode and redaction
apply there), with the identity the wrapper resolved for the model call.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, NamedTuple

from ._base import read_field, text_of

logger = logging.getLogger("amplitude_ai")

#: tool call ids remembered per tracker (least recently seen forgotten first)
MAX_SEEN = 10_000

_get = read_field


class ExtractedCall(NamedTuple):
    """One tool call found in a request together with its result."""

    call_id: str
    name: str
    arguments: Any
    output: Any
    is_error: bool


def _output(content: Any) -> Any:
    """A result as sent: a string stays a string; a list of text parts becomes their text."""
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, (list, tuple)):
        text = text_of(content)
        if text is not None:
            return text
    return content


def extract(messages: Any) -> list[ExtractedCall]:
    """Every tool call in ``messages`` whose result is there too, in the order of the results.

    A result without its call (history trimmed) or a call without a name is skipped.
    """
    if not isinstance(messages, (list, tuple)):
        return []
    calls: dict[Any, tuple[Any, Any]] = {}
    results: list[tuple[Any, Any, bool]] = []
    for msg in messages:
        if msg is None or isinstance(msg, str):
            continue
        kind = _get(msg, "type")
        if kind == "function_call":  # Responses API input item
            calls[_get(msg, "call_id")] = (_get(msg, "name"), _get(msg, "arguments"))
            continue
        if kind == "function_call_output":
            results.append((_get(msg, "call_id"), _output(_get(msg, "output")), False))
            continue
        role = _get(msg, "role")
        if role == "tool":  # Chat Completions tool result
            results.append((_get(msg, "tool_call_id"), _output(_get(msg, "content")), False))
            continue
        if role == "assistant":
            for call in _get(msg, "tool_calls") or ():
                fn = _get(call, "function")
                calls[_get(call, "id")] = (_get(fn, "name"), _get(fn, "arguments"))
        content = _get(msg, "content")
        if isinstance(content, (list, tuple)):  # Anthropic content blocks
            for block in content:
                if block is None or isinstance(block, str):
                    continue
                block_type = _get(block, "type")
                if block_type == "tool_use":
                    calls[_get(block, "id")] = (_get(block, "name"), _get(block, "input"))
                elif block_type == "tool_result":
                    results.append(
                        (_get(block, "tool_use_id"), _output(_get(block, "content")), _get(block, "is_error") is True)
                    )
    found: list[ExtractedCall] = []
    for call_id, output, is_error in results:
        if call_id is None:
            continue
        call = calls.get(call_id)
        if call is None or not isinstance(call[0], str) or not call[0]:
            continue
        found.append(ExtractedCall(str(call_id), call[0], call[1], output, is_error))
    return found


class ToolCallExtractor:
    """Per-tracker state of a patched client: which tool call ids were already reported."""

    __slots__ = ("limit", "_seen", "_lock")

    def __init__(self, limit: int = MAX_SEEN) -> None:
        self.limit = limit
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def snapshot(request: Any) -> list[Any] | None:
        """A shallow copy of the request's messages, taken at the call (the caller appends to its
        list afterwards); ``None`` when there is nothing to read."""
        if getattr(request, "kind", "chat") != "chat":
            return None
        messages = getattr(request, "messages", None)
        if type(messages) is list or isinstance(messages, (list, tuple)):
            return list(messages) if len(messages) > 1 else None  # a call and its result take two
        return None

    def first_time(self, call_id: str) -> bool:
        """True the first time ``call_id`` is seen (it is remembered as recently seen either way)."""
        seen = self._seen
        with self._lock:
            if call_id in seen:
                seen.move_to_end(call_id)
                return False
            seen[call_id] = None
            if len(seen) > self.limit:
                seen.popitem(last=False)
            return True

    def track(self, ai: Any, identity: Mapping[str, Any], messages: list[Any]) -> None:
        """Emit one ``[Agent] Tool Call`` per call newly answered in ``messages``. Never raises."""
        try:
            calls = extract(messages)
        except Exception:
            logger.warning("amplitude-ai: could not read tool calls from a request", exc_info=True)
            return
        get = identity.get
        for call in calls:
            if not self.first_time(call.call_id):
                continue
            try:
                ai.track_tool_call(
                    user_id=get("user_id"),
                    tool_name=call.name,
                    latency_ms=0,
                    success=not call.is_error,
                    session_id=get("session_id"),
                    trace_id=get("trace_id"),
                    input=call.arguments,
                    output=call.output,
                    device_id=get("device_id"),
                    event_properties=get("event_properties"),
                    groups=get("groups"),
                )
            except Exception:  # validate=True raises ValidationError: still never into the app
                logger.warning("amplitude-ai: failed to record an extracted tool call", exc_info=True)


__all__ = ["MAX_SEEN", "ExtractedCall", "ToolCallExtractor", "extract"]
