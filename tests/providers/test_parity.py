"""Sync and async wrappers emit the same events with the same property sets for the same scenario."""

from __future__ import annotations


from amplitude_ai import MockAmplitudeAI
from amplitude_ai.providers.openai import AsyncOpenAI, OpenAI
from tests.providers.conftest import make_openai
from tests.support.openai_stub import OpenAIStub

MESSAGES = [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "What is retention?"}]
# values that legitimately differ between two runs
VOLATILE = {"[Agent] Latency Ms", "[Agent] TTFB Ms", "[Agent] Message ID", "[Agent] Session ID", "[Agent] Trace ID", "[Agent] Span ID", "[Agent] Runtime"}


def _shape(mock):
    shaped = []
    for event in mock.events:
        etype = event["event_type"] if isinstance(event, dict) else event.event_type
        props = event["event_properties"] if isinstance(event, dict) else event.event_properties
        shaped.append((etype, {k: (None if k in VOLATILE else v) for k, v in props.items()}))
    return shaped


def _sync(scenario):
    stub, mock = OpenAIStub(), MockAmplitudeAI()
    client = make_openai(OpenAI, stub, amplitude=mock)
    for kind, kwargs in scenario:
        if kind == "chat":
            client.chat.completions.create(**kwargs)
        elif kind == "chat_stream":
            list(client.chat.completions.create(stream=True, **kwargs))
        elif kind == "responses":
            client.responses.create(**kwargs)
        elif kind == "responses_stream":
            list(client.responses.create(stream=True, **kwargs))
        elif kind == "embed":
            client.embeddings.create(**kwargs)
    return _shape(mock)


async def _async(scenario):
    stub, mock = OpenAIStub(), MockAmplitudeAI()
    client = make_openai(AsyncOpenAI, stub, async_=True, amplitude=mock)
    for kind, kwargs in scenario:
        if kind == "chat":
            await client.chat.completions.create(**kwargs)
        elif kind == "chat_stream":
            [c async for c in await client.chat.completions.create(stream=True, **kwargs)]
        elif kind == "responses":
            await client.responses.create(**kwargs)
        elif kind == "responses_stream":
            [c async for c in await client.responses.create(stream=True, **kwargs)]
        elif kind == "embed":
            await client.embeddings.create(**kwargs)
    return _shape(mock)


SCENARIO = [
    ("chat", {"model": "gpt-4o", "messages": MESSAGES, "temperature": 0.1, "amplitude_user_id": "u"}),
    ("chat_stream", {"model": "gpt-4o", "messages": MESSAGES, "amplitude_user_id": "u"}),
    ("responses", {"model": "gpt-4o", "input": "Q", "instructions": "Be terse.", "amplitude_user_id": "u"}),
    ("responses_stream", {"model": "gpt-4o", "input": "Q", "amplitude_user_id": "u"}),
    ("embed", {"model": "text-embedding-3-small", "input": "Q", "amplitude_user_id": "u"}),
]


async def test_sync_and_async_emit_identical_events():
    sync_events = _sync(SCENARIO)
    async_events = await _async(SCENARIO)
    assert [e[0] for e in sync_events] == [e[0] for e in async_events]
    assert len(sync_events) == 9
    for (etype, s_props), (_, a_props) in zip(sync_events, async_events):
        assert set(s_props) == set(a_props), etype
        assert s_props == a_props, etype
