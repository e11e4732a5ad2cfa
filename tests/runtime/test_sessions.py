"""Sessions: lifecycle, context publication, traces, turns, run_as, async, threads, serverless flush."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from amplitude_ai import SessionEnrichments
from amplitude_ai.context import get_active_context
from tests.runtime.conftest import props


def _types(mock):
    return [e["event_type"] for e in mock.events]


def test_session_fills_every_call_and_ends_on_exit(mock):
    agent = mock.agent("support-bot", env="production", agent_version="v4.2", description="Handles support")
    with agent.session(user_id="user-1", session_id="sess-1") as s:
        assert get_active_context().session_id == "sess-1"
        trace = s.new_trace()
        msg = s.track_user_message("What is retention?")
        s.track_ai_message("Retention measures...", model="gpt-4o", provider="openai", latency_ms=350.0)
        s.score(name="helpful", value=1.0, target_id=msg)
    assert get_active_context() is None
    assert _types(mock) == ["[Agent] User Message", "[Agent] AI Response", "[Agent] Score", "[Agent] Session End"]
    for event in mock.events:
        p = props(event)
        assert event["user_id"] == "user-1"
        assert p["[Agent] Session ID"] == "sess-1"
        assert p["[Agent] Trace ID"] == trace
        assert p["[Agent] Agent ID"] == "support-bot"
        assert p["[Agent] Env"] == "production"
        assert p["[Agent] Agent Version"] == "v4.2"
        assert p["[Agent] Agent Description"] == "Handles support"
    assert [props(e).get("[Agent] Turn ID") for e in mock.events[:2]] == [1, 2]


def test_auto_session_id_and_new_trace(mock):
    agent = mock.agent("bot")
    with agent.session(user_id="user-1") as s:
        uuid.UUID(s.session_id)
        t1 = s.new_trace()
        s.track_user_message("first")
        t2 = s.new_trace()
        s.track_user_message("second")
    assert t1 != t2
    assert [props(e)["[Agent] Trace ID"] for e in mock.events[:2]] == [t1, t2]
    mock.assert_session_closed(s.session_id)


def test_session_end_is_sent_even_on_exception(mock):
    agent = mock.agent("bot")
    with pytest.raises(KeyError):
        with agent.session(user_id="user-1", session_id="boom") as s:
            s.track_user_message("hi")
            raise KeyError("app error")
    mock.assert_session_closed("boom")
    assert get_active_context() is None


def test_explicit_session_end_inside_the_block_is_not_repeated(mock):
    with mock.agent("bot").session(user_id="user-1", session_id="s1") as s:
        s.track_session_end(abandonment_turn=1)
    ends = mock.events_of_type("[Agent] Session End")
    assert len(ends) == 1 and props(ends[0])["[Agent] Abandonment Turn"] == 1


def test_idle_timeout_and_enrichments_on_session_end(mock):
    with mock.agent("bot").session(user_id="user-1", session_id="s1", idle_timeout_minutes=240) as s:
        s.set_enrichments(SessionEnrichments(overall_outcome="response_provided", quality_score=0.9))
    end = props(mock.assert_session_closed("s1"))
    assert end["[Agent] Session Idle Timeout Minutes"] == 240
    enrichments = __import__("json").loads(end["[Agent] Enrichments"])
    assert enrichments["overall_outcome"] == "response_provided" and enrichments["quality_score"] == 0.9


def test_manual_calls_inside_a_session_inherit_its_context(mock):
    with mock.agent("bot", env="dev").session(user_id="user-1", session_id="s1", device_id="dev-1", browser_session_id=42) as s:
        s.new_trace()
        mock.track_ai_message(content="plain call", model="gpt-4o", provider="openai", latency_ms=1.0)
    p = props(mock.events[0])
    assert mock.events[0]["user_id"] == "user-1"
    assert p["[Agent] Session ID"] == "s1" and p["[Agent] Agent ID"] == "bot" and p["[Agent] Env"] == "dev"
    assert p["[Amplitude] Session Replay ID"] == "dev-1/42"
    assert p["[Agent] Turn ID"] == 1


def test_run_as_attributes_events_to_the_child_and_restores_the_parent(mock):
    orchestrator = mock.agent("orchestrator", env="production")
    researcher = orchestrator.child("researcher")
    writer = orchestrator.child("writer")
    with orchestrator.session(user_id="u1", session_id="s1") as s:
        s.track_user_message("Compare our pricing")
        with s.run_as(researcher) as rs:
            assert get_active_context().agent_id == "researcher"
            mock.track_ai_message(content="research", model="gpt-4o", provider="openai", latency_ms=1.0)  # like a wrapper
            rs.track_tool_call(tool_name="web_search", latency_ms=500, success=True)
        assert get_active_context().agent_id == "orchestrator"
        with s.run_as(writer):
            mock.track_ai_message(content="draft", model="gpt-4o", provider="openai", latency_ms=1.0)
        s.track_ai_message("Based on research...", model="gpt-4o", provider="openai", latency_ms=500)
    rows = [(e["event_type"], props(e).get("[Agent] Agent ID"), props(e).get("[Agent] Parent Agent ID")) for e in mock.events]
    assert rows == [
        ("[Agent] User Message", "orchestrator", None),
        ("[Agent] AI Response", "researcher", "orchestrator"),
        ("[Agent] Tool Call", "researcher", "orchestrator"),
        ("[Agent] AI Response", "writer", "orchestrator"),
        ("[Agent] AI Response", "orchestrator", None),
        ("[Agent] Session End", "orchestrator", None),
    ]
    assert {props(e)["[Agent] Session ID"] for e in mock.events} == {"s1"}
    assert [props(e).get("[Agent] Turn ID") for e in mock.events[:5]] == [1, 2, 3, 4, 5]


def test_run_as_nests_and_restores_on_exception(mock):
    root = mock.agent("root")
    child = root.child("child")
    grandchild = child.child("grandchild")
    with root.session(user_id="u1", session_id="s1") as s:
        with pytest.raises(RuntimeError):
            with s.run_as(child) as cs:
                with cs.run_as(grandchild) as gs:
                    gs.track_span(span_name="deep", latency_ms=1.0)
                    assert get_active_context().agent_id == "grandchild"
                    raise RuntimeError("inner failure")
        assert get_active_context().agent_id == "root"
    span = props(mock.events_of_type("[Agent] Span")[0])
    assert span["[Agent] Agent ID"] == "grandchild" and span["[Agent] Parent Agent ID"] == "child"
    assert len(mock.events_of_type("[Agent] Session End")) == 1


async def test_async_session_and_arun_as(mock):
    orchestrator = mock.agent("orchestrator")
    helper = orchestrator.child("helper")
    async with orchestrator.session("sess-async", user_id="u1") as s:
        s.new_trace()

        async def work():
            await asyncio.sleep(0)
            mock.track_ai_message(content="from a task", model="gpt-4o", provider="openai", latency_ms=1.0)

        await asyncio.create_task(work())  # tasks inherit the context
        async with s.arun_as(helper) as hs:
            hs.track_tool_call(tool_name="lookup", latency_ms=1.0, success=True)
    assert _types(mock) == ["[Agent] AI Response", "[Agent] Tool Call", "[Agent] Session End"]
    assert props(mock.events[0])["[Agent] Session ID"] == "sess-async"
    assert props(mock.events[1])["[Agent] Agent ID"] == "helper"
    assert get_active_context() is None


def test_threads_see_the_session_only_through_copy_context(mock):
    seen = {}

    def worker(key):
        ctx = get_active_context()
        seen[key] = ctx.session_id if ctx else None

    with mock.agent("bot").session(user_id="u1", session_id="s-thread"):
        t = threading.Thread(target=worker, args=("plain",))
        t.start()
        t.join()
        ctx = contextvars.copy_context()
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(ctx.run, worker, "copied").result()
    assert seen == {"plain": None, "copied": "s-thread"}


def test_sessions_nest_and_restore(mock):
    a = mock.agent("a")
    b = mock.agent("b")
    with a.session(user_id="u1", session_id="outer"):
        with b.session(user_id="u1", session_id="inner"):
            assert get_active_context().session_id == "inner"
        assert get_active_context().session_id == "outer"
    assert [props(e)["[Agent] Session ID"] for e in mock.events_of_type("[Agent] Session End")] == ["inner", "outer"]


def test_child_session_with_the_parent_session_id_shares_the_turn_counter(mock):
    orchestrator = mock.agent("orchestrator")
    researcher = orchestrator.child("researcher")
    with orchestrator.session(user_id="u1") as s:
        s.track_user_message("task")
        with researcher.session(session_id=s.session_id) as rs:
            rs.track_ai_message("found", model="gpt-4o", provider="openai", latency_ms=1.0)
    ai = props(mock.events_of_type("[Agent] AI Response")[0])
    assert ai["[Agent] Turn ID"] == 2
    assert ai["[Agent] Parent Agent ID"] == "orchestrator"
    assert mock.events_of_type("[Agent] AI Response")[0]["user_id"] == "u1"


@pytest.mark.parametrize("auto_flush,env,expected", [(None, {}, 0), (None, {"AWS_LAMBDA_FUNCTION_NAME": "f"}, 1),
                                                     (None, {"VERCEL": "1"}, 1), (True, {}, 1),
                                                     (False, {"K_SERVICE": "svc"}, 0)])
def test_serverless_auto_flush_on_session_exit(mock, monkeypatch, auto_flush, env, expected):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    calls = []
    original = mock.flush
    monkeypatch.setattr(mock, "flush", lambda: calls.append(1) or original())
    with mock.agent("bot").session(user_id="u1", auto_flush=auto_flush):
        pass
    assert len(calls) == expected


def test_session_object_works_without_with(mock):
    s = mock.agent("bot").session(user_id="u1", session_id="loose")
    s.track_user_message("hi")
    s.track_session_end()
    assert _types(mock) == ["[Agent] User Message", "[Agent] Session End"]
    assert get_active_context() is None


def test_turn_ids_stay_unique_across_threads(mock):
    with mock.agent("bot").session(user_id="u1", session_id="s-many"):
        ctx = contextvars.copy_context()

        def burst():
            for _ in range(200):
                mock.track_tool_call(tool_name="t", latency_ms=1.0, success=True)

        with ThreadPoolExecutor(max_workers=4) as pool:
            for f in [pool.submit(ctx.copy().run, burst) for _ in range(4)]:
                f.result()
    turns = [props(e)["[Agent] Turn ID"] for e in mock.events_of_type("[Agent] Tool Call")]
    assert sorted(turns) == list(range(1, 801))


def test_run_as_the_sessions_own_agent_is_not_its_own_parent(mock):
    agent = mock.agent("solo")
    with agent.session(user_id="u1", session_id="s1") as s:
        with s.run_as(agent) as same:
            same.track_span(span_name="x", latency_ms=1.0)
    assert "[Agent] Parent Agent ID" not in props(mock.events[0])
