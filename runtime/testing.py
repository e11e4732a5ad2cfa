"""``MockAmplitudeAI``: a real :class:`~amplitude_ai.AmplitudeAI` that records events instead of sending.

Everything runs as in production (context, privacy, validation, cost, debug output); only the
last step differs: each event is appended to :attr:`MockAmplitudeAI.events` as a plain dict::

    {"event_type": "[Agent] User Message", "user_id": "u1", "device_id": None,
     "event_properties": {...}, "insert_id": "...", "time": 1764400000000}

It never opens a network connection and never starts a thread.
"""

from __future__ import annotations

import threading
from typing import Any, Optional

from . import catalog as C
from .client import AmplitudeAI
from .config import AIConfig

__all__ = ["MockAmplitudeAI"]

_MISSING = object()
_TOP_LEVEL = ("user_id", "device_id", "insert_id", "session_id", "time", "groups")


class MockAmplitudeAI(AmplitudeAI):
    """An AmplitudeAI whose events land in ``self.events`` (a list of dicts)."""

    def __init__(self, config: Optional[AIConfig] = None, *, amplitude: Any = None, api_key: Optional[str] = None) -> None:
        self.events: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        super().__init__(config=config if config is not None else AIConfig(), _sink=self._record)

    def _record(self, ev: Any) -> None:
        data = ev.to_dict()
        with self._lock:
            self.events.append(data)

    # -- queries ---------------------------------------------------------------------------
    def events_of_type(self, event_type: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event_type"] == event_type]

    def events_for_session(self, session_id: str) -> list[dict[str, Any]]:
        """Events whose ``[Agent] Session ID`` is ``session_id``."""
        return [e for e in self.events if e["event_properties"].get(C.PROP_SESSION_ID) == session_id]

    def events_for_agent(self, agent_id: str) -> list[dict[str, Any]]:
        """Events whose ``[Agent] Agent ID`` is ``agent_id``."""
        return [e for e in self.events if e["event_properties"].get(C.PROP_AGENT_ID) == agent_id]

    @staticmethod
    def _matches(event: dict[str, Any], expected: dict[str, Any]) -> bool:
        props = event["event_properties"]
        for key, value in expected.items():
            if key in _TOP_LEVEL and key not in props:
                actual = event.get(key, _MISSING)
            else:
                actual = props.get(key, _MISSING)
            if actual is _MISSING or actual != value:
                return False
        return True

    # -- assertions --------------------------------------------------------------------------
    def assert_event_tracked(self, event_type: str, **property_matches: Any) -> dict[str, Any]:
        """Assert at least one ``event_type`` event matches every given value; return the first match.

        Keys are event property names (``**{"[Agent] Model Name": "gpt-4o"}``) or the top-level
        fields ``user_id``, ``device_id``, ``insert_id``, ``session_id``, ``time``, ``groups``.
        """
        candidates = self.events_of_type(event_type)
        for event in candidates:
            if self._matches(event, property_matches):
                return event
        tracked = sorted({e["event_type"] for e in self.events})
        if not candidates:
            raise AssertionError(f"no {event_type!r} event tracked; tracked event types: {tracked}")
        raise AssertionError(
            f"{len(candidates)} {event_type!r} event(s) tracked, none matching {property_matches!r}; "
            f"first one: {candidates[0]!r}"
        )

    def assert_session_closed(self, session_id: str) -> dict[str, Any]:
        """Assert an ``[Agent] Session End`` was tracked for ``session_id``; return it."""
        for event in self.events:
            if event["event_type"] == C.EVENT_SESSION_END and event["event_properties"].get(C.PROP_SESSION_ID) == session_id:
                return event
        raise AssertionError(f"no [Agent] Session End tracked for session {session_id!r}")

    def reset(self) -> None:
        """Forget every recorded event."""
        with self._lock:
            self.events.clear()

    def __repr__(self) -> str:
        return f"<MockAmplitudeAI events={len(self.events)}>"
