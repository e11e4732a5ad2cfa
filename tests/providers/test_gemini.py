"""Gemini wrapper: the real ``google-genai`` SDK, HTTP stubbed through ``HttpOptions(httpx_client=...)``."""

from __future__ import annotations

import gc
import json

import httpx
import pytest
from google import genai
from google.genai import errors, types

from amplitude_ai.providers.gemini import Gemini
from tests.support.provider_stubs_http import (
    AI_RESPONSE,
    EMBEDDING,
    GEMINI,
    GEMINI_ERROR,
    USER_MESSAGE,
    Reply,
    StubTransport,
    events_of,
    gemini_response,
    gemini_stream_chunks,
    only,
)

# runs once the runtime core (amplitude_ai.testing) is present
MockAmplitudeAI = pytest.importorskip("amplitude_ai.testing").MockAmplitudeAI


@pytest.fixture
def mock():
    return MockAmplitudeAI()


def _options(stub):
    return types.HttpOptions(
        httpx_client=httpx.Client(transport=stub.transport()),
        httpx_async_client=httpx.AsyncClient(transport=stub.transport()),
    )


def _clients(mock, *replies):
    stub = StubTransport(httpx, *replies)
    tracked = Gemini(amplitude=mock, api_key="k", model_name=GEMINI, http_options=_options(stub))
    plain = genai.Client(api_key="k", http_options=_options(stub))
    return stub, tracked, plain


CONFIG = types.GenerateContentConfig(
    system_instruction="Answer in one sentence.",
    temperature=0.4,
    top_p=0.8,
    max_output_tokens=128,
    tools=[types.Tool(function_declarations=[types.FunctionDeclaration(name="lookup", description="Look up a term")])],
)


def test_spec_facade_generate_content(mock):
    stub, client, _ = _clients(mock, Reply.json(gemini_response(thought="Define it simply.")))
    assert isinstance(client, genai.Client)

    response = client.generate_content("What are cohorts?", config=CONFIG, amplitude_user_id="user-1")

    assert type(response) is types.GenerateContentResponse
    assert response.text == "Cohorts group users."
    assert "amplitude" not in stub.requests[-1].content.decode()
    assert only(mock, USER_MESSAGE)["user_id"] == "user-1"
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Provider"] == "google"
    assert ai["[Agent] Model Name"] == GEMINI
    assert ai["[Agent] Input Tokens"] == 12
    assert ai["[Agent] Output Tokens"] == 8  # as Google reports it: thinking is counted beside it
    assert ai["[Agent] Total Tokens"] == 25
    assert ai["[Agent] Reasoning Tokens"] == 5
    assert ai["[Agent] Has Reasoning"] is True
    assert ai["[Agent] Finish Reason"] == "STOP"
    assert ai["[Agent] Temperature"] == 0.4
    assert ai["[Agent] Top P"] == 0.8
    assert ai["[Agent] Max Output Tokens"] == 128
    assert ai["[Agent] Tool Definitions Count"] == 1
    assert ai["[Agent] System Prompt Length"] == len("Answer in one sentence.")
    assert ai["[Agent] Is Streaming"] is False
    assert ai["[Agent] Cost USD"] > 0


def test_models_generate_content_with_function_call(mock):
    call = {"name": "lookup", "args": {"term": "cohort"}}
    stub, client, _ = _clients(mock, Reply.json(gemini_response(text="", call=call)))
    client.models.generate_content(model=GEMINI, contents=[types.Content(role="user", parts=[types.Part(text="hi")])], amplitude_user_id="u")
    ai = only(mock, AI_RESPONSE)
    assert json.loads(ai["[Agent] Tool Calls"])[0]["function"] == {"name": "lookup", "arguments": {"term": "cohort"}}


def test_python_function_tools_count_as_tool_definitions(mock):
    def get_weather(city: str) -> str:
        """Weather for a city."""
        return "sunny"

    stub, client, _ = _clients(mock, Reply.json(gemini_response()))
    config = types.GenerateContentConfig(
        tools=[get_weather], automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True)
    )
    client.generate_content("Weather in Paris?", config=config, amplitude_user_id="u")
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Tool Definitions Count"] == 1


def test_error_reraised_unchanged(mock):
    stub, client, plain = _clients(mock, Reply.json(GEMINI_ERROR, 400), Reply.json(GEMINI_ERROR, 400))
    with pytest.raises(errors.ClientError) as plain_err:
        plain.models.generate_content(model=GEMINI, contents="x")
    with pytest.raises(errors.ClientError) as err:
        client.generate_content("x", amplitude_user_id="u")
    assert type(err.value) is type(plain_err.value) and err.value.code == 400
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Is Error"] is True and "API key not valid" in ai["[Agent] Error Message"]


def test_stream_identical_chunks_and_one_event(mock):
    stub, client, plain = _clients(mock, Reply.sse(gemini_stream_chunks()), Reply.sse(gemini_stream_chunks()))
    expected = [c.model_dump() for c in plain.models.generate_content_stream(model=GEMINI, contents="hi")]
    got = [c.model_dump() for c in client.generate_content_stream("hi", amplitude_user_id="u")]
    assert got == expected
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Is Streaming"] is True
    assert ai["[Agent] Output Tokens"] == 3
    assert ai["[Agent] Finish Reason"] == "STOP"


@pytest.mark.parametrize("how", ["break_then_close", "garbage_collected"])
def test_stream_ended_early_records_once(mock, how):
    stub, client, _ = _clients(mock, Reply.sse(gemini_stream_chunks()))
    stream = client.models.generate_content_stream(model=GEMINI, contents="hi", amplitude_user_id="u")
    for _ in stream:
        break
    if how == "break_then_close":
        stream.close()
    else:
        del stream
        gc.collect()
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Is Streaming"] is True
    assert ai["[Agent] Input Tokens"] == 12


def test_stream_error_reraised(mock):
    stub, client, _ = _clients(mock, Reply.json(GEMINI_ERROR, 400))
    with pytest.raises(errors.ClientError):
        for _ in client.models.generate_content_stream(model=GEMINI, contents="hi", amplitude_user_id="u"):
            pass
    assert only(mock, AI_RESPONSE)["[Agent] Is Error"] is True


def test_embed_content_tracked_as_embedding(mock):
    stub, client, _ = _clients(mock, Reply.json({"embeddings": [{"values": [0.1, 0.2, 0.3]}]}))
    result = client.models.embed_content(model="text-embedding-004", contents="cohort", amplitude_user_id="u")
    assert type(result) is types.EmbedContentResponse
    emb = only(mock, EMBEDDING)
    assert emb["[Agent] Provider"] == "google"
    assert emb["[Agent] Model Name"] == "text-embedding-004"
    assert events_of(mock, USER_MESSAGE) == []


async def test_aio_models_generate_stream_and_error(mock):
    stub, client, plain = _clients(
        mock,
        Reply.json(gemini_response()),
        Reply.sse(gemini_stream_chunks()),
        Reply.sse(gemini_stream_chunks()),
        Reply.json(GEMINI_ERROR, 400),
    )
    response = await client.aio.models.generate_content(model=GEMINI, contents="hi", amplitude_user_id="u")
    assert type(response) is types.GenerateContentResponse
    expected = [c.model_dump() async for c in await plain.aio.models.generate_content_stream(model=GEMINI, contents="hi")]
    got = [c.model_dump() async for c in await client.aio.models.generate_content_stream(model=GEMINI, contents="hi", amplitude_user_id="u")]
    assert got == expected
    with pytest.raises(errors.ClientError):
        await client.aio.models.generate_content(model=GEMINI, contents="hi", amplitude_user_id="u")
    first, second, third = events_of(mock, AI_RESPONSE)
    assert first["[Agent] Is Streaming"] is False and first["[Agent] Output Tokens"] == 8
    assert second["[Agent] Is Streaming"] is True and second["[Agent] Output Tokens"] == 3
    assert third["[Agent] Is Error"] is True


def test_session_context(mock):
    stub, client, _ = _clients(mock, Reply.json(gemini_response()))
    with mock.agent("gem-bot", user_id="user-3").session(session_id="s-g"):
        client.generate_content("hi")
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Session ID"] == "s-g" and ai["[Agent] Agent ID"] == "gem-bot" and ai["user_id"] == "user-3"


def test_patch_gemini_and_wrap(mock):
    from amplitude_ai import patch_gemini, unpatch, wrap

    vendor = genai.Client
    stub = StubTransport(httpx, Reply.json(gemini_response()), Reply.json(gemini_response()), Reply.json(gemini_response()))
    try:
        assert patch_gemini(amplitude=mock)
        assert genai.Client is not vendor
        patched = genai.Client(api_key="k", http_options=_options(stub))
        assert isinstance(patched, vendor)
        patched.models.generate_content(model=GEMINI, contents="hi", amplitude_user_id="u")
    finally:
        unpatch()
    assert genai.Client is vendor
    assert events_of(mock, USER_MESSAGE) == []  # patch(): AI Response only

    original = genai.Client(api_key="k", http_options=_options(stub))
    tracked = wrap(original, amplitude=mock)
    tracked.models.generate_content(model=GEMINI, contents="hi", amplitude_user_id="u")
    original.models.generate_content(model=GEMINI, contents="hi")  # untracked
    assert len(events_of(mock, AI_RESPONSE)) == 2
    assert len(events_of(mock, USER_MESSAGE)) == 1  # wrap() keeps the user message


async def test_sync_and_async_emit_the_same_properties():
    from tests.support.provider_stubs_http import comparable

    sync_mock, async_mock = MockAmplitudeAI(), MockAmplitudeAI()
    replies = lambda: (Reply.json(gemini_response(thought="t")), Reply.sse(gemini_stream_chunks()))  # noqa: E731
    _, sync_client, _ = _clients(sync_mock, *replies())
    _, async_client, _ = _clients(async_mock, *replies())
    sync_client.models.generate_content(model=GEMINI, contents="hi", config=CONFIG, amplitude_user_id="u")
    for _ in sync_client.models.generate_content_stream(model=GEMINI, contents="hi", amplitude_user_id="u"):
        pass
    await async_client.aio.models.generate_content(model=GEMINI, contents="hi", config=CONFIG, amplitude_user_id="u")
    async for _ in await async_client.aio.models.generate_content_stream(model=GEMINI, contents="hi", amplitude_user_id="u"):
        pass
    for event_type in (USER_MESSAGE, AI_RESPONSE):
        assert comparable(events_of(sync_mock, event_type)) == comparable(events_of(async_mock, event_type))
