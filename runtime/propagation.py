"""Carry the session across service boundaries in HTTP headers.

``inject_context(headers)`` adds a W3C ``traceparent`` (the session's trace id) and
``x-amplitude-session-id`` (plus ``x-amplitude-agent-id`` when an agent is active) from the
active session; ``extract_context(headers)`` reads them back on the receiving side::

    headers = inject_context({"Authorization": "..."})
    ctx = extract_context(request.headers)   # {"trace_id": ..., "session_id": ..., "agent_id": ...}

Trace ids that are UUIDs travel inside ``traceparent`` (32 hex digits) and come back as the same
UUID; any other trace id also travels verbatim in ``x-amplitude-trace-id``.
"""

from __future__ import annotations

import os
import re
import uuid
from typing import Any, Mapping, Optional

from .context import get_active_context

__all__ = [
    "inject_context",
    "extract_context",
    "TRACEPARENT",
    "SESSION_HEADER",
    "AGENT_HEADER",
    "TRACE_HEADER",
]

TRACEPARENT = "traceparent"
SESSION_HEADER = "x-amplitude-session-id"
AGENT_HEADER = "x-amplitude-agent-id"
TRACE_HEADER = "x-amplitude-trace-id"

_TRACEPARENT_RE = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def _trace_hex(trace_id: str) -> tuple[str, bool]:
    """(32 hex digits, whether the trace id is exactly recoverable from them)."""
    try:
        return uuid.UUID(trace_id).hex, True
    except (ValueError, AttributeError, TypeError):
        pass
    text = str(trace_id).lower()
    if re.fullmatch(r"[0-9a-f]{32}", text) and text != "0" * 32:
        return text, True
    import hashlib

    return hashlib.sha256(str(trace_id).encode("utf-8")).hexdigest()[:32], False


def inject_context(headers: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
    """A copy of ``headers`` with the active session's propagation headers added.

    Outside a session the copy is returned unchanged. An existing ``traceparent`` (from
    OpenTelemetry, say) is kept; the Amplitude trace id then travels in ``x-amplitude-trace-id``.
    """
    out: dict[str, Any] = dict(headers) if headers else {}
    ctx = get_active_context()
    if ctx is None:
        return out
    present = {str(k).lower() for k in out}
    if ctx.session_id:
        out[SESSION_HEADER] = str(ctx.session_id)
    if ctx.agent_id:
        out[AGENT_HEADER] = str(ctx.agent_id)
    if ctx.trace_id:
        trace_hex, exact = _trace_hex(str(ctx.trace_id))
        if TRACEPARENT in present:
            exact = False
        else:
            out[TRACEPARENT] = f"00-{trace_hex}-{os.urandom(8).hex()}-01"
        if not exact:
            out[TRACE_HEADER] = str(ctx.trace_id)
    return out


def _lookup(headers: Any, name: str) -> Optional[str]:
    if headers is None:
        return None
    getter = getattr(headers, "get", None)
    if getter is not None:
        for key in (name, name.title(), name.upper()):
            value = getter(key)
            if value is not None:
                return str(value)
    items = headers.items() if hasattr(headers, "items") else headers
    try:
        for key, value in items:
            if isinstance(key, bytes):
                key = key.decode("latin-1")
            if str(key).lower() == name:
                return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    except (TypeError, ValueError):
        return None
    return None


def extract_context(headers: Any) -> dict[str, str]:
    """The propagated ``trace_id`` / ``session_id`` / ``agent_id`` found in ``headers`` (absent keys left out).

    ``headers`` may be a dict (any key case), a Starlette/requests headers object or a list of pairs.
    """
    found: dict[str, str] = {}
    trace = _lookup(headers, TRACE_HEADER)
    if trace:
        found["trace_id"] = trace.strip()
    else:
        parent = _lookup(headers, TRACEPARENT)
        match = _TRACEPARENT_RE.match(parent.strip().lower()) if parent else None
        if match and match.group(2) != "0" * 32:
            found["trace_id"] = str(uuid.UUID(hex=match.group(2)))
    session = _lookup(headers, SESSION_HEADER)
    if session and session.strip():
        found["session_id"] = session.strip()
    agent = _lookup(headers, AGENT_HEADER)
    if agent and agent.strip():
        found["agent_id"] = agent.strip()
    return found
