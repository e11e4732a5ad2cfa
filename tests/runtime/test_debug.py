"""debug=True: one line per event on stderr; dry_run=True: build, validate, print, send nothing."""

from __future__ import annotations

import re

import pytest

from amplitude_ai import AIConfig, AmplitudeAI, ValidationError


def _drive(ai):
    with ai.agent("support-bot").session(user_id="u1", session_id="a3f8c2d1-0000-4000-8000-000000000000") as s:
        s.track_user_message("hello")
        msg = s.track_ai_message("hi", model="gpt-4o", provider="openai", latency_ms=1203.4, input_tokens=1000, output_tokens=247)
        s.track_tool_call("search", latency_ms=85.0, success=True)
        s.track_embedding("text-embedding-3-small", provider="openai", latency_ms=3.0, dimensions=1536)
        s.track_span("rerank", latency_ms=4.0)
        s.score("helpful", 1.0, msg)
        s.track_session_enrichment(__import__("amplitude_ai").SessionEnrichments(overall_outcome="ok"))


def test_debug_prints_exactly_one_line_per_event_in_the_spec_format(capsys, amplitude_client):
    ai = AmplitudeAI(amplitude=amplitude_client, config=AIConfig(debug=True))
    _drive(ai)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 8
    assert all(line.startswith("[amplitude-ai] [Agent] ") for line in lines)
    ai_line = next(line for line in lines if "AI Response" in line)
    assert re.fullmatch(
        r"\[amplitude-ai\] \[Agent\] AI Response \| user=u1 \| session=a3f8c2d1\.\.\. \| agent=support-bot"
        r" \| model=gpt-4o \| tokens=1,247 \| cost=\$\d+\.\d{4} \| latency=1,203ms",
        ai_line,
    ), ai_line
    assert "tool=search | success=true | latency=85ms" in next(line for line in lines if "Tool Call" in line)
    assert lines[-1].startswith("[amplitude-ai] [Agent] Session End | user=u1")


def test_dry_run_prints_and_sends_nothing(capsys, ingest):
    ai = AmplitudeAI(api_key="unused", config=AIConfig(dry_run=True), server_url=ingest.url)
    assert ai.amplitude is None
    _drive(ai)
    ai.flush().result(1)
    assert len(capsys.readouterr().err.strip().splitlines()) == 8
    assert ingest.requests == 0


def test_debug_off_prints_nothing(capsys, amplitude_client):
    ai = AmplitudeAI(amplitude=amplitude_client, config=AIConfig())
    _drive(ai)
    assert capsys.readouterr().err == ""


def test_strict_ci_configuration_raises_before_printing(capsys):
    ai = AmplitudeAI(api_key="unused", config=AIConfig(debug=True, dry_run=True, validate=True))
    with pytest.raises(ValidationError, match="latency_ms"):
        ai.track_ai_message("u1", "x", "s1", "gpt-4o", "openai", -1.0)
    assert capsys.readouterr().err == ""


def test_debug_can_be_switched_on_later(capsys, amplitude_client):
    ai = AmplitudeAI(amplitude=amplitude_client)
    ai.config.debug = True
    ai.track_user_message("u1", "x", "s1")
    assert capsys.readouterr().err.count("[amplitude-ai]") == 1
