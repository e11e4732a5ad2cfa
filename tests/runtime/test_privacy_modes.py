"""Content modes and redaction as applied by the event builder to every text field."""

from __future__ import annotations

import json

import pytest

from amplitude_ai import AIConfig, ContentMode, SessionEnrichments
from tests.runtime.conftest import props

SECRET = "TOPSECRET-7f3a"


def _drive_everything(ai) -> None:
    ai.track_user_message("user-1", f"user says {SECRET}", "s1",
                          attachments=[{"type": "pdf", "name": f"{SECRET}.pdf", "size_bytes": 10}])
    ai.track_ai_message(
        "user-1", f"ai says {SECRET}", "s1", "gpt-4o", "openai", 1.0,
        system_prompt=f"You are {SECRET}", reasoning_content=f"thinking about {SECRET}",
        tool_calls=[{"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": json.dumps({"q": SECRET})}}],
        tool_definitions=[{"name": "lookup", "description": f"looks up {SECRET}", "input_schema": {"type": "object"}}],
    )
    ai.track_tool_call("user-1", "lookup", 1.0, True, session_id="s1", input={"q": SECRET}, output=f"result {SECRET}")
    ai.track_span("user-1", "step", None, 1.0, session_id="s1", input_state={"q": SECRET}, output_state=SECRET)
    ai.score("user-1", "quality", 0.5, "msg-1", comment=f"because {SECRET}", session_id="s1")
    ai.track_session_end("user-1", "s1", enrichments=SessionEnrichments(overall_outcome="response_provided"))


@pytest.mark.parametrize("mode", [ContentMode.METADATA_ONLY, ContentMode.CUSTOMER_ENRICHED, "metadata_only"])
def test_metadata_modes_send_no_text_anywhere(make_mock, mode):
    m = make_mock(content_mode=mode)
    _drive_everything(m)
    assert len(m.events) == 6
    dumped = json.dumps(m.events)
    assert SECRET not in dumped
    assert "$llm_message" not in dumped
    ai = props(m.events[1])
    assert ai["[Agent] System Prompt Length"] == len(f"You are {SECRET}")
    assert ai["[Agent] Has Reasoning"] is True
    assert json.loads(ai["[Agent] Tool Calls"]) == [{"name": "lookup", "id": "call_1"}]
    assert ai["[Agent] Tool Definitions Count"] == 1
    assert props(m.events[0])["[Agent] Attachment Count"] == 1


def test_full_mode_sends_text_everywhere(make_mock):
    m = make_mock(content_mode="full")
    _drive_everything(m)
    user, ai, tool, span, score, _end = (props(e) for e in m.events)
    assert SECRET in user["$llm_message"]["text"] and SECRET in ai["$llm_message"]["text"]
    for value in (ai["[Agent] System Prompt"], ai["[Agent] Reasoning Content"], ai["[Agent] Tool Calls"],
                  ai["[Agent] Tool Definitions"], tool["[Agent] Tool Input"], tool["[Agent] Tool Output"],
                  span["[Agent] Input State"], span["[Agent] Output State"], score["[Agent] Comment"]):
        assert SECRET in value


def test_redaction_reaches_every_text_field(make_mock):
    m = make_mock(custom_redaction_patterns=[r"TOPSECRET-\w+"])
    _drive_everything(m)
    dumped = json.dumps([e["event_properties"] for e in m.events])
    assert SECRET not in dumped
    assert dumped.count("[REDACTED]") >= 12


def test_builtin_pii_and_named_custom_patterns(make_mock):
    m = make_mock(custom_redaction_patterns=[(r"\bACME-\d+\b", "[ticket_id]")])
    m.track_user_message("user-1", "I am jane.doe@example.com, SSN 123-45-6789, ticket ACME-42", "s1")
    text = props(m.events[0])["$llm_message"]["text"]
    assert "jane.doe@example.com" not in text and "123-45-6789" not in text and "ACME-42" not in text
    assert "[email]" in text and "[ssn]" in text and "[ticket_id]" in text


def test_redact_pii_off_keeps_raw_text(make_mock):
    m = make_mock(redact_pii=False)
    m.track_user_message("user-1", "mail jane@example.com", "s1")
    assert props(m.events[0])["$llm_message"]["text"] == "mail jane@example.com"


def test_custom_redaction_fn_runs_last_and_failures_keep_earlier_text(make_mock, caplog):
    m = make_mock(custom_redaction_fn=lambda text: text.replace("Jane", "[name]"))
    m.track_user_message("user-1", "Jane at jane@example.com", "s1")
    assert props(m.events[0])["$llm_message"]["text"] == "[name] at [email]"

    def broken(text):
        raise RuntimeError("engine down")

    m2 = make_mock(custom_redaction_fn=broken)
    m2.track_user_message("user-1", "Jane at jane@example.com", "s1")
    assert props(m2.events[0])["$llm_message"]["text"] == "Jane at [email]"
    assert "engine down" in caplog.text


def test_config_content_mode_accepts_strings():
    assert AIConfig(content_mode="customer_enriched").content_mode is ContentMode.CUSTOMER_ENRICHED
