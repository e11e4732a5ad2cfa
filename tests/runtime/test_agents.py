"""BoundAgent, child agents and TenantHandle."""

from __future__ import annotations

import json

from tests.runtime.conftest import props


def test_bound_agent_fills_every_call(mock):
    agent = mock.agent(
        "support-bot", description="Handles support", user_id="user-1", agent_version="v4.2", env="production",
        context={"experiment_variant": "prompt-v2", "surface": "chat"},
    )
    msg = agent.track_user_message(content="How do I set up a funnel?", session_id="s1")
    ai_msg = agent.track_ai_message(
        content="To create a funnel...", session_id="s1", model="gpt-4o", provider="openai", latency_ms=450.0,
        input_tokens=120, output_tokens=340,
    )
    agent.score(name="user-feedback", value=1.0, target_id=ai_msg, session_id="s1")
    agent.track_tool_call("search", latency_ms=1.0, success=True, session_id="s1")
    agent.track_embedding("text-embedding-3-small", provider="openai", latency_ms=1.0, session_id="s1")
    agent.track_span("rerank", latency_ms=1.0, session_id="s1")
    agent.track_session_end(session_id="s1")
    assert msg and ai_msg
    for event in mock.events:
        p = props(event)
        assert event["user_id"] == "user-1"
        assert p["[Agent] Agent ID"] == "support-bot"
        assert p["[Agent] Agent Description"] == "Handles support"
        assert p["[Agent] Agent Version"] == "v4.2"
        assert p["[Agent] Env"] == "production"
        assert json.loads(p["[Agent] Context"]) == {"experiment_variant": "prompt-v2", "surface": "chat"}
        assert p["[Agent] Session ID"] == "s1"


def test_explicit_kwargs_beat_bound_defaults(mock):
    agent = mock.agent("support-bot", user_id="user-1", env="production")
    agent.track_ai_message(content="x", agent_id="override-agent", env="staging", user_id="user-2",
                           session_id="s1", model="gpt-4o", provider="openai", latency_ms=1.0)
    event = mock.events[0]
    assert event["user_id"] == "user-2"
    assert props(event)["[Agent] Agent ID"] == "override-agent"
    assert props(event)["[Agent] Env"] == "staging"
    agent.track_user_message(content="y", session_id="s1")  # the next call is back to the defaults
    assert props(mock.events[1])["[Agent] Agent ID"] == "support-bot"


def test_long_lived_pattern_with_explicit_traces_and_turns(mock):
    agent = mock.agent("support-bot", user_id="user-1", env="production", session_id="thread-abc")
    agent.track_user_message(content="What is retention?", trace_id="req-1", turn_id=1)
    agent.track_ai_message(content="Retention measures...", model="gpt-4o", provider="openai", latency_ms=350.0,
                           trace_id="req-1", turn_id=2)
    agent.track_session_end()
    rows = [(props(e)["[Agent] Session ID"], props(e).get("[Agent] Trace ID"), props(e).get("[Agent] Turn ID")) for e in mock.events]
    assert rows == [("thread-abc", "req-1", 1), ("thread-abc", "req-1", 2), ("thread-abc", None, None)]


def test_child_inherits_chains_parents_and_merges_context(mock):
    orchestrator = mock.agent("orchestrator", env="production", agent_version="v4.2", customer_org_id="acme-123",
                              groups={"company": "acme"}, session_id="s1", trace_id="t1",
                              context={"experiment_variant": "treatment", "surface": "chat"})
    researcher = orchestrator.child("researcher", context={"agent_type": "retriever", "surface": "api"})
    executor = researcher.child("executor")
    assert researcher.parent_agent_id == "orchestrator"
    assert executor.parent_agent_id == "researcher"
    assert researcher.env == executor.env == "production"
    assert researcher.agent_version == executor.agent_version == "v4.2"
    assert researcher.session_id == "s1" and researcher.trace_id == "t1"
    assert researcher.groups == {"company": "acme"} and researcher.customer_org_id == "acme-123"
    assert researcher.context == {"experiment_variant": "treatment", "surface": "api", "agent_type": "retriever"}
    assert orchestrator.context == {"experiment_variant": "treatment", "surface": "chat"}  # parent untouched
    executor.track_tool_call("run", user_id="u1", latency_ms=1.0, success=True)
    event = mock.events[0]
    p = props(event)
    assert p["[Agent] Agent ID"] == "executor" and p["[Agent] Parent Agent ID"] == "researcher"
    assert p["[Agent] Customer Org ID"] == "acme-123" and event["groups"] == {"company": "acme"}
    assert json.loads(p["[Agent] Context"])["agent_type"] == "retriever"


def test_child_overrides(mock):
    parent = mock.agent("orchestrator", env="production", agent_version="v1")
    child = parent.child("worker", agent_version="v2", env="staging", description="does work")
    assert (child.agent_version, child.env, child.description) == ("v2", "staging", "does work")


def test_tenant_prefills_org_and_groups(mock):
    tenant = mock.tenant("acme-corp", groups={"company": "acme-corp"}, env="production")
    support = tenant.agent("support-bot", user_id="u1")
    billing = tenant.agent("billing-bot", user_id="u1", env="staging")
    assert support.customer_org_id == billing.customer_org_id == "acme-corp"
    assert support.groups == {"company": "acme-corp"}
    assert (support.env, billing.env) == ("production", "staging")
    with billing.session() as s:
        s.track_user_message("Check my billing status")
    event = mock.events[0]
    assert props(event)["[Agent] Customer Org ID"] == "acme-corp"
    assert event["groups"] == {"company": "acme-corp"}


def test_manual_multi_tenant_without_bound_agent(mock):
    mock.track_user_message(
        user_id="user-1", content="Check my billing status", session_id="sess-1", trace_id="trace-1",
        agent_id="billing-agent", parent_agent_id="orchestrator", customer_org_id="cust-acme-123", env="production",
    )
    p = props(mock.events[0])
    assert p["[Agent] Parent Agent ID"] == "orchestrator"
    assert p["[Agent] Message Source"] == "agent"
    assert p["[Agent] Customer Org ID"] == "cust-acme-123"


def test_changing_a_bound_field_is_seen_by_later_calls(mock):
    agent = mock.agent("bot", user_id="u1", session_id="s1")
    agent.track_user_message("a")
    agent.env = "staging"
    agent.track_user_message("b")
    assert "[Agent] Env" not in props(mock.events[0])
    assert props(mock.events[1])["[Agent] Env"] == "staging"
