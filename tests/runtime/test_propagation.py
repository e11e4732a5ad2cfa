"""inject_context / extract_context: W3C traceparent + x-amplitude-session-id."""

from __future__ import annotations

import re

from amplitude_ai import extract_context, inject_context


def test_outside_a_session_headers_are_copied_unchanged():
    original = {"Authorization": "Bearer x"}
    out = inject_context(original)
    assert out == original and out is not original
    assert inject_context() == {}


def test_round_trip_with_a_uuid_trace(mock):
    with mock.agent("orchestrator").session(user_id="u1", session_id="sess-42") as s:
        trace = s.new_trace()
        headers = inject_context({"Authorization": "Bearer x"})
    assert headers["Authorization"] == "Bearer x"
    assert headers["x-amplitude-session-id"] == "sess-42"
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", headers["traceparent"])
    assert headers["traceparent"].split("-")[1] == trace.replace("-", "")
    assert "x-amplitude-trace-id" not in headers
    assert extract_context(headers) == {"trace_id": trace, "session_id": "sess-42", "agent_id": "orchestrator"}


def test_non_uuid_trace_ids_travel_verbatim(mock):
    with mock.agent("a").session(user_id="u1", session_id="s", trace_id="req-1"):
        headers = inject_context()
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", headers["traceparent"])
    assert extract_context(headers)["trace_id"] == "req-1"


def test_existing_traceparent_is_kept(mock):
    theirs = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    with mock.agent("a").session(user_id="u1", session_id="s") as s:
        trace = s.new_trace()
        headers = inject_context({"traceparent": theirs})
    assert headers["traceparent"] == theirs
    assert extract_context(headers)["trace_id"] == trace


def test_extract_is_case_insensitive_and_accepts_pairs():
    pairs = [(b"X-Amplitude-Session-Id", b"s-9"), (b"TraceParent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]
    ctx = extract_context(pairs)
    assert ctx == {"session_id": "s-9", "trace_id": "0af76519-16cd-43dd-8448-eb211c80319c"}
    assert extract_context({"X-AMPLITUDE-SESSION-ID": "s-1"}) == {"session_id": "s-1"}


def test_extract_ignores_malformed_headers():
    assert extract_context({"traceparent": "garbage", "x-amplitude-session-id": "  "}) == {}
    assert extract_context({"traceparent": "00-" + "0" * 32 + "-b7ad6b7169203331-01"}) == {}
    assert extract_context(None) == {}


def test_receiver_joins_the_propagated_session(mock):
    with mock.agent("orchestrator").session(user_id="u1", session_id="dist-1") as s:
        s.new_trace()
        headers = inject_context()
    mock.reset()
    ctx = extract_context(headers)
    with mock.agent("retriever").session(session_id=ctx["session_id"], trace_id=ctx["trace_id"], user_id="u1") as rs:
        rs.track_span(span_name="retrieve", latency_ms=3.0)
    span = mock.events[0]["event_properties"]
    assert span["[Agent] Session ID"] == "dist-1" and span["[Agent] Trace ID"] == ctx["trace_id"]
