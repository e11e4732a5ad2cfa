"""Delivery through the real amplitude-analytics client to the loopback ingestion server.

Under answered-500s, stalls and dropped connections the app is unaffected (tracking returns
its ids, nothing raises) and after recovery every event arrives exactly once per insert_id.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest
from amplitude import Amplitude, Config

from amplitude_ai import AIConfig, AmplitudeAI

N = 60


def _client(ingest, **overrides) -> Amplitude:
    options = dict(server_url=ingest.url, flush_interval_millis=50, flush_queue_size=20, flush_max_retries=12)
    options.update(overrides)
    return Amplitude("test-api-key", Config(**options))


def _wait_until(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


@pytest.mark.parametrize("fault", ["error500", "stall", "refuse"])
def test_faults_do_not_affect_the_app_and_every_event_arrives_after_recovery(ingest, fault):
    ingest.stall_seconds = 1.0
    ingest.mode = fault
    amp = _client(ingest)
    try:
        ai = AmplitudeAI(amplitude=amp)
        agent = ai.agent("fault-bot")
        ids = []
        with agent.session(user_id="user-1", session_id="sess-fault") as s:
            for i in range(N // 2):
                ids.append(s.track_user_message(f"question {i}"))
            assert _wait_until(lambda: ingest.requests >= 2), "the client never reached the server"
            for i in range(N // 2, N - 1):  # tracking keeps working while the server misbehaves
                ids.append(s.track_ai_message(f"answer {i}", model="gpt-4o", provider="openai", latency_ms=1.0))
        assert all(isinstance(x, str) for x in ids)
        ingest.mode = "ok"
        events = ingest.wait_for_events(N, timeout=30)
        by_insert = {e["insert_id"]: e for e in events}
        assert len(by_insert) == N  # every event, none lost
        assert set(ids) <= set(by_insert)  # messages use their message id as insert id
        assert sum(e["event_type"] == "[Agent] Session End" for e in by_insert.values()) == 1
    finally:
        ingest.mode = "ok"
        amp.shutdown()


def test_on_event_callback_receives_each_delivery(ingest):
    seen = []
    lock = threading.Lock()

    def on_event(event, code, message):
        with lock:
            seen.append((event.event_type, code))

    amp = _client(ingest)
    try:
        ai = AmplitudeAI(amplitude=amp, config=AIConfig(on_event_callback=on_event))
        for i in range(5):
            ai.track_user_message("user-1", f"m{i}", "s1")
        amp.track(__import__("amplitude").BaseEvent("Product Event", user_id="user-1"))  # not ours: no callback
        ai.flush().result(10)
        assert _wait_until(lambda: len(seen) >= 5)
        assert seen == [("[Agent] User Message", 200)] * 5
    finally:
        amp.shutdown()


def test_undeliverable_events_are_logged_as_errors_and_reported(ingest, caplog):
    codes = []
    ingest.mode = "error500"
    amp = _client(ingest, flush_max_retries=2)
    try:
        ai = AmplitudeAI(amplitude=amp, config=AIConfig(on_event_callback=lambda e, c, m: codes.append(c)))
        with caplog.at_level(logging.ERROR, logger="amplitude_ai"):
            assert ai.track_user_message("user-1", "lost", "s1") is not None
            assert _wait_until(lambda: codes, timeout=20)
        assert codes[0] == 500
        assert any("not delivered" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)
    finally:
        ingest.mode = "ok"
        amp.shutdown()


def test_full_length_llm_message_survives_the_sdk_truncation(ingest):
    amp = _client(ingest)
    try:
        ai = AmplitudeAI(amplitude=amp)
        long_text = "x" * 5000 + " the end"
        ai.track_user_message("user-1", long_text, "s1", event_properties={"note": "n" * 2000})
        ai.flush().result(10)
        event = ingest.wait_for_events(1)[0]
        assert event["event_properties"]["$llm_message"] == {"text": long_text}
        assert len(event["event_properties"]["note"]) == 1024  # every other string is still truncated by the SDK
        assert event["insert_id"] and event["library"].startswith("amplitude-python")
    finally:
        amp.shutdown()


def test_flush_returns_futures_that_complete_on_delivery(ingest):
    amp = _client(ingest, flush_interval_millis=60_000)
    try:
        ai = AmplitudeAI(amplitude=amp)
        for i in range(3):
            ai.track_user_message("user-1", f"m{i}", "s1")
        futures = ai.flush()
        assert len(futures) >= 1
        for f in futures:
            f.result(10)
        assert futures.result(10) is None
        assert len(ingest.events) == 3
    finally:
        amp.shutdown()


async def test_flush_can_be_awaited(ingest):
    import asyncio

    amp = _client(ingest, flush_interval_millis=60_000)
    try:
        ai = AmplitudeAI(amplitude=amp)
        ai.track_user_message("user-1", "m", "s1")
        await asyncio.wrap_future(ai.flush())
        assert len(ingest.events) == 1
    finally:
        amp.shutdown()


def test_shutdown_of_an_owned_client_delivers_everything(ingest):
    ai = AmplitudeAI(api_key="test-api-key", server_url=ingest.url)
    for i in range(25):
        ai.track_user_message("user-1", f"m{i}", "s1")
    ai.shutdown()
    assert len({e["insert_id"] for e in ingest.events}) == 25
    assert ai.track_user_message("user-1", "after shutdown", "s1") is not None  # still never raises


def test_short_ids_get_one_warning_when_sending(amplitude_client, caplog):
    ai = AmplitudeAI(amplitude=amplitude_client)
    with caplog.at_level(logging.WARNING, logger="amplitude_ai"):
        ai.track_user_message("u1", "x", "s1")
        ai.track_user_message("u2", "x", "s1")
    warnings = [r.getMessage() for r in caplog.records if "shorter than 5" in r.getMessage()]
    assert len(warnings) == 1 and "'u1'" in warnings[0]
