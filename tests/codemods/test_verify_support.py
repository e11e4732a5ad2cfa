"""The verify-test provider stubs answer every supported endpoint in a shape the real SDKs
parse, and the runtime's wrappers turn each answer into the right [Agent] event."""

from __future__ import annotations

import asyncio

import pytest

from amplitude_ai.testing import MockAmplitudeAI
from amplitude_ai.verify_support import COMPLETION_TOKENS, PROMPT_TOKENS, stub_providers

MSG = [{"role": "user", "content": "ping"}]


@pytest.fixture
def ai():
    return MockAmplitudeAI()


def _ai_events(ai):
    return [e["event_properties"] for e in ai.events if e["event_type"] == "[Agent] AI Response"]


def _assert_one(ai, provider, model, tokens=True):
    [p] = _ai_events(ai)
    assert (p["[Agent] Provider"], p["[Agent] Model Name"]) == (provider, model)
    if tokens:
        assert (p["[Agent] Input Tokens"], p["[Agent] Output Tokens"]) == (PROMPT_TOKENS, COMPLETION_TOKENS)


def test_openai_chat_stream_responses_embeddings(ai):
    from amplitude_ai import AsyncOpenAI, OpenAI

    with stub_providers() as stub:
        client = OpenAI(amplitude=ai)
        r = client.chat.completions.create(model="gpt-4o", messages=MSG)
        assert r.choices[0].message.content.startswith("Stubbed reply")
        _assert_one(ai, "openai", "gpt-4o")
        ai.events.clear()
        text = "".join(
            c.choices[0].delta.content or ""
            for c in client.chat.completions.create(model="gpt-4o", messages=MSG, stream=True, stream_options={"include_usage": True})
            if c.choices
        )
        assert text.startswith("Stubbed reply")
        _assert_one(ai, "openai", "gpt-4o")
        ai.events.clear()
        resp = client.responses.create(model="gpt-4.1", input="ping")
        assert resp.output_text.startswith("Stubbed reply")
        _assert_one(ai, "openai", "gpt-4.1")
        ai.events.clear()
        client.embeddings.create(model="text-embedding-3-small", input=["a", "b"])
        assert [e["event_type"] for e in ai.events] == ["[Agent] Embedding"]

        async def go():
            aclient = AsyncOpenAI(amplitude=ai)
            return await aclient.chat.completions.create(model="gpt-4o-mini", messages=MSG)

        ai.events.clear()
        asyncio.run(go())
        _assert_one(ai, "openai", "gpt-4o-mini")
    assert [c.endpoint for c in stub.calls] == ["chat.completions", "chat.completions", "responses", "embeddings", "chat.completions"]
    assert [c.streaming for c in stub.calls] == [False, True, False, False, False]


def test_anthropic_create_and_stream(ai):
    from amplitude_ai import Anthropic

    with stub_providers():
        client = Anthropic(amplitude=ai)
        client.messages.create(model="claude-3-5-haiku-latest", max_tokens=10, messages=MSG)
        _assert_one(ai, "anthropic", "claude-3-5-haiku-latest")
        ai.events.clear()
        with client.messages.stream(model="claude-3-5-haiku-latest", max_tokens=10, messages=MSG) as stream:
            assert "".join(stream.text_stream).startswith("Stubbed reply")
        _assert_one(ai, "anthropic", "claude-3-5-haiku-latest")


def test_gemini_generate_and_stream(ai):
    from amplitude_ai import Gemini

    with stub_providers():
        client = Gemini(amplitude=ai)
        assert client.models.generate_content(model="gemini-2.5-pro", contents="ping").text.startswith("Stubbed")
        _assert_one(ai, "google", "gemini-2.5-pro")
        ai.events.clear()
        text = "".join(c.text or "" for c in client.models.generate_content_stream(model="gemini-2.5-pro", contents="ping"))
        assert text.startswith("Stubbed")
        _assert_one(ai, "google", "gemini-2.5-pro")


def test_mistral_chat_and_stream(ai):
    from amplitude_ai import Mistral

    with stub_providers():
        client = Mistral(amplitude=ai)
        client.chat.complete(model="mistral-small-latest", messages=MSG)
        _assert_one(ai, "mistral", "mistral-small-latest")
        ai.events.clear()
        for _ in client.chat.stream(model="mistral-small-latest", messages=MSG):
            pass
        _assert_one(ai, "mistral", "mistral-small-latest")


def test_bedrock_converse_stream_and_invoke(ai):
    import json

    import boto3

    from amplitude_ai import wrap

    model = "anthropic.claude-3-5-sonnet-20240620-v1:0"
    with stub_providers():
        client = wrap(boto3.client("bedrock-runtime", region_name="us-east-1"), amplitude=ai)
        out = client.converse(modelId=model, messages=[{"role": "user", "content": [{"text": "ping"}]}])
        assert out["output"]["message"]["content"][0]["text"].startswith("Stubbed")
        _assert_one(ai, "bedrock", model)
        ai.events.clear()
        stream = client.converse_stream(modelId=model, messages=[{"role": "user", "content": [{"text": "ping"}]}])
        kinds = [next(iter(e)) for e in stream["stream"]]
        assert kinds[0] == "messageStart" and kinds[-1] == "metadata"
        _assert_one(ai, "bedrock", model)
        ai.events.clear()
        body = json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10, "messages": MSG})
        reply = json.loads(client.invoke_model(modelId=model, body=body)["body"].read())
        assert reply["content"][0]["text"].startswith("Stubbed")
        assert len(_ai_events(ai)) == 1


def test_other_hosts_are_refused_and_loopback_passes(ai):
    import httpx

    with stub_providers() as stub:
        r = httpx.get("https://example.com/")
        assert r.status_code == 503
    assert stub.blocked == ["https://example.com/"]
    assert stub.calls == []


def test_patches_are_removed_and_keys_restored(monkeypatch):
    import httpx

    monkeypatch.setenv("OPENAI_API_KEY", "mine")
    before = httpx.HTTPTransport.handle_request
    with stub_providers():
        import os

        assert os.environ["OPENAI_API_KEY"] != "mine"
        assert httpx.HTTPTransport.handle_request is not before
    assert httpx.HTTPTransport.handle_request is before
    import os

    assert os.environ["OPENAI_API_KEY"] == "mine"


def test_capture_sees_senders_via_loopback_and_dry_run_instances_at_delivery(monkeypatch):
    from amplitude_ai import AIConfig, AmplitudeAI
    from amplitude_ai.verify_support import capture_events

    monkeypatch.delenv("AMPLITUDE_AI_API_KEY", raising=False)
    early = AmplitudeAI(config=AIConfig(dry_run=True))  # built before the capture: never sends
    with capture_events() as capture:
        sender = AmplitudeAI()  # reads the capture's key and loopback URL
        assert sender.status()["sending"] is True
        sender.agent("verify-bot").track_user_message("from the sender", user_id="user-0001", session_id="s-1")
        early.agent("verify-bot").track_user_message("from the early one", user_id="user-0002", session_id="s-2")
        events = capture.collect()
        sender.shutdown()
    assert sorted(e["user_id"] for e in events) == ["user-0001", "user-0002"]
    assert all(e["event_type"] == "[Agent] User Message" for e in events)
