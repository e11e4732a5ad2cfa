"""The transparency contract for the OpenAI wrappers: nothing the caller sees changes.

Each test runs the tracked client and the bare SDK client against the same stub and compares what
the caller receives, or checks one stream exit path records exactly one event.
"""

from __future__ import annotations

import gc

import openai
import pytest

from amplitude_ai import MockAmplitudeAI
from amplitude_ai.providers.openai import AsyncOpenAI, OpenAI
from tests.providers.conftest import make_openai
from tests.support.provider_stubs_http import events_of

AI = "[Agent] AI Response"
MESSAGES = [{"role": "user", "content": "What is retention?"}]


def _pair(stub, mock_ai, async_=False):
    tracked = make_openai(AsyncOpenAI if async_ else OpenAI, stub, async_=async_, amplitude=mock_ai)
    bare = make_openai(openai.AsyncOpenAI if async_ else openai.OpenAI, stub, async_=async_)
    return tracked, bare


def _dump(items):
    return [item.to_json() for item in items]


# ------------------------------------------------------------------------------ types


def test_clients_are_vendor_subclasses(stub, mock_ai):
    tracked, _ = _pair(stub, mock_ai)
    assert isinstance(tracked, openai.OpenAI)
    assert isinstance(tracked.chat.completions, openai.resources.chat.Completions)
    assert tracked.api_key == "sk-test"
    assert tracked.base_url == openai.OpenAI(api_key="x", base_url="http://openai.stub/v1").base_url


def test_stream_keeps_the_sdk_stream_type_and_response(stub, mock_ai):
    tracked, _ = _pair(stub, mock_ai)
    stream = tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    assert isinstance(stream, openai.Stream)
    assert stream.response.status_code == 200
    first = next(stream)
    assert isinstance(first, openai.types.chat.ChatCompletionChunk)
    rest = list(stream)
    assert len(rest) == 6
    assert len(events_of(mock_ai, AI)) == 1


async def test_async_stream_keeps_the_sdk_stream_type_and_response(stub, mock_ai):
    tracked, _ = _pair(stub, mock_ai, async_=True)
    stream = await tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    assert isinstance(stream, openai.AsyncStream)
    assert stream.response.status_code == 200
    first = await stream.__anext__()
    assert isinstance(first, openai.types.chat.ChatCompletionChunk)
    rest = [c async for c in stream]
    assert len(rest) == 6
    assert len(events_of(mock_ai, AI)) == 1


# ------------------------------------------------------------------------------ same bytes, same objects


@pytest.mark.parametrize("tool_call", [False, True])
def test_chunks_equal_the_bare_sdk_chunk_for_chunk(stub, mock_ai, tool_call):
    stub.tool_call = tool_call
    tracked, bare = _pair(stub, mock_ai)
    got = list(tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    want = list(bare.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    assert _dump(got) == _dump(want)
    assert [c.model_dump(exclude_unset=True) for c in got] == [c.model_dump(exclude_unset=True) for c in want]


async def test_async_chunks_equal_the_bare_sdk_chunk_for_chunk(stub, mock_ai):
    tracked, bare = _pair(stub, mock_ai, async_=True)
    got = [c async for c in await tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)]
    want = [c async for c in await bare.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)]
    assert _dump(got) == _dump(want)


def test_legacy_completion_chunks_equal_the_bare_sdk(stub, mock_ai):
    tracked, bare = _pair(stub, mock_ai)
    got = list(tracked.completions.create(model="gpt-3.5-turbo-instruct", prompt="hi", stream=True))
    want = list(bare.completions.create(model="gpt-3.5-turbo-instruct", prompt="hi", stream=True))
    assert _dump(got) == _dump(want)


def test_user_requested_usage_chunk_is_delivered(stub, mock_ai):
    tracked, bare = _pair(stub, mock_ai)
    opts = {"include_usage": True}
    got = list(tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True, stream_options=opts))
    want = list(bare.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True, stream_options=opts))
    assert _dump(got) == _dump(want)
    assert got[-1].usage.total_tokens == 17
    assert events_of(mock_ai, AI)[0]["[Agent] Output Tokens"] == 5


def test_non_stream_results_equal_the_bare_sdk(stub, mock_ai):
    tracked, bare = _pair(stub, mock_ai)
    assert tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES).to_json() == bare.chat.completions.create(
        model="gpt-4o", messages=MESSAGES
    ).to_json()
    assert tracked.responses.create(model="gpt-4o", input="Q").to_json() == bare.responses.create(model="gpt-4o", input="Q").to_json()
    # the caller's own objects are not modified
    messages = [dict(m) for m in MESSAGES]
    list(tracked.chat.completions.create(model="gpt-4o", messages=messages, stream=True))
    assert messages == MESSAGES


def test_stream_helper_events_equal_the_bare_sdk(stub, mock_ai):
    tracked, bare = _pair(stub, mock_ai)
    with tracked.chat.completions.stream(model="gpt-4o", messages=MESSAGES) as s:
        got = [e.type for e in s]
        got_final = s.get_final_completion().to_json()
    with bare.chat.completions.stream(model="gpt-4o", messages=MESSAGES) as s:
        want = [e.type for e in s]
        want_final = s.get_final_completion().to_json()
    assert got == want
    assert got_final == want_final


# ------------------------------------------------------------------------------ exactly once, every exit path


def _one_event(mock_ai):
    gc.collect()
    assert len(events_of(mock_ai, AI)) == 1


def test_exhausted_then_closed_records_once(stub, mock_ai):
    tracked, _ = _pair(stub, mock_ai)
    stream = tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    list(stream)
    stream.close()
    del stream
    _one_event(mock_ai)


def test_closed_early_records_once_with_partial_text(stub, mock_ai):
    tracked, _ = _pair(stub, mock_ai)
    stream = tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    next(stream)
    next(stream)
    stream.close()
    assert len(events_of(mock_ai, AI)) == 1
    del stream
    _one_event(mock_ai)


def test_break_records_once(stub, mock_ai):
    tracked, _ = _pair(stub, mock_ai)

    def consume():
        for chunk in tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True):
            if chunk.choices[0].delta.content:
                break

    consume()
    _one_event(mock_ai)


def test_with_block_records_once(stub, mock_ai):
    tracked, _ = _pair(stub, mock_ai)
    with tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True) as stream:
        assert isinstance(stream, openai.Stream)
        next(stream)
    assert len(events_of(mock_ai, AI)) == 1
    assert stream.response.is_closed
    _one_event(mock_ai)


def test_garbage_collected_stream_records_once(stub, mock_ai):
    tracked, _ = _pair(stub, mock_ai)
    stream = tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    next(stream)
    assert events_of(mock_ai, AI) == []
    del stream
    _one_event(mock_ai)


def test_never_iterated_stream_records_once_when_collected(stub, mock_ai):
    tracked, _ = _pair(stub, mock_ai)
    tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    _one_event(mock_ai)


async def test_async_exit_paths_record_once(stub, mock_ai):
    tracked, _ = _pair(stub, mock_ai, async_=True)
    # async with + early exit
    async with await tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True) as stream:
        await stream.__anext__()
    assert len(events_of(mock_ai, AI)) == 1
    # close() early
    stream = await tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    await stream.__anext__()
    await stream.close()
    assert len(events_of(mock_ai, AI)) == 2
    # break
    async for _ in await tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True):
        break
    gc.collect()
    assert len(events_of(mock_ai, AI)) == 3
    # exhausted
    stream = await tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    [c async for c in stream]
    await stream.close()
    del stream
    gc.collect()
    assert len(events_of(mock_ai, AI)) == 4


# ------------------------------------------------------------------------------ telemetry never raises


class _BrokenSink(MockAmplitudeAI):
    def track_ai_message(self, *args, **kwargs):
        raise RuntimeError("sink is down")

    def track_user_message(self, *args, **kwargs):
        raise RuntimeError("sink is down")


def test_failing_telemetry_never_reaches_the_caller(stub):
    broken = _BrokenSink()
    client = make_openai(OpenAI, stub, amplitude=broken)
    completion = client.chat.completions.create(model="gpt-4o", messages=MESSAGES, amplitude_user_id="u")
    assert completion.choices[0].message.content == "Retention is users coming back."
    chunks = list(client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    assert len(chunks) == 7


def test_stream_freed_by_the_cyclic_collector_records_once(stub, mock_ai):
    from amplitude_ai.providers import _base

    tracked, _ = _pair(stub, mock_ai)
    stream = tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    next(stream)
    cycle = [stream]
    cycle.append(cycle)
    del stream, cycle
    gc.collect()
    assert _base.wait_for_deferred()
    assert len(events_of(mock_ai, AI)) == 1
