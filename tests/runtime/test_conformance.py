"""Every tracking call, driven with every documented parameter, emits events the catalog accepts.

``catalog.check_event`` reports missing required properties, properties outside the catalog
and wrong types. Each event type is driven through AmplitudeAI, BoundAgent and Session.
"""

from __future__ import annotations

import json

import pytest

from amplitude_ai import (
    EvidenceQuote,
    MessageLabel,
    MockAmplitudeAI,
    RubricScore,
    SessionEnrichments,
    TopicClassification,
)
from amplitude_ai.catalog import EVENTS, check_event

CUSTOM = {"plan": "enterprise", "seats": 50}  # user-supplied event_properties ride along unchecked

COMMON = dict(
    trace_id="trace-1", agent_id="support-agent", parent_agent_id="orchestrator", customer_org_id="acme-123",
    agent_version="v4.2", description="Handles support", context={"experiment_variant": "treatment"},
    env="production", device_id="device-12345", browser_session_id=1764400000000, groups={"company": "acme"},
    event_properties=CUSTOM,
)

ENRICHMENTS = SessionEnrichments(
    topic_classifications={
        "query_intent": TopicClassification(l1="quantitative_diagnostic"),
        "product_area": TopicClassification(values=["charts", "cohorts"], primary="charts", l2="legacy",
                                            subcategories=["WRONG_EVENT"], topics_covered=["charts"],
                                            outcomes_by_topic={"charts": "response_provided"}),
    },
    rubrics=[RubricScore(name="response_quality", score=0.92, rationale="Clear",
                         evidence=[EvidenceQuote(quote="Here is how...", turn_index=2, role="assistant")],
                         improvement_opportunities="Add a link")],
    overall_outcome="response_provided", quality_score=0.88, sentiment_score=0.75, has_task_failure=True,
    has_negative_feedback=False, has_data_quality_issues=False, has_technical_failure=False,
    task_failure_type="unable_to_complete", task_failure_reason="Data source not connected",
    negative_feedback_phrases=["not helpful"], data_quality_issues=["stale"], technical_error_count=1,
    agent_chain=["router", "analytics-agent"], root_agent_name="router", request_complexity="moderate",
    error_categories=["timeout"], behavioral_patterns=["multi_turn_refinement"], custom_metadata={"deployment": "canary"},
    message_labels={"msg-1": [MessageLabel(key="intent", value="how_to", confidence=0.94)]},
)


def user_message(call):
    return call("track_user_message", content="How do I create a funnel? mail me: a@b.co " * 50, turn_id=1,
                labels=[MessageLabel(key="flow", value="onboarding"), MessageLabel(key="intent", value="how_to", confidence=0.9)],
                attachments=[{"type": "image", "name": "s.png", "url": "https://cdn/s.png", "mime_type": "image/png", "size_bytes": 10},
                             {"type": "pdf", "name": "c.pdf", "page_count": 23}],
                is_regeneration=True, is_edit=True, edited_message_id="msg-0", locale="en-US", message_source="user")


def ai_message(call):
    return call(
        "track_ai_message", content="To create a funnel...", model="claude-sonnet-4-20250514", provider="anthropic",
        latency_ms=1240.5, turn_id=2, input_tokens=4850, output_tokens=312, total_tokens=5162, reasoning_tokens=100,
        cache_read_tokens=4200, cache_creation_tokens=500, ttfb_ms=89.3, finish_reason="end_turn",
        tool_calls=[{"id": "t1", "type": "function", "function": {"name": "search", "arguments": "{}"}}],
        reasoning_content="Let me think", system_prompt="You are helpful",
        tool_definitions=[{"name": "search", "description": "Search docs", "input_schema": {"type": "object"}}],
        temperature=0.7, top_p=0.9, max_output_tokens=1024, is_streaming=True, prompt_id="prompt-v7",
        was_copied=True, was_cached=False, model_tier="standard", is_error=False, error_message=None,
        labels=[MessageLabel(key="quality", value="good", confidence=0.91)],
        attachments=[{"type": "image", "name": "chart.png", "size_bytes": 2048}], locale="en-US", span_kind="llm",
        message_source="agent",
    )


def ai_message_with_usage(call):
    return call("track_ai_message", content="x", model="gpt-4o", provider="openai", latency_ms=1.0,
                usage={"input_tokens": 10, "output_tokens": 5}, is_error=True, error_message="rate limited")


def tool_call(call):
    return call("track_tool_call", tool_name="search_docs", latency_ms=85.0, success=False, turn_id=3,
                input={"query": "funnel setup"}, output="Found 3 matching docs...", parent_message_id="msg-1",
                is_error=True, error_message="timeout", locale="en-US", span_kind="tool")


def embedding(call):
    return call("track_embedding", model="text-embedding-3-small", provider="openai", latency_ms=25.0,
                input_tokens=45, dimensions=1536, total_cost_usd=0.00001, turn_id=4)


def span(call):
    return call("track_span", span_name="vector_search", latency_ms=120.0, turn_id=5, parent_span_id="span-0",
                input_state={"query": "funnel", "top_k": 10}, output_state={"results_count": 3}, is_error=True,
                error_message="partial results")


def session_end(call):
    return call("track_session_end", enrichments=ENRICHMENTS, abandonment_turn=1, idle_timeout_minutes=240, turn_id=9)


def session_enrichment(call):
    return call("track_session_enrichment", enrichments=ENRICHMENTS, turn_id=9)


def score(call):
    return call("score", name="accuracy", value=0.92, target_id="msg-1", target_type="message", source="ai",
                comment="Matches ground truth", taxonomy_version="2.0", evaluated_at=1764400000000,
                turn_id=2)


DRIVERS = {
    "[Agent] User Message": [user_message],
    "[Agent] AI Response": [ai_message, ai_message_with_usage],
    "[Agent] Tool Call": [tool_call],
    "[Agent] Embedding": [embedding],
    "[Agent] Span": [span],
    "[Agent] Session End": [session_end],
    "[Agent] Session Enrichment": [session_enrichment],
    "[Agent] Score": [score],
}


def _via_client(mock):
    def call(method, **kwargs):
        return getattr(mock, method)(user_id="user-42", session_id="sess-1", **COMMON, **kwargs)
    return call


def _via_agent(mock):
    agent = mock.agent(**{k: v for k, v in COMMON.items() if k not in ("event_properties", "trace_id")},
                       user_id="user-42", session_id="sess-1", trace_id="trace-1")

    def call(method, **kwargs):
        return getattr(agent, method)(event_properties=CUSTOM, **kwargs)
    return call


def _via_session(mock):
    agent = mock.agent(**{k: v for k, v in COMMON.items()
                          if k in ("agent_id", "parent_agent_id", "customer_org_id", "agent_version", "description",
                                   "context", "env", "groups")})
    session = agent.session("sess-1", user_id="user-42", device_id="device-12345", browser_session_id=1764400000000,
                            trace_id="trace-1")

    def call(method, **kwargs):
        with session.run_as(agent) if method != "track_session_end" else _null():
            return getattr(session, method)(event_properties=CUSTOM, **kwargs)
    return call


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def test_the_catalog_covers_the_eight_sdk_event_types():
    assert set(DRIVERS) <= set(EVENTS)


@pytest.mark.parametrize("via", [_via_client, _via_agent, _via_session], ids=["AmplitudeAI", "BoundAgent", "Session"])
@pytest.mark.parametrize("event_type", list(DRIVERS))
def test_every_event_conforms(event_type, via):
    for driver in DRIVERS[event_type]:
        mock = MockAmplitudeAI()
        result = driver(via(mock))
        assert len(mock.events) == 1, f"{driver.__name__} via {via.__name__}: {mock.events}"
        event = mock.events[0]
        assert event["event_type"] == event_type
        assert event["user_id"] == "user-42" and event["device_id"] == "device-12345"
        assert event["groups"] == {"company": "acme"}
        props = event["event_properties"]
        for key, value in CUSTOM.items():
            assert props.pop(key) == value
        assert check_event(event_type, props) == []
        # the common fields reached the event
        assert props["[Agent] Session ID"] == "sess-1" and props["[Agent] Trace ID"] == "trace-1"
        assert props["[Agent] Agent ID"] == "support-agent"
        assert props["[Agent] Parent Agent ID"] == "orchestrator"
        assert props["[Agent] Customer Org ID"] == "acme-123"
        assert props["[Agent] Agent Version"] == "v4.2" and props["[Agent] Env"] == "production"
        assert props["[Agent] Agent Description"] == "Handles support"
        assert json.loads(props["[Agent] Context"]) == {"experiment_variant": "treatment"}
        if event_type in ("[Agent] Session End", "[Agent] Session Enrichment", "[Agent] Score"):
            assert result is None
        else:
            assert isinstance(result, str)


def test_all_documented_properties_of_sdk_events_can_be_produced():
    """Across the drivers above, every catalog property of the eight SDK events appears at least once."""
    seen: dict[str, set[str]] = {t: set() for t in DRIVERS}
    for event_type, drivers in DRIVERS.items():
        for driver in drivers:
            mock = MockAmplitudeAI()
            driver(_via_client(mock))
            seen[event_type] |= set(mock.events[0]["event_properties"])
    server_only = {"[Agent] Score Label"}  # the spec: derived server-side only
    missing = {
        t: sorted(p.name for p in EVENTS[t].properties if p.name not in seen[t] and p.name not in server_only)
        for t in DRIVERS
    }
    assert {t: m for t, m in missing.items() if m} == {}
