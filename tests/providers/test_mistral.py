"""Mistral wrapper: the real ``mistralai`` SDK, HTTP stubbed through its injectable httpx clients."""

from __future__ import annotations

import gc
import json

import httpx
import pytest

from amplitude_ai.providers.mistral import Mistral, _VendorMistral
from tests.support.provider_stubs_http import (
    AI_RESPONSE,
    EMBEDDING,
    MISTRAL,
    MISTRAL_ERROR,
    USER_MESSAGE,
    Reply,
    StubTransport,
    events_of,
    mistral_embedding,
    mistral_response,
    mistral_stream_chunks,
    only,
)

# runs once the runtime core (amplitude_ai.testing) is present
MockAmplitudeAI = pytest.importorskip("amplitude_ai.testing").MockAmplitudeAI

try:
    from mistralai.client import errors as mistral_errors
except ImportError:  # mistralai 1.x
    from mistralai import models as mistral_errors  # type: ignore[no-redef]

MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What are cohorts?"}]


@pytest.fixture
def mock():
    return MockAmplitudeAI()


def _clients(mock, *replies):
    stub = StubTransport(httpx, *replies)
    make = lambda cls, **kw: cls(  # noqa: E731
        api_key="k",
        client=httpx.Client(transport=stub.transport()),
        async_client=httpx.AsyncClient(transport=stub.transport()),
        **kw,
    )
    return stub, make(Mistral, amplitude=mock), make(_VendorMistral)


def _sse():
    return Reply.sse(mistral_stream_chunks(), done=True)


def test_complete_returns_sdk_type_and_tracks(mock):
    stub, client, _ = _clients(mock, Reply.json(mistral_response(tool={"name": "lookup", "input": {"q": "cohort"}}, finish="tool_calls")))
    assert isinstance(client, _VendorMistral)
    tools = [{"type": "function", "function": {"name": "lookup", "description": "d", "parameters": {"type": "object"}}}]
    response = client.chat.complete(model=MISTRAL, messages=MESSAGES, temperature=0.3, max_tokens=64, tools=tools, amplitude_user_id="user-1")
    assert type(response).__name__ == "ChatCompletionResponse"
    assert "amplitude" not in stub.requests[-1].content.decode()
    assert only(mock, USER_MESSAGE)["user_id"] == "user-1"
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Provider"] == "mistral"
    assert ai["[Agent] Model Name"] == MISTRAL
    assert ai["[Agent] Input Tokens"] == 15 and ai["[Agent] Output Tokens"] == 7
    assert ai["[Agent] Finish Reason"] == "tool_calls"
    assert json.loads(ai["[Agent] Tool Calls"])[0]["function"] == {"name": "lookup", "arguments": {"q": "cohort"}}
    assert ai["[Agent] Temperature"] == 0.3 and ai["[Agent] Max Output Tokens"] == 64
    assert ai["[Agent] System Prompt Length"] == len("Be brief.")
    assert ai["[Agent] Tool Definitions Count"] == 1


def test_thinking_chunks_become_reasoning(mock):
    content = [
        {"type": "thinking", "thinking": [{"type": "text", "text": "Groups by signup date."}]},
        {"type": "text", "text": "Cohorts are groups."},
    ]
    stub, client, _ = _clients(mock, Reply.json(mistral_response(text=content)))
    client.chat.complete(model=MISTRAL, messages=MESSAGES, amplitude_user_id="u")
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Has Reasoning"] is True


def test_error_reraised_unchanged(mock):
    stub, client, plain = _clients(mock, Reply.json(MISTRAL_ERROR, 401), Reply.json(MISTRAL_ERROR, 401))
    with pytest.raises(Exception) as plain_err:
        plain.chat.complete(model=MISTRAL, messages=MESSAGES)
    with pytest.raises(Exception) as err:
        client.chat.complete(model=MISTRAL, messages=MESSAGES, amplitude_user_id="u")
    assert type(err.value) is type(plain_err.value)
    assert isinstance(err.value, mistral_errors.SDKError)
    assert only(mock, AI_RESPONSE)["[Agent] Is Error"] is True


def test_stream_identical_with_block_and_one_event(mock):
    stub, client, plain = _clients(mock, _sse(), _sse())
    with plain.chat.stream(model=MISTRAL, messages=MESSAGES) as s:
        expected = [e.model_dump() for e in s]
    with client.chat.stream(model=MISTRAL, messages=MESSAGES, amplitude_user_id="u") as s:
        assert s.response.status_code == 200  # attribute access passes through the proxy
        got = [e.model_dump() for e in s]
    assert got == expected
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Is Streaming"] is True
    assert ai["[Agent] Input Tokens"] == 15 and ai["[Agent] Output Tokens"] == 7
    assert ai["[Agent] Finish Reason"] == "stop"
    assert ai["[Agent] Cost USD"] > 0


@pytest.mark.parametrize("how", ["close", "gc"])
def test_stream_ended_early_records_once(mock, how):
    stub, client, _ = _clients(mock, _sse())
    stream = client.chat.stream(model=MISTRAL, messages=MESSAGES, amplitude_user_id="u")
    first = next(stream)
    assert first.data.choices[0].delta.content == "Cohorts "
    if how == "close":
        stream.close()
    else:
        del stream, first
        gc.collect()
    assert only(mock, AI_RESPONSE)["[Agent] Is Streaming"] is True


def test_embeddings(mock):
    stub, client, _ = _clients(mock, Reply.json(mistral_embedding()))
    result = client.embeddings.create(model="mistral-embed", inputs=["a", "b"], amplitude_user_id="u")
    assert len(result.data) == 2
    emb = only(mock, EMBEDDING)
    assert emb["[Agent] Provider"] == "mistral" and emb["[Agent] Model Name"] == "mistral-embed"


async def test_async_complete_stream_embeddings_error(mock):
    stub, client, plain = _clients(
        mock,
        Reply.json(mistral_response()),
        _sse(),
        _sse(),
        Reply.json(mistral_embedding()),
        Reply.json(MISTRAL_ERROR, 401),
    )
    await client.chat.complete_async(model=MISTRAL, messages=MESSAGES, amplitude_user_id="u")
    expected = [e.model_dump() async for e in await plain.chat.stream_async(model=MISTRAL, messages=MESSAGES)]
    stream = await client.chat.stream_async(model=MISTRAL, messages=MESSAGES, amplitude_user_id="u")
    async with stream:
        got = [e.model_dump() async for e in stream]
    assert got == expected
    await client.embeddings.create_async(model="mistral-embed", inputs=["a"], amplitude_user_id="u")
    with pytest.raises(mistral_errors.SDKError):
        await client.chat.complete_async(model=MISTRAL, messages=MESSAGES, amplitude_user_id="u")
    first, second, third = events_of(mock, AI_RESPONSE)
    assert first["[Agent] Is Streaming"] is False and first["[Agent] Output Tokens"] == 7
    assert second["[Agent] Is Streaming"] is True and second["[Agent] Output Tokens"] == 7
    assert third["[Agent] Is Error"] is True
    assert len(events_of(mock, EMBEDDING)) == 1


def test_session_patch_and_wrap(mock):
    import importlib

    from amplitude_ai import patch_mistral, unpatch, wrap
    from amplitude_ai.providers.mistral import PATCH_TARGETS

    vendor_module = importlib.import_module(PATCH_TARGETS[0].module)  # mistralai.client (3.x) or mistralai (1.x)

    stub = StubTransport(httpx, Reply.json(mistral_response()), Reply.json(mistral_response()), Reply.json(mistral_response()))
    vendor = vendor_module.Mistral
    try:
        assert patch_mistral(amplitude=mock)
        patched = vendor_module.Mistral(api_key="k", client=httpx.Client(transport=stub.transport()))
        assert isinstance(patched, vendor)
        with mock.agent("m-bot", user_id="user-5").session(session_id="s-m"):
            patched.chat.complete(model=MISTRAL, messages=MESSAGES)
    finally:
        unpatch()
    assert vendor_module.Mistral is vendor
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Session ID"] == "s-m" and ai["user_id"] == "user-5"
    assert events_of(mock, USER_MESSAGE) == []  # patch(): AI Response only

    original = vendor(api_key="k", client=httpx.Client(transport=stub.transport()))
    original.chat  # built before wrapping: must stay untracked
    tracked = wrap(original, amplitude=mock)
    tracked.chat.complete(model=MISTRAL, messages=MESSAGES, amplitude_user_id="u")
    original.chat.complete(model=MISTRAL, messages=MESSAGES)
    assert len(events_of(mock, AI_RESPONSE)) == 2


async def test_sync_and_async_emit_the_same_properties():
    from tests.support.provider_stubs_http import comparable

    sync_mock, async_mock = MockAmplitudeAI(), MockAmplitudeAI()
    replies = lambda: (Reply.json(mistral_response()), _sse(), Reply.json(mistral_embedding()))  # noqa: E731
    _, sync_client, _ = _clients(sync_mock, *replies())
    _, async_client, _ = _clients(async_mock, *replies())
    sync_client.chat.complete(model=MISTRAL, messages=MESSAGES, amplitude_user_id="u")
    for _ in sync_client.chat.stream(model=MISTRAL, messages=MESSAGES, amplitude_user_id="u"):
        pass
    sync_client.embeddings.create(model="mistral-embed", inputs=["a"], amplitude_user_id="u")
    await async_client.chat.complete_async(model=MISTRAL, messages=MESSAGES, amplitude_user_id="u")
    async for _ in await async_client.chat.stream_async(model=MISTRAL, messages=MESSAGES, amplitude_user_id="u"):
        pass
    await async_client.embeddings.create_async(model="mistral-embed", inputs=["a"], amplitude_user_id="u")
    for event_type in (USER_MESSAGE, AI_RESPONSE, EMBEDDING):
        assert comparable(events_of(sync_mock, event_type)) == comparable(events_of(async_mock, event_type))
