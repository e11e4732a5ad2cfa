"""Context features across the Anthropic, Gemini, Mistral and Bedrock wrappers: trace-header
propagation (``AIConfig(propagate_context=True)``) on the outgoing request, and ``run_as`` /
child agents marking the user message as agent-sourced."""

from __future__ import annotations

import httpx
import httpx2
import pytest

from tests.support import provider_stubs_bedrock as bed
from tests.support import provider_stubs_http as web

testing = pytest.importorskip("amplitude_ai.testing")


def _mock(propagate: bool):
    from amplitude_ai import AIConfig

    return testing.MockAmplitudeAI(config=AIConfig(propagate_context=propagate))


def _call(provider, mock):
    """Make one tracked call; return the headers the provider's server received."""
    if provider == "anthropic":
        from amplitude_ai import Anthropic

        stub = web.StubTransport(httpx2, web.Reply.json(web.anthropic_message()))
        client = Anthropic(amplitude=mock, api_key="k", http_client=httpx2.Client(transport=stub.transport()), max_retries=0)
        client.messages.create(model=web.CLAUDE, max_tokens=5, messages=[{"role": "user", "content": "hi"}])
        return stub.requests[-1].headers
    if provider == "mistral":
        from amplitude_ai import Mistral

        stub = web.StubTransport(httpx, web.Reply.json(web.mistral_response()))
        client = Mistral(amplitude=mock, api_key="k", client=httpx.Client(transport=stub.transport()))
        client.chat.complete(model=web.MISTRAL, messages=[{"role": "user", "content": "hi"}])
        return stub.requests[-1].headers
    if provider == "gemini":
        from google.genai import types

        from amplitude_ai import Gemini

        stub = web.StubTransport(httpx, web.Reply.json(web.gemini_response()))
        config = types.GenerateContentConfig(temperature=0.1)
        client = Gemini(
            amplitude=mock, api_key="k", model_name=web.GEMINI,
            http_options=types.HttpOptions(httpx_client=httpx.Client(transport=stub.transport())),
        )
        client.generate_content("hi", config=config)
        assert config.http_options is None  # the caller's config object is not changed
        return stub.requests[-1].headers
    from amplitude_ai import Bedrock

    server = bed.BedrockServer().start()
    try:
        seen = {}
        server.queue(bed.BedrockReply.json(bed.converse_response()))
        client = Bedrock(amplitude=mock, region_name="us-east-1", endpoint_url=server.url)
        captured = {}
        client.meta.events.register("before-send.bedrock-runtime", lambda request, **_: captured.update(request.headers))
        client.converse(modelId=bed.CLAUDE_ON_BEDROCK, messages=[{"role": "user", "content": [{"text": "hi"}]}])
        seen.update({k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in captured.items()})
        return seen
    finally:
        server.stop()


PROVIDERS = ["anthropic", "mistral", "gemini", "bedrock"]


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_propagate_context_adds_trace_headers_inside_a_session(provider):
    mock = _mock(True)
    with mock.agent("router", user_id="u1").session(session_id="sess-prop") as session:
        session.new_trace()
        headers = _call(provider, mock)
    assert headers.get("x-amplitude-session-id") == "sess-prop"
    assert headers.get("x-amplitude-agent-id") == "router"
    assert headers.get("traceparent", "").startswith("00-")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_no_trace_headers_unless_enabled(provider):
    mock = _mock(False)
    with mock.agent("router", user_id="u1").session(session_id="sess-off"):
        headers = _call(provider, mock)
    assert "x-amplitude-session-id" not in headers
    assert "traceparent" not in headers


@pytest.mark.parametrize("provider", PROVIDERS)
def test_run_as_child_marks_agent_source_and_child_agent(provider):
    mock = _mock(False)
    parent = mock.agent("orchestrator", user_id="u1")
    with parent.session(session_id="s-run-as") as session:
        with session.run_as(parent.child("researcher")):
            _call(provider, mock)
    user = mock.assert_event_tracked("[Agent] User Message")
    assert user["event_properties"]["[Agent] Message Source"] == "agent"
    ai = mock.assert_event_tracked("[Agent] AI Response")
    assert ai["event_properties"]["[Agent] Agent ID"] == "researcher"
    assert ai["event_properties"]["[Agent] Parent Agent ID"] == "orchestrator"
    assert ai["event_properties"]["[Agent] Session ID"] == "s-run-as"
