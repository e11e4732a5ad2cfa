"""@tool and @observe: sync and async, sessions, errors, amplitude_user_id."""

from __future__ import annotations

import json
import logging

import pytest

from amplitude_ai import observe, tool
from amplitude_ai.context import get_active_context
from tests.runtime.conftest import props


def test_tool_tracks_a_sync_call_and_removes_amplitude_user_id(mock):
    received = {}

    @tool(amplitude=mock)
    def search_knowledge_base(query: str, limit: int = 3) -> str:
        received.update(query=query, limit=limit)
        return "Found 3 results..."

    assert search_knowledge_base(query="retention", amplitude_user_id="user-1") == "Found 3 results..."
    assert received == {"query": "retention", "limit": 3}
    event = mock.assert_event_tracked("[Agent] Tool Call", user_id="user-1")
    p = props(event)
    assert p["[Agent] Tool Name"] == "search_knowledge_base"
    assert p["[Agent] Tool Success"] is True and p["[Agent] Is Error"] is False
    assert json.loads(p["[Agent] Tool Input"]) == {"query": "retention"}
    assert p["[Agent] Tool Output"] == "Found 3 results..."
    assert p["[Agent] Latency Ms"] >= 0


async def test_tool_tracks_async_calls(mock):
    @tool(amplitude=mock)
    async def fetch_user_profile(user_id: str) -> dict:
        return {"id": user_id}

    assert await fetch_user_profile(user_id="u-123", amplitude_user_id="user-1") == {"id": "u-123"}
    p = props(mock.assert_event_tracked("[Agent] Tool Call", user_id="user-1"))
    assert json.loads(p["[Agent] Tool Output"]) == {"id": "u-123"}


def test_tool_records_failures_and_reraises(mock):
    @tool(amplitude=mock, name="flaky")
    def flaky():
        raise ValueError("upstream down")

    with pytest.raises(ValueError, match="upstream down"):
        flaky(amplitude_user_id="user-1")
    p = props(mock.events[0])
    assert p["[Agent] Tool Name"] == "flaky"
    assert p["[Agent] Tool Success"] is False and p["[Agent] Is Error"] is True
    assert p["[Agent] Error Message"] == "ValueError: upstream down"
    assert "[Agent] Tool Output" not in p


def test_tool_accepts_a_raw_amplitude_client(amplitude_client, ingest):
    @tool(amplitude=amplitude_client)
    def ping() -> str:
        return "pong"

    assert ping(amplitude_user_id="user-1") == "pong"
    amplitude_client.flush()
    events = ingest.wait_for_events(1)
    assert events[0]["event_type"] == "[Agent] Tool Call"
    assert events[0]["user_id"] == "user-1"


def test_tool_inside_a_session_inherits_it(mock):
    @tool
    def lookup(key):
        return key.upper()

    with mock.agent("bot").session(user_id="u1", session_id="s1"):
        lookup("abc")
    p = props(mock.events[0])
    assert p["[Agent] Session ID"] == "s1" and p["[Agent] Agent ID"] == "bot"
    assert mock.events[0]["user_id"] == "u1"


def test_tool_without_any_user_is_not_tracked_and_warns_once(mock, caplog):
    @tool(amplitude=mock)
    def anonymous():
        return 1

    with caplog.at_level(logging.WARNING, logger="amplitude_ai"):
        assert anonymous() == 1 and anonymous() == 1
    assert mock.events == []
    assert len([r for r in caplog.records if "anonymous" in r.getMessage()]) == 1


def test_tracking_failure_never_breaks_the_tool(mock, monkeypatch):
    monkeypatch.setattr(mock, "track_tool_call", lambda **kw: (_ for _ in ()).throw(RuntimeError("tracking broke")))

    @tool(amplitude=mock)
    def still_works():
        return "ok"

    assert still_works(amplitude_user_id="user-1") == "ok"


def test_observe_joins_the_active_session_and_links_nested_spans(mock):
    @observe
    def step(query):
        return f"step({query})"

    @observe(name="rag-pipeline")
    def pipeline(query):
        return step(query)

    with mock.agent("bot").session(user_id="u1", session_id="s1") as s:
        trace = s.new_trace()
        assert pipeline("q") == "step(q)"
    spans = mock.events_of_type("[Agent] Span")
    inner, outer = (props(e) for e in spans)
    assert inner["[Agent] Span Name"] == "step" and outer["[Agent] Span Name"] == "rag-pipeline"
    assert inner["[Agent] Parent Span ID"] == outer["[Agent] Span ID"]
    assert "[Agent] Parent Span ID" not in outer
    assert {inner["[Agent] Session ID"], outer["[Agent] Session ID"]} == {"s1"}
    assert inner["[Agent] Trace ID"] == outer["[Agent] Trace ID"] == trace
    assert len(mock.events_of_type("[Agent] Session End")) == 1


def test_observe_opens_and_closes_its_own_session(mock):
    @observe(amplitude=mock)
    def inner(x):
        assert get_active_context() is not None
        return x * 2

    @observe(amplitude=mock)
    def summarize_document(text: str) -> str:
        return str(inner(len(text)))

    assert summarize_document("abcd", amplitude_user_id="user-1") == "8"
    assert get_active_context() is None
    types = [e["event_type"] for e in mock.events]
    assert types == ["[Agent] Span", "[Agent] Span", "[Agent] Session End"]
    sessions = {props(e)["[Agent] Session ID"] for e in mock.events}
    assert len(sessions) == 1  # nested calls share the outer session
    outer = props(mock.events[1])
    assert outer["[Agent] Span Name"] == "summarize_document"
    assert json.loads(outer["[Agent] Input State"]) == {"text": "abcd"}
    assert outer["[Agent] Output State"] == "8"


async def test_observe_async_records_errors(mock):
    @observe(amplitude=mock, name="fetch")
    async def fetch():
        raise TimeoutError("slow")

    with pytest.raises(TimeoutError):
        await fetch(amplitude_user_id="user-1")
    span = props(mock.events_of_type("[Agent] Span")[0])
    assert span["[Agent] Is Error"] is True and span["[Agent] Error Message"] == "TimeoutError: slow"
    mock.assert_session_closed(span["[Agent] Session ID"])


def test_observe_in_metadata_only_mode_sends_no_state(make_mock):
    m = make_mock(content_mode="metadata_only")

    @observe(amplitude=m)
    def secret(x):
        return "classified"

    secret("private input", amplitude_user_id="user-1")
    span = props(m.events[0])
    assert "[Agent] Input State" not in span and "[Agent] Output State" not in span
    assert span["[Agent] Span Name"] == "secret" and "[Agent] Latency Ms" in span


def test_decorators_keep_function_metadata():
    @observe
    def documented():
        """Docs."""

    @tool(name="x")
    async def tool_fn():
        """Tool docs."""

    assert documented.__name__ == "documented" and documented.__doc__ == "Docs."
    assert tool_fn.__name__ == "tool_fn"
    import inspect

    assert inspect.iscoroutinefunction(tool_fn)
