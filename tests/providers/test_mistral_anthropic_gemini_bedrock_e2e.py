"""End to end for the Anthropic, Gemini, Mistral and Bedrock wrappers: real provider SDK on a
stubbed transport → our wrapper → the real ``amplitude.Amplitude`` client → the loopback
ingestion server. One streamed call per provider, so TTFB, tokens and cost travel the whole path.
"""

from __future__ import annotations

import httpx
import httpx2
import pytest

from tests.support import provider_stubs_bedrock as bed
from tests.support import provider_stubs_http as web


def _ai_response(ingest, count):
    events = ingest.wait_for_events(count)
    found = [e for e in events if e["event_type"] == "[Agent] AI Response"]
    assert len(found) == 1, [e["event_type"] for e in events]
    return found[0]


def _check(event, provider, model, *, user="user-e2e"):
    props = event["event_properties"]
    assert event["user_id"] == user
    assert props["[Agent] Provider"] == provider
    assert props["[Agent] Model Name"] == model
    assert props["[Agent] Is Streaming"] is True
    assert props["[Agent] TTFB Ms"] >= 0
    assert props["[Agent] Input Tokens"] > 0 and props["[Agent] Output Tokens"] > 0
    assert props["[Agent] Cost USD"] > 0
    return props


def test_anthropic_stream_reaches_ingest(amplitude_client, ingest):
    from amplitude_ai import Anthropic

    stub = web.StubTransport(httpx2, web.Reply.sse(web.anthropic_stream_events(), named=True))
    client = Anthropic(amplitude=amplitude_client, api_key="k", http_client=httpx2.Client(transport=stub.transport()), max_retries=0)
    with client.messages.stream(model=web.CLAUDE, max_tokens=5, messages=[{"role": "user", "content": "Explain funnels"}], amplitude_user_id="user-e2e") as s:
        assert s.get_final_text() == "Funnels convert."
    amplitude_client.flush()
    props = _check(_ai_response(ingest, 2), "anthropic", web.CLAUDE)
    assert props["[Agent] Cache Read Tokens"] == 400


def test_gemini_stream_reaches_ingest(amplitude_client, ingest):
    from google.genai import types

    from amplitude_ai import Gemini

    stub = web.StubTransport(httpx, web.Reply.sse(web.gemini_stream_chunks()))
    client = Gemini(
        amplitude=amplitude_client, api_key="k", model_name=web.GEMINI,
        http_options=types.HttpOptions(httpx_client=httpx.Client(transport=stub.transport())),
    )
    text = "".join(chunk.text for chunk in client.generate_content_stream("What are cohorts?", amplitude_user_id="user-e2e"))
    assert text == "Cohorts group users."
    amplitude_client.flush()
    _check(_ai_response(ingest, 2), "google", web.GEMINI)


def test_mistral_stream_reaches_ingest(amplitude_client, ingest):
    from amplitude_ai import Mistral

    stub = web.StubTransport(httpx, web.Reply.sse(web.mistral_stream_chunks(), done=True))
    client = Mistral(amplitude=amplitude_client, api_key="k", client=httpx.Client(transport=stub.transport()))
    for _ in client.chat.stream(model=web.MISTRAL, messages=[{"role": "user", "content": "hi"}], amplitude_user_id="user-e2e"):
        pass
    amplitude_client.flush()
    _check(_ai_response(ingest, 2), "mistral", web.MISTRAL)


def test_bedrock_stream_reaches_ingest(amplitude_client, ingest, monkeypatch):
    from amplitude_ai import Bedrock

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    server = bed.BedrockServer().start()
    try:
        server.queue(bed.BedrockReply.stream(bed.converse_stream_events()))
        client = Bedrock(amplitude=amplitude_client, region_name="us-east-1", endpoint_url=server.url)
        response = client.converse_stream(
            modelId=bed.CLAUDE_ON_BEDROCK, messages=[{"role": "user", "content": [{"text": "hi"}]}], amplitude_user_id="user-e2e"
        )
        for _ in response["stream"]:
            pass
    finally:
        server.stop()
    amplitude_client.flush()
    _check(_ai_response(ingest, 2), "bedrock", bed.CLAUDE_ON_BEDROCK)


@pytest.mark.parametrize("provider", ["anthropic", "mistral"])
def test_call_without_user_or_session_is_sent_with_a_device_id(amplitude_client, ingest, provider):
    if provider == "anthropic":
        from amplitude_ai import Anthropic

        stub = web.StubTransport(httpx2, web.Reply.json(web.anthropic_message()))
        client = Anthropic(amplitude=amplitude_client, api_key="k", http_client=httpx2.Client(transport=stub.transport()), max_retries=0)
        client.messages.create(model=web.CLAUDE, max_tokens=5, messages=[{"role": "user", "content": "hi"}])
    else:
        from amplitude_ai import Mistral

        stub = web.StubTransport(httpx, web.Reply.json(web.mistral_response()))
        client = Mistral(amplitude=amplitude_client, api_key="k", client=httpx.Client(transport=stub.transport()))
        client.chat.complete(model=web.MISTRAL, messages=[{"role": "user", "content": "hi"}])
    amplitude_client.flush()
    event = _ai_response(ingest, 2)
    assert not event.get("user_id")
    assert event["device_id"]
