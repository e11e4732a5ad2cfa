"""The one event builder: every ``[Agent]`` event's properties are made here.

``AmplitudeAI.track_*`` resolve the fields (explicit arguments, bound defaults, the active
session context), then call one ``build_*`` function of :class:`EventBuilder`, which applies
the content mode and PII redaction (``core/privacy.py``), computes derived properties (total
tokens, cost, model tier, attachment summary, label map, tool-definition hash) and returns an
:class:`AgentEvent` ready for ``core/delivery.py``.

The hot path avoids per-event heavy work: no deep copies, the agent context is serialized once
per agent/session, cost and tier are looked up in caches owned by their modules, and logging
arguments are only formatted when a record is emitted.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
import uuid
from typing import Any, Iterable, Optional

from .. import catalog as C
from .._version import __version__
from .cost import calculate_cost
from .model_tier import infer_model_tier
from .privacy import ContentPolicy, Redactor

__all__ = ["AgentEvent", "EventBuilder", "Resolved", "new_id", "summarize_attachments", "normalize_usage"]

_uuid4 = uuid.uuid4
_dumps = json.dumps


# IDs only need to be unique, not secret: a private generator seeded from os.urandom (and
# re-seeded in a forked child) instead of one os.urandom call per event. os.urandom is a system
# call that releases the GIL, which on a busy process hands the caller's thread to any other
# thread for a scheduling interval; getrandbits never does.
_rng = random.Random(int.from_bytes(os.urandom(32), "big"))
_getrandbits = _rng.getrandbits
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)  # version 4, RFC 4122 variant


def _reseed() -> None:
    _rng.seed(int.from_bytes(os.urandom(32), "big"))


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reseed)


def new_id() -> str:
    """A fresh random (version 4) UUID string: message_id, invocation_id, span_id, session/trace id.

    Same format and value space as ``str(uuid.uuid4())`` at a fraction of its cost (this runs
    once per event).
    """
    h = "%032x" % ((_getrandbits(128) & _UUID_CLEAR) | _UUID_SET)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class AgentEvent:
    """One built event, before delivery (a plain record; delivery turns it into the SDK's event)."""

    __slots__ = ("event_type", "user_id", "device_id", "session_id", "properties", "insert_id", "time", "groups")

    def __init__(
        self,
        event_type: str,
        user_id: Optional[str],
        device_id: Optional[str],
        session_id: Optional[int],
        properties: dict[str, Any],
        insert_id: str,
        groups: Optional[dict[str, Any]],
        time_ms: Optional[int] = None,
    ) -> None:
        self.event_type = event_type
        self.user_id = user_id
        self.device_id = device_id
        self.session_id = session_id
        self.properties = properties
        self.insert_id = insert_id
        self.time = int(time.time() * 1000) if time_ms is None else time_ms
        self.groups = groups

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "event_type": self.event_type,
            "user_id": self.user_id,
            "device_id": self.device_id,
            "event_properties": dict(self.properties),
            "insert_id": self.insert_id,
            "time": self.time,
        }
        if self.session_id is not None:
            out["session_id"] = self.session_id
        if self.groups:
            out["groups"] = dict(self.groups)
        return out


class Resolved:
    """The identity/session fields of one tracking call after defaults and context were applied,
    and the moment of the call (``time``, ms since the epoch; ``None`` = when the event is built)."""

    __slots__ = (
        "user_id", "session_id", "trace_id", "turn_id", "agent_id", "parent_agent_id", "customer_org_id",
        "agent_version", "description", "context_json", "env", "device_id", "browser_session_id", "groups", "time",
    )

    def __init__(self) -> None:
        self.user_id = self.session_id = self.trace_id = self.turn_id = None
        self.agent_id = self.parent_agent_id = self.customer_org_id = None
        self.agent_version = self.description = self.context_json = self.env = None
        self.device_id = self.browser_session_id = self.groups = self.time = None


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------
_BINARY_KEYS = frozenset({"content", "data", "bytes", "base64", "b64", "b64_json", "file", "body", "raw"})


def summarize_attachments(attachments: Iterable[Any]) -> tuple[list[dict[str, Any]], list[str], Optional[int]]:
    """Metadata of each attachment (never file content), distinct types, total size (None if unknown)."""
    items: list[dict[str, Any]] = []
    types: list[str] = []
    total: Optional[int] = None
    for raw in attachments:
        if raw is None:
            continue
        if not isinstance(raw, dict):
            to_dict = getattr(raw, "to_dict", None)
            raw = to_dict() if callable(to_dict) else {"type": type(raw).__name__}
        meta = {
            str(k): v
            for k, v in raw.items()
            if v is not None and str(k).lower() not in _BINARY_KEYS and not isinstance(v, (bytes, bytearray, memoryview))
        }
        items.append(meta)
        kind = meta.get("type")
        if isinstance(kind, str) and kind and kind not in types:
            types.append(kind)
        size = meta.get("size_bytes")
        if isinstance(size, (int, float)) and not isinstance(size, bool) and size >= 0:
            total = int(size) + (total or 0)
    return items, types, total


_USAGE_KEYS = {
    "input_tokens": ("input_tokens", "prompt_tokens", "inputTokens", "prompt_token_count"),
    "output_tokens": ("output_tokens", "completion_tokens", "outputTokens", "candidates_token_count"),
    "total_tokens": ("total_tokens", "totalTokens", "total_token_count"),
    "cache_read_tokens": ("cache_read_tokens", "cache_read_input_tokens", "cached_tokens", "cacheReadInputTokens"),
    "cache_creation_tokens": ("cache_creation_tokens", "cache_creation_input_tokens", "cacheWriteInputTokens"),
    "reasoning_tokens": ("reasoning_tokens", "thoughts_token_count"),
}


def normalize_usage(usage: Any) -> dict[str, int]:
    """Token counts from a ``usage=`` dict (our names, or OpenAI/Anthropic/Bedrock/Gemini style)."""
    if usage is None:
        return {}
    if not isinstance(usage, dict):
        to_dict = getattr(usage, "model_dump", None) or getattr(usage, "to_dict", None)
        usage = to_dict() if callable(to_dict) else dict(getattr(usage, "__dict__", {}))
    out: dict[str, int] = {}
    for name, aliases in _USAGE_KEYS.items():
        for alias in aliases:
            value = usage.get(alias)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out[name] = int(value)
                break
    details = usage.get("prompt_tokens_details") or usage.get("input_tokens_details")
    if isinstance(details, dict) and "cache_read_tokens" not in out:
        cached = details.get("cached_tokens")
        if isinstance(cached, int):
            out["cache_read_tokens"] = cached
    details = usage.get("completion_tokens_details") or usage.get("output_tokens_details")
    if isinstance(details, dict) and "reasoning_tokens" not in out:
        reasoning = details.get("reasoning_tokens")
        if isinstance(reasoning, int):
            out["reasoning_tokens"] = reasoning
    return out


def _normalize_tool_definitions(tools: Iterable[Any]) -> list[dict[str, Any]]:
    out = []
    for tool in tools:
        if not isinstance(tool, dict):
            to_dict = getattr(tool, "model_dump", None) or getattr(tool, "to_dict", None)
            tool = to_dict() if callable(to_dict) else {"name": getattr(tool, "name", str(tool))}
        fn = tool.get("function") if isinstance(tool.get("function"), dict) else None
        src = fn or tool.get("toolSpec") or tool
        entry: dict[str, Any] = {"name": src.get("name")}
        if src.get("description") is not None:
            entry["description"] = src.get("description")
        params = src.get("parameters", src.get("input_schema", src.get("inputSchema")))
        if params is not None:
            entry["parameters"] = params
        out.append(entry)
    return out


def _tool_call_names(tool_calls: Iterable[Any]) -> list[dict[str, Any]]:
    out = []
    for call in tool_calls:
        if isinstance(call, dict):
            fn = call.get("function") if isinstance(call.get("function"), dict) else call
            name = fn.get("name")
            entry = {"name": name} if name is not None else {}
            if call.get("id") is not None:
                entry["id"] = call.get("id")
            out.append(entry)
        else:
            out.append({"name": getattr(call, "name", None)})
    return out


def _labels(labels: Iterable[Any]) -> list[dict[str, Any]]:
    out = []
    for label in labels:
        if label is None:
            continue
        to_dict = getattr(label, "to_dict", None)
        item = to_dict() if callable(to_dict) else dict(label)
        out.append(item)
    return out


def _enrichments_json(enrichments: Any) -> str:
    if isinstance(enrichments, str):
        return enrichments
    to_dict = getattr(enrichments, "to_dict", None)
    data = to_dict() if callable(to_dict) else enrichments
    return _dumps(data, default=str)


def _replay_id(device_id: Any, browser_session_id: Any) -> Optional[str]:
    if device_id and browser_session_id is not None and browser_session_id != "":
        return f"{device_id}/{browser_session_id}"
    return None


def _amplitude_session_id(browser_session_id: Any) -> Optional[int]:
    """Amplitude's own (integer, epoch-ms) session id, when the browser session id is one."""
    if browser_session_id is None or isinstance(browser_session_id, bool):
        return None
    if isinstance(browser_session_id, int):
        return browser_session_id
    if isinstance(browser_session_id, str) and browser_session_id.isdigit():
        return int(browser_session_id)
    return None


# --------------------------------------------------------------------------------------
# the builder
# --------------------------------------------------------------------------------------
class EventBuilder:
    """Builds ``[Agent]`` events for one :class:`~amplitude_ai.AmplitudeAI` configuration."""

    def __init__(self, config: Any) -> None:
        redactor = Redactor(
            redact_pii=config.redact_pii,
            custom_patterns=config.custom_redaction_patterns,
            custom_fn=config.custom_redaction_fn,
        )
        self.policy = ContentPolicy(config.content_mode, redactor)
        self.full = self.policy.allowed
        self._redact = redactor.redact if redactor.active else None
        self._base = {C.PROP_SDK_VERSION: __version__, C.PROP_RUNTIME: "python"}

    # -- shared ---------------------------------------------------------------------------
    def _text(self, value: Any) -> Optional[str]:
        """Text that may leave the process (redacted), or None in the metadata modes."""
        if value is None or not self.full:
            return None
        if not isinstance(value, str):
            value = str(value)
        redact = self._redact
        return redact(value) if redact is not None else value

    def _json_text(self, value: Any) -> Optional[str]:
        if value is None or not self.full:
            return None
        if isinstance(value, str):
            text = value
        else:
            try:
                text = _dumps(value, default=str, ensure_ascii=False)
            except (TypeError, ValueError):
                text = str(value)
        redact = self._redact
        return redact(text) if redact is not None else text

    def _common(self, r: Resolved, extra: Optional[dict[str, Any]]) -> dict[str, Any]:
        props: dict[str, Any] = dict(extra) if extra else {}
        props.update(self._base)
        if r.session_id is not None:
            props[C.PROP_SESSION_ID] = r.session_id
        if r.trace_id is not None:
            props[C.PROP_TRACE_ID] = r.trace_id
        if r.turn_id is not None:
            props[C.PROP_TURN_ID] = r.turn_id
        if r.agent_id is not None:
            props[C.PROP_AGENT_ID] = r.agent_id
        if r.parent_agent_id is not None:
            props[C.PROP_PARENT_AGENT_ID] = r.parent_agent_id
        if r.customer_org_id is not None:
            props[C.PROP_CUSTOMER_ORG_ID] = r.customer_org_id
        if r.agent_version is not None:
            props[C.PROP_AGENT_VERSION] = r.agent_version
        if r.description is not None:
            props[C.PROP_AGENT_DESCRIPTION] = r.description
        if r.context_json is not None:
            props[C.PROP_CONTEXT] = r.context_json
        if r.env is not None:
            props[C.PROP_ENV] = r.env
        return props

    def _replay(self, props: dict[str, Any], r: Resolved) -> None:
        replay = _replay_id(r.device_id, r.browser_session_id)
        if replay is not None:
            props[C.PROP_SESSION_REPLAY_ID] = replay

    def _event(self, event_type: str, r: Resolved, props: dict[str, Any], insert_id: Optional[str] = None) -> AgentEvent:
        return AgentEvent(
            event_type,
            r.user_id,
            r.device_id,
            _amplitude_session_id(r.browser_session_id),
            props,
            insert_id or new_id(),
            r.groups,
            r.time,
        )

    def _message_extras(self, props: dict[str, Any], attachments: Any, labels: Any, label_map: bool) -> None:
        if attachments:
            items, types, total = summarize_attachments(attachments)
            if items:
                props[C.PROP_HAS_ATTACHMENTS] = True
                props[C.PROP_ATTACHMENT_COUNT] = len(items)
                props[C.PROP_ATTACHMENT_TYPES] = _dumps(types)
                if total is not None:
                    props[C.PROP_TOTAL_ATTACHMENT_SIZE_BYTES] = total
                if self.full:
                    props[C.PROP_ATTACHMENTS] = self._json_text(items)
        if labels:
            items = _labels(labels)
            if items:
                props[C.PROP_MESSAGE_LABELS] = _dumps(items, default=str)
                if label_map:
                    props[C.PROP_MESSAGE_LABEL_MAP] = _dumps(
                        {str(i.get("key")): i.get("value") for i in items}, default=str
                    )

    # -- the eight event types -----------------------------------------------------------
    def user_message(
        self,
        r: Resolved,
        content: Any,
        *,
        message_id: str,
        labels: Any = None,
        attachments: Any = None,
        is_regeneration: Optional[bool] = None,
        is_edit: Optional[bool] = None,
        edited_message_id: Optional[str] = None,
        locale: Optional[str] = None,
        message_source: Optional[str] = None,
        event_properties: Optional[dict[str, Any]] = None,
    ) -> AgentEvent:
        props = self._common(r, event_properties)
        props[C.PROP_MESSAGE_ID] = message_id
        props[C.PROP_COMPONENT_TYPE] = "user_input"
        props[C.PROP_MESSAGE_SOURCE] = message_source or ("agent" if r.parent_agent_id else "user")
        if locale is not None:
            props[C.PROP_LOCALE] = locale
        if is_regeneration is not None:
            props[C.PROP_IS_REGENERATION] = bool(is_regeneration)
        if is_edit is not None:
            props[C.PROP_IS_EDIT] = bool(is_edit)
        if edited_message_id is not None:
            props[C.PROP_EDITED_MESSAGE_ID] = edited_message_id
        self._message_extras(props, attachments, labels, label_map=False)
        self._replay(props, r)
        text = self._text(content)
        if text is not None:
            props[C.PROP_LLM_MESSAGE] = {"text": text}
        return self._event(C.EVENT_USER_MESSAGE, r, props, message_id)

    def ai_message(
        self,
        r: Resolved,
        content: Any,
        *,
        message_id: str,
        model: Optional[str],
        provider: Optional[str],
        latency_ms: Optional[float],
        input_tokens: Optional[int] = None,
        output_tokens: Optional[int] = None,
        total_tokens: Optional[int] = None,
        reasoning_tokens: Optional[int] = None,
        cache_read_tokens: Optional[int] = None,
        cache_creation_tokens: Optional[int] = None,
        total_cost_usd: Optional[float] = None,
        ttfb_ms: Optional[float] = None,
        finish_reason: Optional[str] = None,
        tool_calls: Any = None,
        reasoning_content: Optional[str] = None,
        system_prompt: Optional[str] = None,
        tool_definitions: Any = None,
        temperature: Optional[float] = None,
        max_output_tokens: Optional[int] = None,
        top_p: Optional[float] = None,
        is_streaming: Optional[bool] = None,
        prompt_id: Optional[str] = None,
        was_copied: Optional[bool] = None,
        was_cached: Optional[bool] = None,
        model_tier: Optional[str] = None,
        is_error: bool = False,
        error_message: Optional[str] = None,
        labels: Any = None,
        attachments: Any = None,
        locale: Optional[str] = None,
        span_kind: Optional[str] = None,
        event_properties: Optional[dict[str, Any]] = None,
    ) -> AgentEvent:
        props = self._common(r, event_properties)
        props[C.PROP_MESSAGE_ID] = message_id
        props[C.PROP_COMPONENT_TYPE] = "llm"
        props[C.PROP_MODEL_NAME] = model if model is not None else "unknown"
        props[C.PROP_PROVIDER] = provider if provider is not None else "unknown"
        props[C.PROP_LATENCY_MS] = latency_ms if latency_ms is not None else 0.0
        props[C.PROP_IS_ERROR] = bool(is_error)
        if error_message is not None:
            props[C.PROP_ERROR_MESSAGE] = str(error_message)
        if locale is not None:
            props[C.PROP_LOCALE] = locale
        if span_kind is not None:
            props[C.PROP_SPAN_KIND] = span_kind
        if ttfb_ms is not None:
            props[C.PROP_TTFB_MS] = ttfb_ms
        if input_tokens is not None:
            props[C.PROP_INPUT_TOKENS] = input_tokens
        if output_tokens is not None:
            props[C.PROP_OUTPUT_TOKENS] = output_tokens
        if total_tokens is None and input_tokens is not None and output_tokens is not None:
            total_tokens = input_tokens + output_tokens
        if total_tokens is not None:
            props[C.PROP_TOTAL_TOKENS] = total_tokens
        if reasoning_tokens is not None:
            props[C.PROP_REASONING_TOKENS] = reasoning_tokens
        if cache_read_tokens is not None:
            props[C.PROP_CACHE_READ_TOKENS] = cache_read_tokens
        if cache_creation_tokens is not None:
            props[C.PROP_CACHE_CREATION_TOKENS] = cache_creation_tokens
        if total_cost_usd is None and model and (input_tokens is not None or output_tokens is not None):
            total_cost_usd = calculate_cost(
                model, provider, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, reasoning_tokens
            )
        if total_cost_usd is not None:
            props[C.PROP_COST_USD] = float(total_cost_usd)
        if finish_reason is not None:
            props[C.PROP_FINISH_REASON] = str(finish_reason)
        if tool_calls:
            props[C.PROP_TOOL_CALLS] = (
                self._json_text(tool_calls) if self.full else _dumps(_tool_call_names(tool_calls), default=str)
            )
        has_reasoning = bool(reasoning_content) or bool(reasoning_tokens)
        if has_reasoning:
            props[C.PROP_HAS_REASONING] = True
            text = self._text(reasoning_content) if reasoning_content else None
            if text is not None:
                props[C.PROP_REASONING_CONTENT] = text
        if system_prompt is not None:
            if not isinstance(system_prompt, str):
                system_prompt = _dumps(system_prompt, default=str)
            props[C.PROP_SYSTEM_PROMPT_LENGTH] = len(system_prompt)
            text = self._text(system_prompt)
            if text is not None:
                props[C.PROP_SYSTEM_PROMPT] = text
        if tool_definitions:
            normalized = _normalize_tool_definitions(tool_definitions)
            serialized = _dumps(normalized, sort_keys=True, default=str)
            props[C.PROP_TOOL_DEFINITIONS_COUNT] = len(normalized)
            props[C.PROP_TOOL_DEFINITIONS_HASH] = hashlib.sha256(serialized.encode("utf-8")).hexdigest()
            if self.full:
                props[C.PROP_TOOL_DEFINITIONS] = self._json_text(serialized)
        if temperature is not None:
            props[C.PROP_TEMPERATURE] = temperature
        if max_output_tokens is not None:
            props[C.PROP_MAX_OUTPUT_TOKENS] = max_output_tokens
        if top_p is not None:
            props[C.PROP_TOP_P] = top_p
        if is_streaming is not None:
            props[C.PROP_IS_STREAMING] = bool(is_streaming)
        if prompt_id is not None:
            props[C.PROP_PROMPT_ID] = prompt_id
        if was_copied is not None:
            props[C.PROP_WAS_COPIED] = bool(was_copied)
        if was_cached is not None:
            props[C.PROP_WAS_CACHED] = bool(was_cached)
        tier = model_tier if model_tier is not None else infer_model_tier(model)
        if tier is not None:
            props[C.PROP_MODEL_TIER] = tier
        self._message_extras(props, attachments, labels, label_map=True)
        self._replay(props, r)
        text = self._text(content)
        if text is not None:
            props[C.PROP_LLM_MESSAGE] = {"text": text}
        return self._event(C.EVENT_AI_RESPONSE, r, props, message_id)

    def tool_call(
        self,
        r: Resolved,
        *,
        invocation_id: str,
        tool_name: str,
        latency_ms: Optional[float],
        success: bool,
        input: Any = None,
        output: Any = None,
        parent_message_id: Optional[str] = None,
        is_error: Optional[bool] = None,
        error_message: Optional[str] = None,
        locale: Optional[str] = None,
        span_kind: Optional[str] = None,
        event_properties: Optional[dict[str, Any]] = None,
    ) -> AgentEvent:
        props = self._common(r, event_properties)
        props[C.PROP_COMPONENT_TYPE] = "tool"
        props[C.PROP_INVOCATION_ID] = invocation_id
        props[C.PROP_TOOL_NAME] = str(tool_name)
        props[C.PROP_TOOL_SUCCESS] = bool(success)
        props[C.PROP_LATENCY_MS] = latency_ms if latency_ms is not None else 0.0
        props[C.PROP_IS_ERROR] = bool(is_error) if is_error is not None else not success
        if error_message is not None:
            props[C.PROP_ERROR_MESSAGE] = str(error_message)
        if locale is not None:
            props[C.PROP_LOCALE] = locale
        if span_kind is not None:
            props[C.PROP_SPAN_KIND] = span_kind
        if parent_message_id is not None:
            props[C.PROP_PARENT_MESSAGE_ID] = parent_message_id
        text = self._json_text(input)
        if text is not None:
            props[C.PROP_TOOL_INPUT] = text
        text = self._json_text(output)
        if text is not None:
            props[C.PROP_TOOL_OUTPUT] = text
        self._replay(props, r)
        return self._event(C.EVENT_TOOL_CALL, r, props, invocation_id)

    def embedding(
        self,
        r: Resolved,
        *,
        span_id: str,
        model: Optional[str],
        provider: Optional[str],
        latency_ms: Optional[float],
        input_tokens: Optional[int] = None,
        dimensions: Optional[int] = None,
        total_cost_usd: Optional[float] = None,
        event_properties: Optional[dict[str, Any]] = None,
    ) -> AgentEvent:
        props = self._common(r, event_properties)
        props[C.PROP_COMPONENT_TYPE] = "embedding"
        props[C.PROP_SPAN_ID] = span_id
        props[C.PROP_MODEL_NAME] = model if model is not None else "unknown"
        props[C.PROP_PROVIDER] = provider if provider is not None else "unknown"
        props[C.PROP_LATENCY_MS] = latency_ms if latency_ms is not None else 0.0
        if input_tokens is not None:
            props[C.PROP_INPUT_TOKENS] = input_tokens
        if dimensions is not None:
            props[C.PROP_EMBEDDING_DIMENSIONS] = dimensions
        if total_cost_usd is None and model and input_tokens is not None:
            total_cost_usd = calculate_cost(model, provider, input_tokens, 0)
        if total_cost_usd is not None:
            props[C.PROP_COST_USD] = float(total_cost_usd)
        return self._event(C.EVENT_EMBEDDING, r, props, span_id)

    def span(
        self,
        r: Resolved,
        *,
        span_id: str,
        span_name: str,
        latency_ms: Optional[float],
        parent_span_id: Optional[str] = None,
        input_state: Any = None,
        output_state: Any = None,
        is_error: bool = False,
        error_message: Optional[str] = None,
        event_properties: Optional[dict[str, Any]] = None,
    ) -> AgentEvent:
        props = self._common(r, event_properties)
        props[C.PROP_SPAN_ID] = span_id
        props[C.PROP_SPAN_NAME] = str(span_name)
        props[C.PROP_LATENCY_MS] = latency_ms if latency_ms is not None else 0.0
        props[C.PROP_IS_ERROR] = bool(is_error)
        if error_message is not None:
            props[C.PROP_ERROR_MESSAGE] = str(error_message)
        if parent_span_id is not None:
            props[C.PROP_PARENT_SPAN_ID] = parent_span_id
        text = self._json_text(input_state)
        if text is not None:
            props[C.PROP_INPUT_STATE] = text
        text = self._json_text(output_state)
        if text is not None:
            props[C.PROP_OUTPUT_STATE] = text
        return self._event(C.EVENT_SPAN, r, props, span_id)

    def session_end(
        self,
        r: Resolved,
        *,
        enrichments: Any = None,
        abandonment_turn: Optional[int] = None,
        idle_timeout_minutes: Optional[float] = None,
        event_properties: Optional[dict[str, Any]] = None,
    ) -> AgentEvent:
        props = self._common(r, event_properties)
        if enrichments is not None:
            props[C.PROP_ENRICHMENTS] = _enrichments_json(enrichments)
        if abandonment_turn is not None:
            props[C.PROP_ABANDONMENT_TURN] = abandonment_turn
        if idle_timeout_minutes is not None:
            props[C.PROP_SESSION_IDLE_TIMEOUT_MINUTES] = idle_timeout_minutes
        return self._event(C.EVENT_SESSION_END, r, props)

    def session_enrichment(
        self, r: Resolved, *, enrichments: Any, event_properties: Optional[dict[str, Any]] = None
    ) -> AgentEvent:
        props = self._common(r, event_properties)
        props[C.PROP_ENRICHMENTS] = _enrichments_json(enrichments)
        return self._event(C.EVENT_SESSION_ENRICHMENT, r, props)

    def score(
        self,
        r: Resolved,
        *,
        name: str,
        value: float,
        target_id: str,
        target_type: str = "message",
        source: str = "user",
        comment: Optional[str] = None,
        taxonomy_version: Optional[str] = None,
        evaluated_at: Optional[int] = None,
        event_properties: Optional[dict[str, Any]] = None,
    ) -> AgentEvent:
        props = self._common(r, event_properties)
        props[C.PROP_SCORE_NAME] = str(name)
        props[C.PROP_SCORE_VALUE] = value
        props[C.PROP_TARGET_ID] = str(target_id)
        props[C.PROP_TARGET_TYPE] = target_type
        props[C.PROP_EVALUATION_SOURCE] = source
        text = self._text(comment)
        if text is not None:
            props[C.PROP_COMMENT] = text
        if taxonomy_version is not None:
            props[C.PROP_TAXONOMY_VERSION] = str(taxonomy_version)
        if evaluated_at is not None:
            props[C.PROP_EVALUATED_AT] = evaluated_at
        return self._event(C.EVENT_SCORE, r, props)
