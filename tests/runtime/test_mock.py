"""MockAmplitudeAI: records real events, never touches the network."""

from __future__ import annotations

import socket

import pytest

from amplitude_ai import AmplitudeAI, MockAmplitudeAI


def test_spec_example(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("MockAmplitudeAI opened a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    mock = MockAmplitudeAI()
    assert isinstance(mock, AmplitudeAI)
    agent = mock.agent("test-bot", user_id="u1")
    with agent.session("s1") as s:
        s.new_trace()
        s.track_user_message(content="Hello")
        s.track_ai_message(content="Hi!", model="gpt-4o", provider="openai", latency_ms=100.0)
    assert len(mock.events) == 3
    mock.assert_event_tracked("[Agent] User Message", user_id="u1")
    mock.assert_event_tracked("[Agent] AI Response", **{"[Agent] Model Name": "gpt-4o"})
    assert len(mock.events_for_session("s1")) == 3
    assert len(mock.events_for_agent("test-bot")) == 3
    mock.assert_session_closed("s1")
    assert mock.flush() is not None and len(mock.flush()) == 0
    mock.reset()
    assert mock.events == []


def test_event_dicts_have_the_top_level_fields(mock):
    mock.track_user_message("user-1", "hi", "s1", device_id="dev-1")
    event = mock.events[0]
    assert set(event) >= {"event_type", "user_id", "device_id", "event_properties", "insert_id", "time"}
    assert event["event_properties"]["$llm_message"] == {"text": "hi"}


def test_assertions_fail_with_a_useful_message(mock):
    mock.track_user_message("user-1", "hi", "s1")
    with pytest.raises(AssertionError, match="no '\\[Agent\\] AI Response' event tracked"):
        mock.assert_event_tracked("[Agent] AI Response")
    with pytest.raises(AssertionError, match="none matching"):
        mock.assert_event_tracked("[Agent] User Message", user_id="someone-else")
    with pytest.raises(AssertionError, match="Session End"):
        mock.assert_session_closed("s1")
    assert mock.events_for_session("other") == [] and mock.events_for_agent("nobody") == []


def test_mock_applies_the_configuration(make_mock, capsys):
    m = make_mock(content_mode="metadata_only", debug=True)
    m.track_user_message("user-1", "secret text", "s1")
    assert "$llm_message" not in m.events[0]["event_properties"]
    assert capsys.readouterr().err.count("[amplitude-ai] [Agent] User Message") == 1


def test_mock_does_not_print_without_debug(capsys):
    MockAmplitudeAI().track_user_message("user-1", "x", "s1")
    assert capsys.readouterr().err == ""


def test_mock_redacts_pii_by_default(mock):
    mock.track_user_message("user-1", "mail me at jane@example.com", "s1")
    text = mock.events[0]["event_properties"]["$llm_message"]["text"]
    assert "jane@example.com" not in text and "[email]" in text
