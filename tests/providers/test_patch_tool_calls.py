"""patch(): [Agent] AI Response without [Agent] User Message, and [Agent] Tool Call events read
from the conversation history each request carries (OpenAI chat, Responses API, Anthropic).

The real SDKs run; HTTP is stubbed at their transports (tests/support/openai_stub.py,
tests/support/provider_stubs_http.py).
"""

from __future__ import annotations

import json

import anthropic
import openai
import pytest

import amplitude_ai
from amplitude_ai import AIConfig, MockAmplitudeAI
from amplitude_ai.providers._tool_extraction import ToolCallExtractor, extract
from amplitude_ai.providers.openai import OpenAI as TrackedOpenAI
from tests.providers.conftest import make_openai
from tests.support.provider_stubs_http import CLAUDE, Reply, StubTransport, anthropic_message, anthropic_stream_events, events_of

# anthropic 1.x and 2.x run on httpx2; the 0.x releases on httpx
httpx2 = pytest.importorskip("httpx2" if int(anthropic.__version__.split(".")[0]) >= 1 else "httpx")

TOOL = "[Agent] Tool Call"
USER = "[Agent] User Message"
AI = "[Agent] AI Response"
WEATHER_TOOL = [
    {
        "type": "function",
        "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
    }
]


def _chat_loop(client, stub, mock=None):
    """A 3-turn agent loop the way apps write it: the SDK's assistant message appended as is,
    the tool result after it, the whole history resent each turn. Returns the history and, with
    a ``MockAmplitudeAI``, the number of Tool Call events after each turn."""
    count = (lambda: len(events_of(mock, TOOL))) if mock is not None else (lambda: None)
    messages = [{"role": "user", "content": "Weather in SF?"}]
    stub.tool_call = True
    first = client.chat.completions.create(model="gpt-4o", messages=messages, tools=WEATHER_TOOL)
    call = first.choices[0].message.tool_calls[0]
    messages.append(first.choices[0].message)
    messages.append({"role": "tool", "tool_call_id": call.id, "content": "18C and sunny"})
    stub.tool_call = False
    turns = [count()]
    second = client.chat.completions.create(model="gpt-4o", messages=messages, tools=WEATHER_TOOL)
    turns.append(count())
    messages.append(second.choices[0].message)
    messages.append({"role": "user", "content": "And tomorrow?"})
    client.chat.completions.create(model="gpt-4o", messages=messages, tools=WEATHER_TOOL)
    turns.append(count())
    return messages, turns


# --------------------------------------------------------------------------- OpenAI chat


def test_patched_openai_chat_loop_emits_each_answered_tool_call_once(stub, mock_ai):
    amplitude_ai.patch_openai(amplitude=mock_ai)
    client = make_openai(openai.OpenAI, stub)

    _, tool_counts_after_turn = _chat_loop(client, stub, mock_ai)

    # turn 1 carries no result yet; turn 2 carries it; turn 3 resends it
    assert tool_counts_after_turn == [0, 1, 1]
    (tool,) = events_of(mock_ai, TOOL)
    assert tool["[Agent] Tool Name"] == "get_weather"
    assert json.loads(tool["[Agent] Tool Input"]) == {"city": "SF"}
    assert tool["[Agent] Tool Output"] == "18C and sunny"
    assert tool["[Agent] Latency Ms"] == 0
    assert tool["[Agent] Tool Success"] is True
    assert tool["[Agent] Is Error"] is False
    assert len(events_of(mock_ai, AI)) == 3
    assert events_of(mock_ai, USER) == []


async def test_patched_async_openai_with_user_id_and_session(stub, mock_ai):
    amplitude_ai.patch_async_openai(amplitude=mock_ai)
    client = make_openai(openai.AsyncOpenAI, stub, async_=True)
    messages = [
        {"role": "user", "content": "Weather?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'}},
            {"id": "call_b", "type": "function", "function": {"name": "get_time", "arguments": "{}"}},
        ]},
        {"role": "tool", "tool_call_id": "call_b", "content": [{"type": "text", "text": "09:00"}]},
        {"role": "tool", "tool_call_id": "call_a", "content": "-2C"},
    ]
    with mock_ai.agent("weather-bot").session(user_id="u-42", session_id="s-42"):
        await client.chat.completions.create(model="gpt-4o", messages=messages)

    tools = events_of(mock_ai, TOOL)
    assert [(t["[Agent] Tool Name"], t["[Agent] Tool Output"]) for t in tools] == [("get_time", "09:00"), ("get_weather", "-2C")]
    assert {t["user_id"] for t in tools} == {"u-42"}
    assert {t["[Agent] Session ID"] for t in tools} == {"s-42"}
    assert {t["[Agent] Agent ID"] for t in tools} == {"weather-bot"}
    assert events_of(mock_ai, USER) == []


def test_patched_openai_streaming_call_extracts_too(stub, mock_ai):
    amplitude_ai.patch_openai(amplitude=mock_ai)
    client = make_openai(openai.OpenAI, stub)
    messages = [
        {"role": "user", "content": "Weather?"},
        {"role": "assistant", "tool_calls": [{"id": "call_s", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "call_s", "content": "windy"},
    ]
    for _ in client.chat.completions.create(model="gpt-4o", messages=messages, stream=True, amplitude_user_id="u"):
        pass
    (tool,) = events_of(mock_ai, TOOL)
    assert tool["[Agent] Tool Output"] == "windy" and tool["user_id"] == "u"
    assert len(events_of(mock_ai, AI)) == 1


def test_direct_openai_client_keeps_user_message_and_extracts_nothing(stub, mock_ai):
    amplitude_ai.patch_openai(amplitude=mock_ai)  # patching does not change clients built directly
    client = make_openai(TrackedOpenAI, stub, amplitude=mock_ai)

    _chat_loop(client, stub)

    assert events_of(mock_ai, TOOL) == []
    assert [e["[Agent] Message Source"] for e in events_of(mock_ai, USER)] == ["user", "user"]  # turns 1 and 3
    assert len(events_of(mock_ai, AI)) == 3


def test_wrapped_client_keeps_user_message(stub, mock_ai):
    client = amplitude_ai.wrap(make_openai(openai.OpenAI, stub), amplitude=mock_ai)
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}], amplitude_user_id="u")
    assert len(events_of(mock_ai, USER)) == 1


def test_unpatched_clients_are_back_to_user_messages(stub, mock_ai):
    amplitude_ai.patch_openai(amplitude=mock_ai)
    amplitude_ai.unpatch()
    client = make_openai(TrackedOpenAI, stub, amplitude=mock_ai)
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}], amplitude_user_id="u")
    assert len(events_of(mock_ai, USER)) == 1


def test_metadata_only_sends_no_tool_input_or_output(stub):
    mock = MockAmplitudeAI(AIConfig(content_mode="metadata_only"))
    amplitude_ai.patch_openai(amplitude=mock)
    client = make_openai(openai.OpenAI, stub)

    _chat_loop(client, stub)

    (tool,) = events_of(mock, TOOL)
    assert tool["[Agent] Tool Name"] == "get_weather"
    assert "[Agent] Tool Input" not in tool and "[Agent] Tool Output" not in tool
    assert "18C" not in json.dumps(tool)


def test_patched_client_sends_tool_calls_to_amplitude(stub, amplitude_client, ingest):
    """The deferred-build path (a real amplitude-analytics client): same events."""
    ai = amplitude_ai.AmplitudeAI(amplitude=amplitude_client, config=AIConfig())
    amplitude_ai.patch_openai(amplitude=ai)
    client = make_openai(openai.OpenAI, stub)
    _chat_loop(client, stub)
    ai.flush()
    events = ingest.wait_for_events(4)
    types = sorted(e["event_type"] for e in events)
    assert types == [AI, AI, AI, TOOL]
    (tool,) = [e for e in events if e["event_type"] == TOOL]
    assert tool["event_properties"]["[Agent] Tool Output"] == "18C and sunny"


# --------------------------------------------------------------------------- OpenAI Responses API


def test_patched_responses_api_input_items(stub, mock_ai):
    amplitude_ai.patch_openai(amplitude=mock_ai)
    client = make_openai(openai.OpenAI, stub)
    items: list = [{"role": "user", "content": "Weather in SF?"}]
    stub.tool_call = True
    first = client.responses.create(model="gpt-4o", input=items)
    items += first.output  # the SDK's function_call item, as is
    items.append({"type": "function_call_output", "call_id": "call_1", "output": "fog"})
    items.append({"type": "function_call", "call_id": "call_x", "name": "get_time", "arguments": "{}"})  # no output yet
    stub.tool_call = False
    client.responses.create(model="gpt-4o", input=items)
    client.responses.create(model="gpt-4o", input=items)

    (tool,) = events_of(mock_ai, TOOL)
    assert tool["[Agent] Tool Name"] == "get_weather"
    assert json.loads(tool["[Agent] Tool Input"]) == {"city": "SF"}
    assert tool["[Agent] Tool Output"] == "fog"
    assert tool["[Agent] Latency Ms"] == 0
    assert events_of(mock_ai, USER) == []


# --------------------------------------------------------------------------- Anthropic

def _patched_anthropic(mock, *replies):
    amplitude_ai.patch_anthropic(amplitude=mock)
    stub = StubTransport(httpx2, *replies)
    return anthropic.Anthropic(api_key="k", http_client=httpx2.Client(transport=stub.transport()), max_retries=0)


def test_patched_anthropic_tool_use_and_tool_result_with_error(mock_ai):
    first_reply = anthropic_message(text="Let me look.", tool={"name": "get_chart", "input": {"id": 7}}, stop_reason="tool_use")
    client = _patched_anthropic(mock_ai, Reply.json(first_reply), Reply.json(anthropic_message()), Reply.json(anthropic_message()))
    messages: list = [{"role": "user", "content": "Charts 7 and 8?"}]
    first = client.messages.create(model=CLAUDE, max_tokens=64, messages=messages)
    messages.append({"role": "assistant", "content": [
        *first.content,  # the SDK's ToolUseBlock (id toolu_1)
        {"type": "tool_use", "id": "toolu_2", "name": "get_chart", "input": {"id": 8}},
    ]})
    messages.append({"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "toolu_1", "content": "chart 7: 40% conversion"},
        {"type": "tool_result", "tool_use_id": "toolu_2", "content": [{"type": "text", "text": "no chart 8"}], "is_error": True},
    ]})
    client.messages.create(model=CLAUDE, max_tokens=64, messages=messages)
    messages.append({"role": "assistant", "content": "Chart 7 converts at 40%."})
    messages.append({"role": "user", "content": "Thanks"})
    client.messages.create(model=CLAUDE, max_tokens=64, messages=messages)

    ok, failed = events_of(mock_ai, TOOL)
    assert (ok["[Agent] Tool Name"], json.loads(ok["[Agent] Tool Input"]), ok["[Agent] Tool Output"]) == (
        "get_chart", {"id": 7}, "chart 7: 40% conversion",
    )
    assert ok["[Agent] Tool Success"] is True and ok["[Agent] Latency Ms"] == 0
    assert json.loads(failed["[Agent] Tool Input"]) == {"id": 8}
    assert failed["[Agent] Tool Output"] == "no chart 8"
    assert failed["[Agent] Tool Success"] is False and failed["[Agent] Is Error"] is True
    assert len(events_of(mock_ai, AI)) == 3
    assert events_of(mock_ai, USER) == []


def test_patched_anthropic_reads_the_history_as_it_was_at_the_call(mock_ai):
    """The caller may change its list before a stream is consumed: only what was sent counts."""
    client = _patched_anthropic(mock_ai, Reply.sse(anthropic_stream_events(), named=True))
    messages: list = [
        {"role": "user", "content": "Chart 7?"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_s", "name": "get_chart", "input": {"id": 7}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_s", "content": "40%"}]},
    ]
    stream = client.messages.create(model=CLAUDE, max_tokens=64, messages=messages, stream=True)
    messages.append({"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_late", "name": "later", "input": {}}]})
    messages.append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_late", "content": "x"}]})
    for _ in stream:
        pass
    assert [t["[Agent] Tool Name"] for t in events_of(mock_ai, TOOL)] == ["get_chart"]
    assert len(events_of(mock_ai, AI)) == 1


# --------------------------------------------------------------------------- the extractor itself


def test_extract_skips_results_without_their_call_and_calls_without_results():
    messages = [
        {"role": "tool", "tool_call_id": "gone", "content": "orphan result"},
        {"role": "assistant", "tool_calls": [{"id": "pending", "function": {"name": "f", "arguments": "{}"}}]},
    ]
    assert extract(messages) == []
    assert extract("not a list") == []


def test_seen_ids_are_bounded_and_keep_recently_resent_ones():
    extractor = ToolCallExtractor(limit=3)
    assert [extractor.first_time(i) for i in ("a", "b", "c")] == [True, True, True]
    assert extractor.first_time("a") is False  # resent: now the most recent
    assert extractor.first_time("d") is True  # forgets "b", the least recently seen
    assert extractor.first_time("a") is False
    assert extractor.first_time("b") is True
