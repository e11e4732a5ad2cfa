"""OpenAI wrappers: every tracked endpoint, sync and async, streaming and not, errors.

The real ``openai`` SDK talks to ``tests.support.openai_stub`` through its httpx2 transport; events
are captured by the real ``MockAmplitudeAI``.
"""

from __future__ import annotations

import logging

import openai
import pydantic
import pytest

from amplitude_ai.providers.openai import AsyncAzureOpenAI, AsyncOpenAI, AzureOpenAI, OpenAI
from tests.providers.conftest import make_openai
from tests.support.provider_stubs_http import events_of, only

AI = "[Agent] AI Response"
USER = "[Agent] User Message"
EMB = "[Agent] Embedding"
MESSAGES = [
    {"role": "system", "content": "You are terse."},
    {"role": "user", "content": "What is retention?"},
]
TOOLS = [
    {
        "type": "function",
        "function": {"name": "get_weather", "description": "Weather", "parameters": {"type": "object", "properties": {}}},
    }
]


class Answer(pydantic.BaseModel):
    answer: str
    confidence: float


async def _drain(result):
    if hasattr(result, "__aiter__"):
        return [item async for item in result]
    return list(result)


async def _call(client, fn, *args, **kwargs):
    out = fn(*args, **kwargs)
    if hasattr(out, "__await__"):
        out = await out
    return out


# ------------------------------------------------------------------------------ non-streaming


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
async def test_chat_create_tracks_user_message_and_response(stub, mock_ai, async_):
    client = make_openai(AsyncOpenAI if async_ else OpenAI, stub, async_=async_, amplitude=mock_ai)
    completion = await _call(
        client,
        client.chat.completions.create,
        model="gpt-4o",
        messages=MESSAGES,
        temperature=0.3,
        top_p=0.8,
        max_completion_tokens=64,
        tools=TOOLS,
        amplitude_user_id="u-1",
        amplitude_event_properties={"experiment": "b"},
    )
    assert type(completion) is openai.types.chat.ChatCompletion
    assert completion.choices[0].message.content == "Retention is users coming back."

    user = only(mock_ai, USER)
    assert user["user_id"] == "u-1"
    assert user["[Agent] Message Source"] == "user"
    ai = only(mock_ai, AI)
    assert ai["user_id"] == "u-1"
    assert ai["[Agent] Model Name"] == "gpt-4o-2024-08-06"
    assert ai["[Agent] Provider"] == "openai"
    assert ai["[Agent] Input Tokens"] == 12
    assert ai["[Agent] Output Tokens"] == 5
    assert ai["[Agent] Reasoning Tokens"] == 2
    assert ai["[Agent] Cache Read Tokens"] == 4
    assert ai["[Agent] Finish Reason"] == "stop"
    assert ai["[Agent] Temperature"] == 0.3
    assert ai["[Agent] Top P"] == 0.8
    assert ai["[Agent] Max Output Tokens"] == 64
    assert ai["[Agent] Is Streaming"] is False
    assert ai["[Agent] Tool Definitions Count"] == 1
    assert ai["[Agent] Latency Ms"] >= 0
    assert ai["experiment"] == "b"
    assert ai["[Agent] Cost USD"] > 0  # gpt-4o is priced

    sent = stub.requests[-1]
    assert not any(key.startswith("amplitude_") for key in sent["body"])
    assert not any("amplitude" in h for h in sent["headers"])


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
async def test_tool_calls_and_reasoning_content(stub, mock_ai, async_):
    stub.tool_call = True
    stub.reasoning = True
    client = make_openai(AsyncOpenAI if async_ else OpenAI, stub, async_=async_, amplitude=mock_ai)
    await _call(client, client.chat.completions.create, model="o3", messages=MESSAGES, tools=TOOLS, amplitude_user_id="u")
    ai = only(mock_ai, AI)
    assert ai["[Agent] Finish Reason"] == "tool_calls"
    calls = ai["[Agent] Tool Calls"]
    assert "get_weather" in str(calls)
    assert ai["[Agent] Reasoning Content"] == "Think about retention."
    assert ai["[Agent] Has Reasoning"] is True


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("path", ["chat.completions", "beta.chat.completions"])
async def test_parse_with_pydantic_model_keeps_the_parsed_type(stub, mock_ai, async_, path):
    client = make_openai(AsyncOpenAI if async_ else OpenAI, stub, async_=async_, amplitude=mock_ai)
    resource = client.chat.completions if path == "chat.completions" else client.beta.chat.completions
    parsed = await _call(
        client, resource.parse, model="gpt-4o", messages=MESSAGES, response_format=Answer, amplitude_user_id="u"
    )
    assert isinstance(parsed, openai.types.chat.ParsedChatCompletion)
    assert parsed.choices[0].message.parsed == Answer(answer="users coming back", confidence=0.9)
    assert only(mock_ai, AI)["[Agent] Input Tokens"] == 12


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
async def test_responses_create_and_parse(stub, mock_ai, async_):
    stub.reasoning = True
    client = make_openai(AsyncOpenAI if async_ else OpenAI, stub, async_=async_, amplitude=mock_ai)
    response = await _call(
        client, client.responses.create, model="gpt-4o", input="What is retention?", instructions="Be terse.",
        amplitude_user_id="u",
    )
    assert isinstance(response, openai.types.responses.Response)
    assert response.output_text == "Retention is users coming back."
    ai = only(mock_ai, AI)
    assert ai["[Agent] System Prompt"] == "Be terse." or ai.get("[Agent] System Prompt Length") == len("Be terse.")
    assert ai["[Agent] Input Tokens"] == 12
    assert ai["[Agent] Reasoning Content"] == "Think about retention."
    assert only(mock_ai, USER)["user_id"] == "u"

    parsed = await _call(client, client.responses.parse, model="gpt-4o", input="Q", text_format=Answer, amplitude_user_id="u")
    assert parsed.output_parsed == Answer(answer="users coming back", confidence=0.9)
    assert len(events_of(mock_ai, AI)) == 2


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
async def test_legacy_completions_and_embeddings(stub, mock_ai, async_):
    client = make_openai(AsyncOpenAI if async_ else OpenAI, stub, async_=async_, amplitude=mock_ai)
    completion = await _call(client, client.completions.create, model="gpt-3.5-turbo-instruct", prompt="Say hi", amplitude_user_id="u")
    assert isinstance(completion, openai.types.Completion)
    ai = only(mock_ai, AI)
    assert ai["[Agent] Model Name"] == "gpt-3.5-turbo-instruct"
    assert ai["[Agent] Output Tokens"] == 5

    emb = await _call(client, client.embeddings.create, model="text-embedding-3-small", input="hello", amplitude_user_id="u")
    assert len(emb.data[0].embedding) == 4
    event = only(mock_ai, EMB)
    assert event["[Agent] Model Name"] == "text-embedding-3-small"
    assert event["[Agent] Input Tokens"] == 8
    assert event["[Agent] Embedding Dimensions"] == 4
    assert len(events_of(mock_ai, USER)) == 1  # embeddings have no user message


# ------------------------------------------------------------------------------ streaming


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
async def test_chat_stream_reports_real_usage_and_ttfb(stub, mock_ai, async_):
    client = make_openai(AsyncOpenAI if async_ else OpenAI, stub, async_=async_, amplitude=mock_ai)
    stream = await _call(client, client.chat.completions.create, model="gpt-4o", messages=MESSAGES, stream=True, amplitude_user_id="u")
    chunks = await _drain(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Retention is users coming back."
    assert all(c.choices for c in chunks)  # the usage-only chunk we asked for is not shown
    ai = only(mock_ai, AI)
    assert ai["[Agent] Is Streaming"] is True
    assert ai["[Agent] Input Tokens"] == 12
    assert ai["[Agent] Output Tokens"] == 5
    assert ai["[Agent] TTFB Ms"] >= 0
    assert ai["[Agent] Cost USD"] > 0
    assert stub.requests[-1]["body"]["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
async def test_chat_stream_tool_call_deltas_are_assembled(stub, mock_ai, async_):
    stub.tool_call = True
    client = make_openai(AsyncOpenAI if async_ else OpenAI, stub, async_=async_, amplitude=mock_ai)
    stream = await _call(client, client.chat.completions.create, model="gpt-4o", messages=MESSAGES, stream=True, amplitude_user_id="u")
    await _drain(stream)
    ai = only(mock_ai, AI)
    assert ai["[Agent] Finish Reason"] == "tool_calls"
    assert '{"city": "SF"}' in str(ai["[Agent] Tool Calls"]) or "SF" in str(ai["[Agent] Tool Calls"])


def test_chat_completions_stream_helper(stub, mock_ai):
    client = make_openai(OpenAI, stub, amplitude=mock_ai)
    with client.chat.completions.stream(model="gpt-4o", messages=MESSAGES, amplitude_user_id="u-s") as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_completion()
    assert "content.delta" in kinds
    assert final.choices[0].message.content == "Retention is users coming back."
    ai = only(mock_ai, AI)
    assert ai["user_id"] == "u-s"
    assert ai["[Agent] Output Tokens"] == 5


async def test_async_chat_completions_stream_helper(stub, mock_ai):
    client = make_openai(AsyncOpenAI, stub, async_=True, amplitude=mock_ai)
    async with client.chat.completions.stream(model="gpt-4o", messages=MESSAGES, amplitude_user_id="u-s") as stream:
        async for _ in stream:
            pass
        final = await stream.get_final_completion()
    assert final.choices[0].message.content == "Retention is users coming back."
    assert only(mock_ai, AI)["[Agent] Input Tokens"] == 12


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
async def test_responses_stream(stub, mock_ai, async_):
    client = make_openai(AsyncOpenAI if async_ else OpenAI, stub, async_=async_, amplitude=mock_ai)
    events = await _drain(await _call(client, client.responses.create, model="gpt-4o", input="Q", stream=True, amplitude_user_id="u"))
    assert events[-1].type == "response.completed"
    ai = only(mock_ai, AI)
    assert ai["[Agent] Is Streaming"] is True
    assert ai["[Agent] Output Tokens"] == 5
    assert "stream_options" not in stub.requests[-1]["body"]  # the Responses API reports usage anyway


def test_responses_stream_helper(stub, mock_ai):
    client = make_openai(OpenAI, stub, amplitude=mock_ai)
    with client.responses.stream(model="gpt-4o", input="Q", amplitude_user_id="u") as stream:
        for _ in stream:
            pass
        final = stream.get_final_response()
    assert final.output_text == "Retention is users coming back."
    assert only(mock_ai, AI)["[Agent] Input Tokens"] == 12


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
async def test_legacy_completions_stream(stub, mock_ai, async_):
    client = make_openai(AsyncOpenAI if async_ else OpenAI, stub, async_=async_, amplitude=mock_ai)
    chunks = await _drain(
        await _call(client, client.completions.create, model="gpt-3.5-turbo-instruct", prompt="hi", stream=True, amplitude_user_id="u")
    )
    assert "".join(c.choices[0].text for c in chunks) == "Retention is users coming back."
    assert only(mock_ai, AI)["[Agent] Output Tokens"] == 5


# ------------------------------------------------------------------------------ errors


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("status,exc_type", [(500, openai.InternalServerError), (400, openai.BadRequestError)])
@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
async def test_provider_errors_are_reraised_unchanged_after_an_error_event(stub, mock_ai, async_, status, exc_type, stream):
    stub.fail_with = status
    client = make_openai(AsyncOpenAI if async_ else OpenAI, stub, async_=async_, amplitude=mock_ai)
    with pytest.raises(exc_type) as info:
        await _call(client, client.chat.completions.create, model="gpt-4o", messages=MESSAGES, stream=stream, amplitude_user_id="u")
    assert type(info.value) is exc_type
    assert info.value.status_code == status
    ai = only(mock_ai, AI)
    assert ai["[Agent] Is Error"] is True
    assert f"stub failure {status}" in ai["[Agent] Error Message"]


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
async def test_embedding_error(stub, mock_ai, async_):
    stub.fail_with = 500
    client = make_openai(AsyncOpenAI if async_ else OpenAI, stub, async_=async_, amplitude=mock_ai)
    with pytest.raises(openai.InternalServerError):
        await _call(client, client.embeddings.create, model="text-embedding-3-small", input="x", amplitude_user_id="u")
    assert len(events_of(mock_ai, EMB)) == 1


# ------------------------------------------------------------------------------ identity and context


def test_call_outside_session_without_user_uses_device_id_and_warns_once(stub, mock_ai, caplog):
    client = make_openai(OpenAI, stub, amplitude=mock_ai)
    with caplog.at_level(logging.WARNING, logger="amplitude_ai"):
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    events = events_of(mock_ai, AI)
    assert len(events) == 2
    assert events[0]["user_id"] is None and events[0]["device_id"]
    assert events[0]["device_id"] == events[1]["device_id"]
    warnings = [r for r in caplog.records if "outside any session" in r.getMessage()]
    assert len(warnings) == 1


def test_session_context_fills_identity(stub, mock_ai):
    client = make_openai(OpenAI, stub, amplitude=mock_ai)
    agent = mock_ai.agent("support-bot")
    with agent.session(user_id="u-42", session_id="s-1"):
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    ai = only(mock_ai, AI)
    assert ai["user_id"] == "u-42"
    assert ai["[Agent] Session ID"] == "s-1"
    assert ai["[Agent] Agent ID"] == "support-bot"
    user = only(mock_ai, USER)
    assert user["[Agent] Session ID"] == "s-1"
    assert user["[Agent] Message Source"] == "user"


def test_per_call_kwargs_override_the_session(stub, mock_ai):
    client = make_openai(OpenAI, stub, amplitude=mock_ai)
    with mock_ai.agent("bot").session(user_id="u-session", session_id="s-1"):
        client.chat.completions.create(
            model="gpt-4o", messages=MESSAGES, amplitude_user_id="u-call", amplitude_session_id="s-call",
            amplitude_trace_id="t-call",
        )
    ai = only(mock_ai, AI)
    assert ai["user_id"] == "u-call"
    assert ai["[Agent] Session ID"] == "s-call"
    assert ai["[Agent] Trace ID"] == "t-call"


def test_child_agent_marks_message_source_agent(stub, mock_ai):
    client = make_openai(OpenAI, stub, amplitude=mock_ai)
    parent = mock_ai.agent("orchestrator")
    child = parent.child("researcher")
    with child.session(user_id="u-1"):
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    user = only(mock_ai, USER)
    assert user["[Agent] Message Source"] == "agent"
    assert only(mock_ai, AI)["[Agent] Parent Agent ID"] == "orchestrator"


def test_no_user_message_when_the_last_message_is_a_tool_result(stub, mock_ai):
    client = make_openai(OpenAI, stub, amplitude=mock_ai)
    messages = [
        *MESSAGES,
        {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "72F"},
    ]
    client.chat.completions.create(model="gpt-4o", messages=messages, amplitude_user_id="u")
    assert events_of(mock_ai, USER) == []
    assert len(events_of(mock_ai, AI)) == 1


def test_amplitude_client_is_accepted(stub, amplitude_client, ingest):
    client = make_openai(OpenAI, stub, amplitude=amplitude_client)
    client.chat.completions.create(model="gpt-4o", messages=MESSAGES, amplitude_user_id="u-real")
    events = ingest.wait_for_events(2)
    types = sorted(e["event_type"] for e in events)
    assert types == [AI, USER]
    assert all(e["user_id"] == "u-real" for e in events)


# ------------------------------------------------------------------------------ with_options / raw / Azure


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
async def test_with_options_copy_is_still_tracked(stub, mock_ai, async_):
    client = make_openai(AsyncOpenAI if async_ else OpenAI, stub, async_=async_, amplitude=mock_ai)
    copy = client.with_options(timeout=5, max_retries=0)
    assert type(copy) is type(client)
    await _call(copy, copy.chat.completions.create, model="gpt-4o", messages=MESSAGES, amplitude_user_id="u")
    assert len(events_of(mock_ai, AI)) == 1


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
async def test_with_raw_response(stub, mock_ai, async_):
    client = make_openai(AsyncOpenAI if async_ else OpenAI, stub, async_=async_, amplitude=mock_ai)
    raw = await _call(
        client, client.chat.completions.with_raw_response.create, model="gpt-4o", messages=MESSAGES, amplitude_user_id="u"
    )
    assert raw.http_response.status_code == 200
    completion = raw.parse()
    assert isinstance(completion, openai.types.chat.ChatCompletion)
    ai = only(mock_ai, AI)
    assert ai["[Agent] Input Tokens"] == 12
    # the top-level with_raw_response too
    raw2 = await _call(client, client.with_raw_response.embeddings.create, model="text-embedding-3-small", input="x")
    assert raw2.parse().data
    assert len(events_of(mock_ai, EMB)) == 1


def test_with_raw_response_stream(stub, mock_ai):
    client = make_openai(OpenAI, stub, amplitude=mock_ai)
    raw = client.chat.completions.with_raw_response.create(model="gpt-4o", messages=MESSAGES, stream=True, amplitude_user_id="u")
    chunks = list(raw.parse())
    assert all(c.choices for c in chunks)
    assert only(mock_ai, AI)["[Agent] Output Tokens"] == 5


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
async def test_azure(stub, mock_ai, async_):
    client = make_openai(AsyncAzureOpenAI if async_ else AzureOpenAI, stub, async_=async_, amplitude=mock_ai)
    assert isinstance(client, openai.AsyncAzureOpenAI if async_ else openai.AzureOpenAI)
    await _call(client, client.chat.completions.create, model="gpt-4o", messages=MESSAGES, amplitude_user_id="u")
    assert stub.requests[-1]["path"] == "/openai/deployments/gpt-4o/chat/completions"
    ai = only(mock_ai, AI)
    assert ai["[Agent] Provider"] == "azure"


def test_untracked_endpoints_pass_through(stub, mock_ai):
    client = make_openai(OpenAI, stub, amplitude=mock_ai)
    with pytest.raises(openai.NotFoundError):
        client.models.list()
    assert mock_ai.events == [] or list(mock_ai.events) == []


# ------------------------------------------------------------------------------ propagate_context


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
async def test_propagate_context_injects_trace_headers_only_when_enabled(stub, async_):
    from amplitude_ai import AIConfig, MockAmplitudeAI

    on = MockAmplitudeAI(config=AIConfig(propagate_context=True))
    client = make_openai(AsyncOpenAI if async_ else OpenAI, stub, async_=async_, amplitude=on)
    with on.agent("bot").session(user_id="u", session_id="sess-prop") as session:
        session.new_trace()
        await _call(client, client.chat.completions.create, model="gpt-4o", messages=MESSAGES)
        stream = await _call(client, client.chat.completions.create, model="gpt-4o", messages=MESSAGES, stream=True)
        await _drain(stream)
    for request in stub.requests:
        assert request["headers"]["x-amplitude-session-id"] == "sess-prop"
        assert request["headers"]["traceparent"].startswith("00-")
    assert session.session_id == "sess-prop"

    off = MockAmplitudeAI()
    plain = make_openai(AsyncOpenAI if async_ else OpenAI, stub, async_=async_, amplitude=off)
    with off.agent("bot").session(user_id="u", session_id="sess-off"):
        await _call(plain, plain.chat.completions.create, model="gpt-4o", messages=MESSAGES)
    assert "x-amplitude-session-id" not in stub.requests[-1]["headers"]
    assert "traceparent" not in stub.requests[-1]["headers"]


def test_caller_headers_win_over_propagated_ones(stub):
    from amplitude_ai import AIConfig, MockAmplitudeAI

    on = MockAmplitudeAI(config=AIConfig(propagate_context=True))
    client = make_openai(OpenAI, stub, amplitude=on)
    with on.agent("bot").session(user_id="u", session_id="sess-prop"):
        client.chat.completions.create(
            model="gpt-4o", messages=MESSAGES, extra_headers={"x-amplitude-session-id": "mine"}, amplitude_user_id="u2"
        )
    assert stub.requests[-1]["headers"]["x-amplitude-session-id"] == "mine"
