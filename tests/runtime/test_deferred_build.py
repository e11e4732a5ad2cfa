"""Events built on the dispatcher thread (``Delivery.defer``): what the caller sees must not change.

With a real Amplitude client, ``track_user_message`` / ``track_ai_message`` / ``track_embedding``
resolve identity, context, turn and time at the call and queue the build. These tests run the
real amplitude-analytics client against the loopback ingestion server and check that the event
that arrives is the one of the call: its time, its arguments as they were, its trace and turn,
its order; that ``flush()`` builds what is pending; that a failing build costs one warning; and
that the synchronous modes (MockAmplitudeAI, debug, dry_run, validate) stay synchronous.

``held`` keeps the dispatcher thread from handing anything over on its own (a one-hour linger
after its wake-up), so an event is built exactly when the test flushes: a late build is then
certain, not a race the test might win by luck.
"""

from __future__ import annotations

import logging
import math
import threading
import time

import pytest
from amplitude import Amplitude, Config

from amplitude_ai import AIConfig, AmplitudeAI, MockAmplitudeAI
from amplitude_ai.core import delivery
from amplitude_ai.exceptions import ValidationError

USER = "user-0001"
AI_RESPONSE = "[Agent] AI Response"
USER_MESSAGE = "[Agent] User Message"
TOOL_CALL = "[Agent] Tool Call"
EMBEDDING = "[Agent] Embedding"


@pytest.fixture
def quiet_client(ingest):
    """The real Amplitude client with no periodic flush: only an explicit flush sends."""
    amp = Amplitude(
        "test-api-key",
        Config(server_url=ingest.url, flush_interval_millis=3_600_000, flush_queue_size=1000, flush_max_retries=3),
    )
    try:
        yield amp
    finally:
        amp.shutdown()
        _wake_sdk_consumer(amp)


def _wake_sdk_consumer(amp) -> None:
    """amplitude-analytics' (non-daemon) consumer thread sleeps a whole flush interval, even after
    ``shutdown()``: wake it so it ends now instead of holding the interpreter open at exit."""
    for plugin in delivery._destinations(amp):
        with plugin.storage.lock:
            plugin.storage.lock.notify_all()


@pytest.fixture
def held(monkeypatch):
    """The dispatcher thread, once woken, sleeps an hour before it drains: builds happen in flush()."""
    monkeypatch.setattr(delivery, "DISPATCH_LINGER", 3600.0)


def _props(event: dict) -> dict:
    return event["event_properties"]


def _by_insert_id(events: list[dict]) -> dict[str, dict]:
    return {e["insert_id"]: e for e in events}


def _ai_message(ai, content="Answer", **kw):
    kw.setdefault("model", "gpt-4o")
    kw.setdefault("provider", "openai")
    kw.setdefault("latency_ms", 12.0)
    return ai.track_ai_message(USER, content, "session-1", **kw)


# ------------------------------------------------------------------------------------ deferral is real


def test_real_client_builds_off_the_callers_thread(amplitude_client, ingest, monkeypatch):
    """The premise of every other test here: with a real client the build is not done by the caller."""
    ai = AmplitudeAI(amplitude=amplitude_client)
    built_on = _spy_builds(monkeypatch, ai)
    mid = _ai_message(ai)
    ingest.wait_for_events(1)
    assert [e["insert_id"] for e in ingest.events] == [mid]
    assert len(built_on) == 1 and built_on[0] is not threading.current_thread()


# ------------------------------------------------------------------------------------ time


@pytest.mark.parametrize("method", ["user", "ai", "embedding"])
def test_event_time_is_the_time_of_the_call_not_of_the_build(quiet_client, ingest, held, method):
    ai = AmplitudeAI(amplitude=quiet_client)
    before = math.floor(time.time() * 1000)
    if method == "user":
        ai.track_user_message(USER, "Question", "session-1")
    elif method == "ai":
        _ai_message(ai)
    else:
        ai.track_embedding(USER, "text-embedding-3-small", "openai", 3.0, session_id="session-1")
    after = math.ceil(time.time() * 1000)
    time.sleep(0.3)  # the build (in flush, below) happens at least 300 ms after the call
    ai.flush().result(10)
    (event,) = ingest.wait_for_events(1)
    assert before <= event["time"] <= after, (before, event["time"], after)


def test_provider_path_event_time_is_the_time_of_the_call(quiet_client, ingest, held):
    """``_track_for_provider`` (what wrappers use) stamps the time when it is called, too."""
    from amplitude_ai.providers._base import _user_message_event

    ai = AmplitudeAI(amplitude=quiet_client)
    before = math.floor(time.time() * 1000)
    ai._track_for_provider("track_user_message", {"user_id": USER}, True, _user_message_event, "Hi", "user", None)
    after = math.ceil(time.time() * 1000)
    time.sleep(0.3)
    ai.flush().result(10)
    (event,) = ingest.wait_for_events(1)
    assert event["event_type"] == USER_MESSAGE
    assert before <= event["time"] <= after


# ------------------------------------------------------------------------------------ arguments as they were


def test_containers_changed_right_after_the_call_do_not_change_the_event(quiet_client, ingest, held):
    ai = AmplitudeAI(amplitude=quiet_client)
    props = {"feature": "chat"}
    labels = [{"key": "intent", "value": "pricing"}]
    tools = [{"type": "function", "function": {"name": "get_price", "parameters": {"type": "object"}}}]
    user_props = {"feature": "search"}
    user_labels = [{"key": "lang", "value": "en"}]

    mid = _ai_message(ai, event_properties=props, labels=labels, tool_definitions=tools)
    uid = ai.track_user_message(USER, "Q", "session-1", event_properties=user_props, labels=user_labels)
    eid = ai.track_embedding(USER, "text-embedding-3-small", "openai", 3.0, session_id="session-1", event_properties=props)

    # the caller reuses its containers at once
    props["feature"] = "changed"
    props["extra"] = 1
    labels.append({"key": "late", "value": "x"})
    labels[0] = {"key": "intent", "value": "changed"}
    tools.append({"type": "function", "function": {"name": "late_tool"}})
    user_props.clear()
    user_labels.clear()

    ai.flush().result(10)
    events = _by_insert_id(ingest.wait_for_events(3))
    ai_props = _props(events[mid])
    assert ai_props["feature"] == "chat" and "extra" not in ai_props
    assert ai_props["[Agent] Message Labels"] == '[{"key": "intent", "value": "pricing"}]'
    assert ai_props["[Agent] Tool Definitions Count"] == 1
    assert "late_tool" not in ai_props["[Agent] Tool Definitions"]
    assert _props(events[uid])["feature"] == "search"
    assert "lang" in _props(events[uid])["[Agent] Message Labels"]
    assert _props(events[eid])["feature"] == "chat" and "extra" not in _props(events[eid])


def test_nested_label_and_tool_definition_changes_after_the_call_do_not_leak(quiet_client, ingest, held):
    ai = AmplitudeAI(amplitude=quiet_client)
    labels = [{"key": "intent", "value": "pricing"}]
    tools = [{"type": "function", "function": {"name": "get_price", "parameters": {"type": "object"}}}]
    props = {"meta": {"plan": "pro"}}
    mid = _ai_message(ai, labels=labels, tool_definitions=tools, event_properties=props)
    labels[0]["value"] = "changed"
    tools[0]["function"]["name"] = "changed"
    props["meta"]["plan"] = "changed"
    ai.flush().result(10)
    (event,) = ingest.wait_for_events(1)
    assert event["insert_id"] == mid
    assert _props(event)["[Agent] Message Labels"] == '[{"key": "intent", "value": "pricing"}]'
    assert '"get_price"' in _props(event)["[Agent] Tool Definitions"]
    assert _props(event)["meta"] == {"plan": "pro"}


# ------------------------------------------------------------------------------------ session, trace, turn


def test_new_trace_right_after_a_call_does_not_move_the_earlier_event(quiet_client, ingest, held):
    ai = AmplitudeAI(amplitude=quiet_client)
    with ai.agent("agent-1").session(user_id=USER, session_id="session-1") as s:
        first_trace = s.new_trace()
        uid = s.track_user_message("Question")
        mid = s.track_ai_message("Answer", model="gpt-4o", provider="openai", latency_ms=5.0)
        second_trace = s.new_trace()
        later = s.track_user_message("Next question")
    ai.flush().result(10)
    events = _by_insert_id(ingest.wait_for_events(4))
    assert first_trace != second_trace
    assert _props(events[uid])["[Agent] Trace ID"] == first_trace
    assert _props(events[mid])["[Agent] Trace ID"] == first_trace
    assert _props(events[later])["[Agent] Trace ID"] == second_trace
    assert {_props(events[i])["[Agent] Session ID"] for i in (uid, mid, later)} == {"session-1"}


def test_turn_ids_follow_call_order_across_mixed_calls(quiet_client, ingest, held):
    ai = AmplitudeAI(amplitude=quiet_client)
    with ai.agent("agent-1").session(user_id=USER, session_id="session-1") as s:
        ids = [
            s.track_user_message("Question"),
            s.track_tool_call("search", latency_ms=3.0),  # built at once (not deferred)
            s.track_ai_message("Answer", model="gpt-4o", provider="openai", latency_ms=5.0),
            s.track_user_message("Follow-up"),
            s.track_ai_message("Second answer", model="gpt-4o", provider="openai", latency_ms=5.0),
        ]
    ai.flush().result(10)
    events = _by_insert_id(ingest.wait_for_events(6))  # + Session End
    turns = [_props(events[i])["[Agent] Turn ID"] for i in ids]
    assert turns == sorted(turns) and len(set(turns)) == len(turns), turns
    assert [events[i]["event_type"] for i in ids] == [USER_MESSAGE, TOOL_CALL, AI_RESPONSE, USER_MESSAGE, AI_RESPONSE]


def test_context_of_a_session_left_before_the_build_is_kept(quiet_client, ingest, held):
    """The session is read at the call: leaving it before the event is built changes nothing."""
    ai = AmplitudeAI(amplitude=quiet_client)
    with ai.agent("agent-7", customer_org_id="org-9").session(user_id=USER, session_id="session-x"):
        mid = ai.track_ai_message(content="Answer", model="gpt-4o", provider="openai", latency_ms=5.0)
    ai.flush().result(10)
    event = _by_insert_id(ingest.wait_for_events(2))[mid]
    assert event["user_id"] == USER
    assert _props(event)["[Agent] Session ID"] == "session-x"
    assert _props(event)["[Agent] Agent ID"] == "agent-7"
    assert _props(event)["[Agent] Customer Org ID"] == "org-9"


# ------------------------------------------------------------------------------------ flush


def test_flush_builds_and_sends_everything_pending(quiet_client, ingest, held):
    ai = AmplitudeAI(amplitude=quiet_client)
    sent = []
    for i in range(20):
        sent.append(ai.track_user_message(USER, f"q{i}", "session-1"))
        sent.append(_ai_message(ai, f"a{i}"))
        sent.append(ai.track_embedding(USER, "text-embedding-3-small", "openai", 1.0, session_id="session-1"))
    assert ingest.events == []
    ai.flush().result(10)
    events = ingest.wait_for_events(len(sent), timeout=10)
    assert sorted(e["insert_id"] for e in events) == sorted(sent)
    assert ai.status()["queued_events"] == 0
    # built for real: the content is in the events
    texts = {_props(e)["$llm_message"]["text"] for e in events if "$llm_message" in _props(e)}
    assert {"q0", "a19"} <= texts


def test_flush_of_the_amplitude_client_itself_builds_and_sends_everything_pending(quiet_client, ingest, held):
    ai = AmplitudeAI(amplitude=quiet_client)
    sent = [ai.track_user_message(USER, f"q{i}", "session-1") for i in range(10)]
    sent += [_ai_message(ai, f"a{i}") for i in range(10)]
    quiet_client.flush()  # not ai.flush(): code that owns the client flushes it directly
    events = ingest.wait_for_events(len(sent), timeout=10)
    assert sorted(e["insert_id"] for e in events) == sorted(sent)


# ------------------------------------------------------------------------------------ failing builds


def test_a_build_failing_on_the_dispatcher_thread_logs_one_warning_and_later_events_go_out(
    amplitude_client, ingest, monkeypatch, caplog
):
    ai = AmplitudeAI(amplitude=amplitude_client)
    failed_on: list[threading.Thread] = []

    def broken(*args, **kwargs):
        failed_on.append(threading.current_thread())
        raise RuntimeError("injected builder fault")

    monkeypatch.setattr(ai._builder, "ai_message", broken)
    with caplog.at_level(logging.WARNING, logger="amplitude_ai"):
        _ai_message(ai, "lost")  # returns at once; the build fails later
        after = [ai.track_user_message(USER, f"q{i}", "session-1") for i in range(3)]
        events = ingest.wait_for_events(3)
        ai.flush().result(10)
    assert [e["insert_id"] for e in ingest.events] == after
    assert all(e["event_type"] == USER_MESSAGE for e in events)
    assert len(failed_on) == 1 and failed_on[0] is not threading.current_thread()
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("amplitude_ai")]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    message = warnings[0].getMessage()
    assert "track_ai_message" in message and "injected builder fault" in message


def test_a_failing_build_in_flush_does_not_raise_and_the_rest_is_sent(quiet_client, ingest, held, monkeypatch, caplog):
    ai = AmplitudeAI(amplitude=quiet_client)

    def broken(*args, **kwargs):
        raise ValueError("injected embedding fault")

    monkeypatch.setattr(ai._builder, "embedding", broken)
    first = ai.track_user_message(USER, "q", "session-1")
    ai.track_embedding(USER, "text-embedding-3-small", "openai", 1.0, session_id="session-1")
    last = _ai_message(ai)
    with caplog.at_level(logging.WARNING, logger="amplitude_ai"):
        ai.flush().result(10)  # builds here, in this thread: must not raise
    events = ingest.wait_for_events(2)
    assert [e["insert_id"] for e in events] == [first, last]
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "track_embedding" in warnings[0], warnings


# ------------------------------------------------------------------------------------ synchronous modes


def _spy_builds(monkeypatch, ai):
    calls: list[threading.Thread] = []
    original = ai._builder.ai_message

    def spy(*args, **kwargs):
        calls.append(threading.current_thread())
        return original(*args, **kwargs)

    monkeypatch.setattr(ai._builder, "ai_message", spy)
    return calls


def test_mock_builds_before_the_call_returns(monkeypatch):
    mock = MockAmplitudeAI()
    calls = _spy_builds(monkeypatch, mock)
    mid = _ai_message(mock)
    assert calls == [threading.current_thread()]
    assert [e["insert_id"] for e in mock.events] == [mid]
    uid = mock.track_user_message(USER, "q", "session-1")
    eid = mock.track_embedding(USER, "text-embedding-3-small", "openai", 1.0)
    assert [e["insert_id"] for e in mock.events] == [mid, uid, eid]


@pytest.mark.parametrize("option", ["debug", "dry_run", "validate"])
def test_debug_dry_run_and_validate_build_before_the_call_returns(amplitude_client, monkeypatch, capsys, option):
    ai = AmplitudeAI(amplitude=amplitude_client, config=AIConfig(**{option: True}))
    calls = _spy_builds(monkeypatch, ai)
    mid = _ai_message(ai)
    assert mid is not None
    assert calls == [threading.current_thread()]
    if option in ("debug", "dry_run"):  # the debug line is printed before the call returns
        out = capsys.readouterr()
        assert "AI Response" in out.out + out.err


def test_validate_raises_a_build_time_validation_error_to_the_caller(amplitude_client, monkeypatch):
    ai = AmplitudeAI(amplitude=amplitude_client, config=AIConfig(validate=True))

    def invalid(*args, **kwargs):
        raise ValidationError("injected: bad content")

    monkeypatch.setattr(ai._builder, "user_message", invalid)
    with pytest.raises(ValidationError, match="injected: bad content"):
        ai.track_user_message(USER, "q", "session-1")
    with pytest.raises(ValidationError):
        _ai_message(ai, latency_ms=-5.0)


def test_without_validate_an_invalid_argument_is_still_rejected_at_the_call(quiet_client, ingest, caplog):
    ai = AmplitudeAI(amplitude=quiet_client)
    with caplog.at_level(logging.WARNING, logger="amplitude_ai"):
        assert _ai_message(ai, latency_ms=-5.0) is None
    ai.flush().result(10)
    assert ingest.events == []
    assert any("track_ai_message" in r.getMessage() for r in caplog.records)


# ------------------------------------------------------------------------------------ order


def test_interleaved_calls_arrive_in_call_order(quiet_client, ingest):
    ai = AmplitudeAI(amplitude=quiet_client)
    sent = []
    for i in range(15):
        sent.append(ai.track_user_message(USER, f"q{i}", "session-1"))
        sent.append(ai.track_tool_call(USER, "search", 1.0, session_id="session-1"))
        sent.append(_ai_message(ai, f"a{i}"))
        sent.append(ai.track_embedding(USER, "text-embedding-3-small", "openai", 1.0, session_id="session-1"))
    ai.flush().result(10)
    events = ingest.wait_for_events(len(sent), timeout=10)
    assert [e["insert_id"] for e in events] == sent
    times = [e["time"] for e in events]
    assert times == sorted(times)


# ------------------------------------------------------------------------------------ review findings


def test_flush_of_the_amplitude_client_waits_for_an_event_being_built(quiet_client, ingest):
    """An event the dispatcher thread has taken off the queue and is still building must be in
    amplitude-analytics' buffer when the app's own ``amplitude.flush()`` runs."""
    ai = AmplitudeAI(amplitude=quiet_client)
    entered, release = threading.Event(), threading.Event()
    original = ai._builder.ai_message

    def slow(*args, **kwargs):
        entered.set()
        release.wait(5)
        return original(*args, **kwargs)

    ai._builder.ai_message = slow
    mid = _ai_message(ai)
    assert entered.wait(5)  # the dispatcher thread is inside the build; the queue is empty
    flusher = threading.Thread(target=quiet_client.flush)
    flusher.start()
    flusher.join(0.3)
    assert flusher.is_alive()  # it waits for the build in progress ...
    release.set()
    flusher.join(5)
    assert [e["insert_id"] for e in ingest.wait_for_events(1, timeout=5)] == [mid]  # ... and then sends it


def test_groups_changed_after_the_call_do_not_change_the_event(quiet_client, ingest, held):
    ai = AmplitudeAI(amplitude=quiet_client)
    groups = {"company": "acme", "teams": ["a"]}
    ai.track_user_message(USER, "Question", "session-1", groups=groups)
    groups["company"] = "other"
    groups["teams"].append("b")
    ai.flush().result(10)
    (event,) = ingest.wait_for_events(1)
    assert event["groups"] == {"company": "acme", "teams": ["a"]}
