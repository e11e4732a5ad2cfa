"""Anthropic wrapper: the real ``anthropic`` SDK, HTTP stubbed at its httpx2 transport."""

from __future__ import annotations

import gc
import json

import anthropic
import pytest

# anthropic 1.x and 2.x run on httpx2; the 0.x releases on httpx
httpx2 = pytest.importorskip("httpx2" if int(anthropic.__version__.split(".")[0]) >= 1 else "httpx")

from amplitude_ai.providers.anthropic import Anthropic, AsyncAnthropic
from tests.support.provider_stubs_http import (
    AI_RESPONSE,
    ANTHROPIC_ERROR,
    CLAUDE,
    USER_MESSAGE,
    Reply,
    StubTransport,
    anthropic_message,
    anthropic_stream_events,
    events_of,
    only,
)

# runs once the runtime core (amplitude_ai.testing) is present
MockAmplitudeAI = pytest.importorskip("amplitude_ai.testing").MockAmplitudeAI

MESSAGES = [{"role": "user", "content": "Explain funnels"}]
SYSTEM_BLOCKS = [{"type": "text", "text": "You are terse."}, {"type": "text", "text": "Use examples."}]
TOOLS = [{"name": "get_chart", "description": "Fetch a chart", "input_schema": {"type": "object", "properties": {}}}]


@pytest.fixture
def mock():
    return MockAmplitudeAI()


def _clients(mock, *replies, async_=False):
    """(tracked, plain) clients on one stub, so both see exactly the same bytes."""
    stub = StubTransport(httpx2, *replies)
    if async_:
        make = lambda cls, **kw: cls(api_key="k", http_client=httpx2.AsyncClient(transport=stub.transport()), max_retries=0, **kw)  # noqa: E731
        return stub, make(AsyncAnthropic, amplitude=mock), make(anthropic.AsyncAnthropic)
    make = lambda cls, **kw: cls(api_key="k", http_client=httpx2.Client(transport=stub.transport()), max_retries=0, **kw)  # noqa: E731
    return stub, make(Anthropic, amplitude=mock), make(anthropic.Anthropic)


# --------------------------------------------------------------------------- non-streaming


def test_create_returns_the_sdk_message_and_tracks_every_field(mock):
    body = anthropic_message(thinking="User wants a definition.", tool={"name": "get_chart", "input": {"id": 7}}, stop_reason="tool_use")
    stub, client, _ = _clients(mock, Reply.json(body))
    assert isinstance(client, anthropic.Anthropic)

    message = client.messages.create(
        model=CLAUDE,
        max_tokens=256,
        extra_body={"temperature": 0.2, "top_p": 0.9},  # anthropic 2.x has no sampling kwargs
        system=SYSTEM_BLOCKS,
        tools=TOOLS,
        messages=MESSAGES,
        amplitude_user_id="user-1",
        amplitude_event_properties={"feature": "chat"},
    )

    assert type(message) is anthropic.types.Message
    assert message.content[1].text == "Funnels show conversion."
    sent = stub.last_json
    assert not any(key.startswith("amplitude_") for key in sent), "amplitude_* kwargs must not reach the API"

    user = only(mock, USER_MESSAGE)
    assert user["user_id"] == "user-1"
    ai = only(mock, AI_RESPONSE)
    assert ai["user_id"] == "user-1"
    assert ai["[Agent] Provider"] == "anthropic"
    assert ai["[Agent] Model Name"] == CLAUDE
    assert ai["[Agent] Input Tokens"] == 100
    assert ai["[Agent] Output Tokens"] == 20
    assert ai["[Agent] Cache Read Tokens"] == 400
    assert ai["[Agent] Cache Creation Tokens"] == 50
    assert ai["[Agent] Finish Reason"] == "tool_use"
    assert ai["[Agent] Has Reasoning"] is True
    assert ai["[Agent] Tool Definitions Count"] == 1
    assert ai["[Agent] Temperature"] == 0.2
    assert ai["[Agent] Top P"] == 0.9
    assert ai["[Agent] Max Output Tokens"] == 256
    assert ai["[Agent] Is Streaming"] is False
    assert ai["[Agent] Is Error"] is False
    assert ai["feature"] == "chat"
    calls = json.loads(ai["[Agent] Tool Calls"])
    assert calls[0]["function"]["name"] == "get_chart"
    assert calls[0]["function"]["arguments"] == {"id": 7}
    assert ai["[Agent] System Prompt Length"] == len("You are terse.\nUse examples.")
    assert ai["[Agent] Cost USD"] > 0


def test_error_is_reraised_unchanged_after_an_error_event(mock):
    stub, client, plain = _clients(mock, Reply.json(ANTHROPIC_ERROR, 400), Reply.json(ANTHROPIC_ERROR, 400))
    with pytest.raises(anthropic.BadRequestError) as plain_err:
        plain.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES)
    with pytest.raises(anthropic.BadRequestError) as err:
        client.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES, amplitude_user_id="u")
    assert type(err.value) is type(plain_err.value)
    assert err.value.status_code == 400
    assert str(err.value) == str(plain_err.value)
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Is Error"] is True
    assert "max_tokens" in ai["[Agent] Error Message"]


def test_with_options_and_raw_response_stay_tracked(mock):
    stub, client, _ = _clients(mock, Reply.json(anthropic_message()), Reply.json(anthropic_message()))
    other = client.with_options(timeout=5)
    assert isinstance(other, Anthropic)
    other.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES, amplitude_user_id="u")
    raw = client.messages.with_raw_response.create(model=CLAUDE, max_tokens=5, messages=MESSAGES, amplitude_user_id="u")
    assert raw.parse().content[0].text == "Funnels show conversion."
    ais = events_of(mock, AI_RESPONSE)
    assert len(ais) == 2
    assert all(ai["[Agent] Output Tokens"] == 20 for ai in ais)


def test_beta_messages_create_is_tracked(mock):
    stub, client, _ = _clients(mock, Reply.json(anthropic_message()))
    message = client.beta.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES, amplitude_user_id="u")
    assert type(message).__name__ == "BetaMessage"
    assert only(mock, AI_RESPONSE)["[Agent] Input Tokens"] == 100


@pytest.mark.skipif(not hasattr(anthropic.resources.messages.Messages, "parse"), reason="SDK without messages.parse")
def test_messages_parse_is_tracked(mock):
    from pydantic import BaseModel

    class Answer(BaseModel):
        answer: str

    stub, client, _ = _clients(mock, Reply.json(anthropic_message(text='{"answer": "funnels"}')))
    parsed = client.messages.parse(model=CLAUDE, max_tokens=5, messages=MESSAGES, output_format=Answer, amplitude_user_id="u")
    assert parsed.parsed_output == Answer(answer="funnels")
    assert only(mock, AI_RESPONSE)["[Agent] Output Tokens"] == 20


def test_session_context_reaches_provider_events(mock):
    stub, client, _ = _clients(mock, Reply.json(anthropic_message()))
    agent = mock.agent("support-bot", user_id="user-9")
    with agent.session(session_id="sess-1"):
        client.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES)
    ai = only(mock, AI_RESPONSE)
    assert ai["user_id"] == "user-9"
    assert ai["[Agent] Session ID"] == "sess-1"
    assert ai["[Agent] Agent ID"] == "support-bot"


# --------------------------------------------------------------------------- streaming


def _assert_is(stream, cls):
    if int(anthropic.__version__.split(".")[0]) >= 1:
        assert isinstance(stream, cls)
    else:  # 0.x's Stream metaclass answers isinstance() only for exact types; the class is kept
        assert stream.__class__ is cls


def _sse(**kw):
    return Reply.sse(anthropic_stream_events(**kw), named=True)


def test_stream_true_is_chunk_for_chunk_identical_and_recorded_once(mock):
    stub, client, plain = _clients(mock, _sse(thinking="Let me think."), _sse(thinking="Let me think."))
    expected = [e.to_dict() for e in plain.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES, stream=True)]

    stream = client.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES, stream=True, amplitude_user_id="u")
    _assert_is(stream, anthropic.Stream)
    assert stream.response.status_code == 200  # attribute access passes through
    got = [e.to_dict() for e in stream]

    assert got == expected
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Is Streaming"] is True
    assert ai["[Agent] Input Tokens"] == 100
    assert ai["[Agent] Output Tokens"] == 20
    assert ai["[Agent] Cache Read Tokens"] == 400
    assert ai["[Agent] Finish Reason"] == "end_turn"
    assert ai["[Agent] Has Reasoning"] is True
    assert ai["[Agent] TTFB Ms"] >= 0
    assert ai["[Agent] Cost USD"] > 0


def test_stream_helper_keeps_with_text_stream_and_final_message(mock):
    tool = {"name": "get_chart", "input": {"id": 3}}
    stub, client, plain = _clients(mock, _sse(tool=tool), _sse(tool=tool))
    with plain.messages.stream(model=CLAUDE, max_tokens=5, messages=MESSAGES) as s:
        expected_text = "".join(s.text_stream)
        expected_final = s.get_final_message().to_dict()

    with client.messages.stream(model=CLAUDE, max_tokens=5, messages=MESSAGES, amplitude_user_id="u") as s:
        assert type(s).__name__ == "MessageStream"
        text = "".join(s.text_stream)
        final = s.get_final_message().to_dict()
        assert s.request_id is None or isinstance(s.request_id, str)

    assert text == expected_text == "Funnels convert."
    assert final == expected_final
    ai = only(mock, AI_RESPONSE)
    assert json.loads(ai["[Agent] Tool Calls"])[0]["function"]["arguments"] == {"id": 3}
    assert ai["[Agent] Output Tokens"] == 20


def test_stream_helper_without_entering_sends_nothing(mock):
    stub, client, _ = _clients(mock, _sse())
    client.messages.stream(model=CLAUDE, max_tokens=5, messages=MESSAGES)
    assert stub.requests == []
    assert events_of(mock, AI_RESPONSE) == []


@pytest.mark.parametrize("how", ["break_then_close", "with_block_break", "garbage_collected", "next_only"])
def test_stream_ended_early_records_exactly_once(mock, how):
    stub, client, _ = _clients(mock, _sse())
    stream = client.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES, stream=True, amplitude_user_id="u")
    if how == "break_then_close":
        for _ in stream:
            break
        stream.close()
        stream.close()
    elif how == "with_block_break":
        with stream:
            for _ in stream:
                break
    elif how == "next_only":
        first = next(stream)
        assert first.type == "message_start"
        del stream, first
        gc.collect()
    else:
        for _ in stream:
            break
        del stream
        gc.collect()
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Is Streaming"] is True
    assert ai["[Agent] Input Tokens"] == 100  # seen in message_start before the early end


# --------------------------------------------------------------------------- async


async def test_async_create_and_error(mock):
    stub, client, _ = _clients(mock, Reply.json(anthropic_message()), Reply.json(ANTHROPIC_ERROR, 400), async_=True)
    assert isinstance(client, anthropic.AsyncAnthropic)
    message = await client.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES, amplitude_user_id="u")
    assert type(message) is anthropic.types.Message
    with pytest.raises(anthropic.BadRequestError):
        await client.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES, amplitude_user_id="u")
    first, second = events_of(mock, AI_RESPONSE)
    assert first["[Agent] Cache Creation Tokens"] == 50 and first["[Agent] Is Error"] is False
    assert second["[Agent] Is Error"] is True


async def test_async_stream_true_identical_and_once(mock):
    stub, client, plain = _clients(mock, _sse(), _sse(), async_=True)
    expected = [e.to_dict() async for e in await plain.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES, stream=True)]
    stream = await client.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES, stream=True, amplitude_user_id="u")
    _assert_is(stream, anthropic.AsyncStream)
    got = [e.to_dict() async for e in stream]
    assert got == expected
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Is Streaming"] is True and ai["[Agent] Output Tokens"] == 20


async def test_async_stream_helper_and_early_close(mock):
    stub, client, _ = _clients(mock, _sse(), _sse(), async_=True)
    async with client.messages.stream(model=CLAUDE, max_tokens=5, messages=MESSAGES, amplitude_user_id="u") as s:
        text = "".join([t async for t in s.text_stream])
        final = await s.get_final_message()
    assert text == "Funnels convert." and final.usage.output_tokens == 20

    stream = await client.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES, stream=True, amplitude_user_id="u")
    async for _ in stream:
        break
    await stream.close()
    ais = events_of(mock, AI_RESPONSE)
    assert len(ais) == 2


async def test_async_with_raw_response_and_with_options(mock):
    stub, client, _ = _clients(mock, Reply.json(anthropic_message()), Reply.json(anthropic_message()), async_=True)
    raw = await client.messages.with_raw_response.create(model=CLAUDE, max_tokens=5, messages=MESSAGES, amplitude_user_id="u")
    parsed = raw.parse()  # a coroutine on 2.x, a value on 0.x (legacy raw response)
    parsed = await parsed if hasattr(parsed, "__await__") else parsed
    assert parsed.content[0].text == "Funnels show conversion."
    await client.with_options(timeout=5).messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES, amplitude_user_id="u")
    ais = events_of(mock, AI_RESPONSE)
    assert [ai["[Agent] Output Tokens"] for ai in ais] == [20, 20]


async def test_async_beta_messages(mock):
    stub, client, _ = _clients(mock, Reply.json(anthropic_message()), async_=True)
    await client.beta.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES, amplitude_user_id="u")
    assert only(mock, AI_RESPONSE)["[Agent] Provider"] == "anthropic"


# --------------------------------------------------------------------------- patch() and wrap()


def test_patch_anthropic_and_async_then_unpatch(mock):
    from amplitude_ai import patch_anthropic, patch_async_anthropic, unpatch

    vendor_sync, vendor_async = anthropic.Anthropic, anthropic.AsyncAnthropic
    stub = StubTransport(httpx2, Reply.json(anthropic_message()))
    try:
        assert patch_anthropic(amplitude=mock)
        assert patch_async_anthropic(amplitude=mock)
        assert anthropic.Anthropic is not vendor_sync and anthropic.AsyncAnthropic is not vendor_async
        client = anthropic.Anthropic(api_key="k", http_client=httpx2.Client(transport=stub.transport()), max_retries=0)
        assert isinstance(client, vendor_sync)
        client.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES, amplitude_user_id="u")
    finally:
        unpatch()
    assert anthropic.Anthropic is vendor_sync and anthropic.AsyncAnthropic is vendor_async
    assert only(mock, AI_RESPONSE)["[Agent] Provider"] == "anthropic"
    assert events_of(mock, USER_MESSAGE) == []  # patch(): AI Response only, no user identity


def test_wrap_tracks_an_existing_client_and_leaves_the_original_untracked(mock):
    from amplitude_ai import wrap

    stub = StubTransport(httpx2, Reply.json(anthropic_message()), Reply.json(anthropic_message()))
    original = anthropic.Anthropic(api_key="k", http_client=httpx2.Client(transport=stub.transport()), max_retries=0)
    tracked = wrap(original, amplitude=mock, user_id="default-user")
    assert isinstance(tracked, anthropic.Anthropic)
    tracked.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES)
    original.messages.create(model=CLAUDE, max_tokens=5, messages=MESSAGES)
    assert only(mock, AI_RESPONSE)["user_id"] == "default-user"


# --------------------------------------------------------------------------- sync/async parity


async def test_sync_and_async_emit_the_same_properties():
    from tests.support.provider_stubs_http import comparable

    sync_mock, async_mock = MockAmplitudeAI(), MockAmplitudeAI()
    replies = lambda: (Reply.json(anthropic_message(thinking="t")), _sse(thinking="t"))  # noqa: E731
    _, sync_client, _ = _clients(sync_mock, *replies())
    _, async_client, _ = _clients(async_mock, *replies(), async_=True)
    kwargs = dict(model=CLAUDE, max_tokens=5, system="Be brief.", messages=MESSAGES, amplitude_user_id="u")
    sync_client.messages.create(**kwargs)
    for _ in sync_client.messages.create(**kwargs, stream=True):
        pass
    await async_client.messages.create(**kwargs)
    async for _ in await async_client.messages.create(**kwargs, stream=True):
        pass
    for event_type in (USER_MESSAGE, AI_RESPONSE):
        assert comparable(events_of(sync_mock, event_type)) == comparable(events_of(async_mock, event_type))
