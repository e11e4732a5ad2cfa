"""AmplitudeAI: the eight tracking calls, their return values and derived properties."""

from __future__ import annotations

import json
import logging
import uuid

import pytest

from amplitude_ai import (
    AIConfig,
    AmplitudeAI,
    ContentMode,
    MessageLabel,
    MockAmplitudeAI,
    SessionEnrichments,
    ValidationError,
)
from amplitude_ai.client import coerce_ai
from tests.runtime.conftest import props


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return True


def test_tracking_calls_return_the_ids_the_spec_names(mock):
    msg = mock.track_user_message("user-1", "hello", "sess-1")
    ai_msg = mock.track_ai_message("user-1", "hi", "sess-1", "gpt-4o", "openai", 12.5)
    inv = mock.track_tool_call("user-1", "search", 3.0, True, session_id="sess-1")
    emb = mock.track_embedding("user-1", "text-embedding-3-small", "openai", 2.0, session_id="sess-1")
    span = mock.track_span("user-1", "rerank", "trace-1", 4.0, session_id="sess-1")
    assert all(_is_uuid(x) for x in (msg, ai_msg, inv, emb, span))
    assert len({msg, ai_msg, inv, emb, span}) == 5
    assert mock.track_session_end("user-1", "sess-1") is None
    assert mock.track_session_enrichment("user-1", "sess-1", SessionEnrichments(overall_outcome="ok")) is None
    assert mock.score("user-1", "helpful", 1.0, ai_msg) is None
    ev = mock.events
    assert [e["event_type"] for e in ev] == [
        "[Agent] User Message", "[Agent] AI Response", "[Agent] Tool Call", "[Agent] Embedding", "[Agent] Span",
        "[Agent] Session End", "[Agent] Session Enrichment", "[Agent] Score",
    ]
    assert props(ev[0])["[Agent] Message ID"] == msg
    assert props(ev[1])["[Agent] Message ID"] == ai_msg
    assert props(ev[2])["[Agent] Invocation ID"] == inv
    assert props(ev[3])["[Agent] Span ID"] == emb
    assert props(ev[4])["[Agent] Span ID"] == span
    assert props(ev[7])["[Agent] Target ID"] == ai_msg


def test_every_event_has_a_unique_insert_id(mock):
    for i in range(20):
        mock.track_user_message("user-1", f"m{i}", "sess-1")
        mock.score("user-1", "x", 1, "t")
    ids = [e["insert_id"] for e in mock.events]
    assert len(ids) == len(set(ids)) == 40


def test_full_content_goes_to_llm_message_at_full_length(mock):
    text = "lorem ipsum " * 1000  # 12,000 characters
    mock.track_user_message("user-1", text, "sess-1")
    mock.track_ai_message("user-1", text, "sess-1", "gpt-4o", "openai", 1.0)
    for event in mock.events:
        assert props(event)["$llm_message"] == {"text": text}


def test_ai_message_derives_total_tokens_cost_and_tier(mock):
    mock.track_ai_message("user-1", "x", "sess-1", "gpt-4o-mini", "openai", 10.0, input_tokens=1000, output_tokens=500)
    p = props(mock.events[0])
    assert p["[Agent] Total Tokens"] == 1500
    assert p["[Agent] Cost USD"] > 0
    assert p["[Agent] Model Tier"] == "fast"


def test_explicit_cost_and_tier_win(mock):
    mock.track_ai_message(
        "user-1", "x", "sess-1", "gpt-4o-mini", "openai", 10.0, input_tokens=1000, output_tokens=500,
        total_cost_usd=0.5, model_tier="reasoning",
    )
    p = props(mock.events[0])
    assert p["[Agent] Cost USD"] == 0.5
    assert p["[Agent] Model Tier"] == "reasoning"


def test_unknown_model_has_no_cost_and_no_error(mock, caplog):
    with caplog.at_level(logging.WARNING, logger="amplitude_ai"):
        msg = mock.track_ai_message("user-1", "x", "sess-1", "my-own-model-9", "acme", 1.0, input_tokens=5, output_tokens=5)
    assert msg is not None
    assert "[Agent] Cost USD" not in props(mock.events[0])
    assert not caplog.records


def test_usage_dict_fills_token_counts(mock):
    mock.track_ai_message(
        "user-1", "x", "sess-1", "claude-sonnet-4-20250514", "anthropic", 5.0,
        usage={"input_tokens": 100, "output_tokens": 20, "cache_read_input_tokens": 80},
    )
    p = props(mock.events[0])
    assert (p["[Agent] Input Tokens"], p["[Agent] Output Tokens"], p["[Agent] Cache Read Tokens"]) == (100, 20, 80)
    assert p["[Agent] Total Tokens"] == 120
    mock.track_ai_message(
        "user-1", "x", "sess-1", "gpt-4o", "openai", 5.0,
        usage={"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10}, input_tokens=9,
    )
    p = props(mock.events[1])
    assert (p["[Agent] Input Tokens"], p["[Agent] Output Tokens"], p["[Agent] Total Tokens"]) == (9, 3, 10)


def test_implicit_feedback_and_cache_flags(mock):
    first = mock.track_user_message("user-1", "How?", "s1")
    mock.track_user_message("user-1", "How?", "s1", is_regeneration=True)
    mock.track_user_message("user-1", "How exactly?", "s1", is_edit=True, edited_message_id=first)
    mock.track_ai_message("user-1", "Like so", "s1", "gpt-4o", "openai", 3.0, was_copied=True, was_cached=True)
    mock.track_session_end("user-1", "s1", abandonment_turn=1)
    p = [props(e) for e in mock.events]
    assert p[1]["[Agent] Is Regeneration"] is True
    assert p[2]["[Agent] Is Edit"] is True and p[2]["[Agent] Edited Message ID"] == first
    assert p[3]["[Agent] Was Copied"] is True and p[3]["[Agent] Was Cached"] is True
    assert p[4]["[Agent] Abandonment Turn"] == 1


def test_attachments_are_summarized_as_metadata_only(mock):
    mock.track_user_message(
        "user-1", "compare", "s1",
        attachments=[
            {"type": "csv", "name": "a.csv", "url": "https://x/a.csv", "size_bytes": 100},
            {"type": "csv", "name": "b.csv", "size_bytes": 50, "content": "secret,data"},
            {"type": "image", "name": "c.png", "data": b"\x89PNG"},
        ],
    )
    p = props(mock.events[0])
    assert p["[Agent] Has Attachments"] is True
    assert p["[Agent] Attachment Count"] == 3
    assert json.loads(p["[Agent] Attachment Types"]) == ["csv", "image"]
    assert p["[Agent] Total Attachment Size Bytes"] == 150
    meta = json.loads(p["[Agent] Attachments"])
    assert meta[0] == {"type": "csv", "name": "a.csv", "url": "https://x/a.csv", "size_bytes": 100}
    assert "content" not in meta[1] and "data" not in meta[2]
    assert "secret" not in json.dumps(p)


def test_labels_on_messages(mock):
    mock.track_user_message("user-1", "x", "s1", labels=[MessageLabel(key="flow", value="onboarding")])
    mock.track_ai_message(
        "user-1", "y", "s1", "gpt-4o", "openai", 1.0,
        labels=[MessageLabel(key="intent", value="how_to", confidence=0.94), {"key": "tone", "value": "neutral"}],
    )
    user, ai = (props(e) for e in mock.events)
    assert json.loads(user["[Agent] Message Labels"]) == [{"key": "flow", "value": "onboarding"}]
    assert json.loads(ai["[Agent] Message Labels"])[0] == {"key": "intent", "value": "how_to", "confidence": 0.94}
    assert json.loads(ai["[Agent] Message Label Map"]) == {"intent": "how_to", "tone": "neutral"}


def test_session_replay_id_from_device_and_browser_session(mock):
    mock.track_user_message("user-1", "x", "s1", device_id="device-abc", browser_session_id=1764400000000)
    event = mock.events[0]
    assert props(event)["[Amplitude] Session Replay ID"] == "device-abc/1764400000000"
    assert event["device_id"] == "device-abc"
    assert event["session_id"] == 1764400000000


def test_turn_ids_auto_increment_per_session_and_respect_explicit_values(mock):
    mock.track_user_message("user-1", "a", "s1")
    mock.track_ai_message("user-1", "b", "s1", "gpt-4o", "openai", 1.0)
    mock.track_user_message("user-1", "c", "s2")
    mock.track_tool_call("user-1", "t", 1.0, True, session_id="s1")
    mock.track_user_message("user-1", "d", "s1", turn_id=7)
    mock.track_user_message("user-1", "e", "s1")
    turns = [props(e).get("[Agent] Turn ID") for e in mock.events]
    assert turns == [1, 2, 1, 3, 7, 8]


def test_tool_definitions_hash_is_stable_and_always_present(make_mock):
    tools = [{"type": "function", "function": {"name": "search", "description": "find", "parameters": {"type": "object"}}}]
    hashes = []
    for mode in ("full", "metadata_only"):
        m = make_mock(content_mode=mode)
        m.track_ai_message("user-1", "x", "s1", "gpt-4o", "openai", 1.0, tool_definitions=tools)
        p = props(m.events[0])
        assert p["[Agent] Tool Definitions Count"] == 1
        hashes.append(p["[Agent] Tool Definitions Hash"])
        assert ("[Agent] Tool Definitions" in p) == (mode == "full")
    assert hashes[0] == hashes[1] and len(hashes[0]) == 64


@pytest.mark.parametrize(
    "call",
    [
        lambda ai: ai.track_user_message("", "x", "s1"),
        lambda ai: ai.track_user_message(None, "x", "s1"),
        lambda ai: ai.track_ai_message("user-1", "x", "s1", "gpt-4o", "openai", -5.0),
        lambda ai: ai.track_ai_message("user-1", "x", "s1", "gpt-4o", "openai", "fast"),
        lambda ai: ai.track_ai_message("user-1", "x", "s1", "gpt-4o", "openai", 1.0, input_tokens=-1),
        lambda ai: ai.track_tool_call("user-1", "", 1.0, True),
        lambda ai: ai.track_tool_call("user-1", "t", float("nan"), True),
        lambda ai: ai.track_embedding("user-1", "m", "p", -1.0),
        lambda ai: ai.track_span("user-1", None, None, 1.0),
        lambda ai: ai.score("user-1", "helpful", "very", "msg-1"),
        lambda ai: ai.score("user-1", "helpful", 1.0, "msg-1", target_type="paragraph"),
        lambda ai: ai.track_session_end("user-1", None),
        lambda ai: ai.track_session_enrichment("user-1", "s1", None),
    ],
)
def test_bad_input_warns_once_and_sends_nothing_or_raises_when_validating(call, caplog):
    relaxed = MockAmplitudeAI()
    with caplog.at_level(logging.WARNING, logger="amplitude_ai"):
        assert call(relaxed) is None
    assert relaxed.events == []
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "event not sent" in warnings[0].getMessage()

    strict = MockAmplitudeAI(config=AIConfig(validate=True))
    with pytest.raises(ValidationError):
        call(strict)
    assert strict.events == []


def test_validate_mode_accepts_good_input(make_mock):
    m = make_mock(validate=True)
    m.track_ai_message("user-1", "x", "s1", "gpt-4o", "openai", 0.0, input_tokens=0, output_tokens=1)
    m.score("user-1", "thumbs", True, "msg-1")
    assert props(m.events[1])["[Agent] Score Value"] == 1.0


def test_int_user_id_is_accepted_as_string(mock):
    mock.track_user_message(12345, "x", "s1")
    assert mock.events[0]["user_id"] == "12345"


def test_internal_failure_never_raises(mock, caplog):
    class Weird:
        def __str__(self):
            raise RuntimeError("boom")

    with caplog.at_level(logging.WARNING, logger="amplitude_ai"):
        assert mock.track_user_message("user-1", Weird(), "s1") is None
    assert "boom" in caplog.text


def test_status_reports_configuration(mock):
    status = mock.status()
    assert status["content_mode"] == "full"
    assert status["redact_pii"] is True
    assert status["debug"] is False and status["dry_run"] is False
    assert isinstance(status["providers_available"], list)
    assert status["patched_providers"] == [] or isinstance(status["patched_providers"], list)


def test_config_from_env(monkeypatch):
    monkeypatch.setenv("AMPLITUDE_AI_CONTENT_MODE", "metadata_only")
    monkeypatch.setenv("AMPLITUDE_AI_DEBUG", "true")
    monkeypatch.setenv("AMPLITUDE_AI_DRY_RUN", "1")
    config = AIConfig.from_env()
    assert config.content_mode is ContentMode.METADATA_ONLY
    assert config.debug is True and config.dry_run is True
    assert AIConfig.from_env(debug=False).debug is False


def test_config_rejects_unknown_content_mode():
    with pytest.raises(ValueError, match="content_mode"):
        AIConfig(content_mode="everything")


def test_no_key_anywhere_is_dry_run_with_debug(capsys):
    ai = AmplitudeAI()
    assert ai.config.dry_run and ai.config.debug and ai.amplitude is None
    assert ai.track_user_message("user-1", "hello", "s1") is not None
    assert ai.flush() is not None and list(ai.flush()) == []
    err = capsys.readouterr().err
    assert err.count("[amplitude-ai] [Agent] User Message") == 1


def test_dry_run_with_a_key_creates_no_client():
    ai = AmplitudeAI(api_key="unused", config=AIConfig(dry_run=True))
    assert ai.amplitude is None


def test_eu_server_zone_for_a_created_client():
    ai = AmplitudeAI(api_key="key-12345", server_zone="EU")
    try:
        assert ai.amplitude.configuration.server_url == "https://api.eu.amplitude.com/2/httpapi"
    finally:
        ai.shutdown()


def test_server_url_environment_overrides_the_endpoint(monkeypatch, ingest):
    monkeypatch.setenv("AMPLITUDE_AI_API_KEY", "key-12345")
    monkeypatch.setenv("AMPLITUDE_AI_SERVER_URL", ingest.url)
    ai = AmplitudeAI()
    try:
        assert ai.amplitude.configuration.server_url == ingest.url
        ai.track_user_message("user-1", "hello", "sess-1")
        ai.flush().result(10)
        assert [e["event_type"] for e in ingest.wait_for_events(1)] == ["[Agent] User Message"]
    finally:
        ai.shutdown()


def test_coerce_ai_caches_one_instance_per_amplitude_client(amplitude_client):
    first = coerce_ai(amplitude_client)
    assert coerce_ai(amplitude_client) is first
    assert first.amplitude is amplitude_client
    ai = MockAmplitudeAI()
    assert coerce_ai(ai) is ai
    assert isinstance(coerce_ai(None), AmplitudeAI)
    with pytest.raises(TypeError):
        coerce_ai(42)
