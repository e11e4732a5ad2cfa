"""One user turn, one ``[Agent] User Message``.

The spec's quickstart tracks the user's message by hand (``session.track_user_message(msg)``)
and then calls the wrapped client with that message as the last user input. The wrapper must
not send a second User Message for it; a different text, a new trace, a different session or
a call outside the session still gets its own. Real SDKs (openai, anthropic) on stubbed HTTP,
sync and async, events recorded by ``MockAmplitudeAI``.
"""

from __future__ import annotations

import anthropic
import pytest

from amplitude_ai import MockAmplitudeAI
from amplitude_ai.providers.anthropic import Anthropic, AsyncAnthropic
from amplitude_ai.providers.openai import AsyncOpenAI, OpenAI
from tests.providers.conftest import make_openai
from tests.support.openai_stub import OpenAIStub
from tests.support.provider_stubs_http import AI_RESPONSE, CLAUDE, USER_MESSAGE, Reply, StubTransport, anthropic_message

httpx2 = pytest.importorskip("httpx2" if int(anthropic.__version__.split(".")[0]) >= 1 else "httpx")

QUESTION = "How do I build a funnel?"


def _user_texts(mock: MockAmplitudeAI) -> list[str]:
    return [e["event_properties"]["$llm_message"]["text"] for e in mock.events_of_type(USER_MESSAGE)]


# -- one client factory per provider x sync/async; each returns (client, call) -----------------
def _openai(mock, async_):
    client = make_openai(AsyncOpenAI if async_ else OpenAI, OpenAIStub(), async_=async_, amplitude=mock)

    def call(text, **kw):
        return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": text}], **kw)

    return call


def _anthropic(mock, async_):
    stub = StubTransport(httpx2, Reply.json(anthropic_message()), repeat=True)
    if async_:
        client = AsyncAnthropic(api_key="k", http_client=httpx2.AsyncClient(transport=stub.transport()), max_retries=0, amplitude=mock)
    else:
        client = Anthropic(api_key="k", http_client=httpx2.Client(transport=stub.transport()), max_retries=0, amplitude=mock)

    def call(text, **kw):
        return client.messages.create(model=CLAUDE, max_tokens=16, messages=[{"role": "user", "content": text}], **kw)

    return call


PROVIDERS = {"openai": _openai, "anthropic": _anthropic}
CASES = [(p, a) for p in PROVIDERS for a in (False, True)]
IDS = [f"{p}-{'async' if a else 'sync'}" for p, a in CASES]


async def _run(call, async_, text, **kw):
    result = call(text, **kw)
    if async_:
        await result


@pytest.mark.parametrize("provider,async_", CASES, ids=IDS)
async def test_hand_tracked_message_is_not_sent_twice(provider, async_):
    mock = MockAmplitudeAI()
    call = PROVIDERS[provider](mock, async_)
    with mock.agent("support-bot").session(user_id="user-1") as s:
        s.new_trace()
        s.track_user_message(QUESTION)
        await _run(call, async_, QUESTION)
    assert _user_texts(mock) == [QUESTION]
    assert len(mock.events_of_type(AI_RESPONSE)) == 1
    # the one User Message and the AI Response share the session and the trace
    user, ai = mock.events_of_type(USER_MESSAGE)[0], mock.events_of_type(AI_RESPONSE)[0]
    for key in ("[Agent] Session ID", "[Agent] Trace ID"):
        assert user["event_properties"][key] == ai["event_properties"][key]


@pytest.mark.parametrize("provider,async_", CASES, ids=IDS)
async def test_quickstart_without_new_trace_is_deduplicated_too(provider, async_):
    mock = MockAmplitudeAI()
    call = PROVIDERS[provider](mock, async_)
    with mock.agent("support-bot").session(user_id="user-1") as s:
        s.track_user_message(QUESTION)
        await _run(call, async_, QUESTION)
    assert _user_texts(mock) == [QUESTION]


@pytest.mark.parametrize("provider,async_", CASES, ids=IDS)
async def test_different_content_still_emits(provider, async_):
    mock = MockAmplitudeAI()
    call = PROVIDERS[provider](mock, async_)
    with mock.agent("support-bot").session(user_id="user-1") as s:
        s.new_trace()
        s.track_user_message(QUESTION)
        await _run(call, async_, QUESTION + " (rephrased for the model)")
    assert _user_texts(mock) == [QUESTION, QUESTION + " (rephrased for the model)"]


@pytest.mark.parametrize("provider,async_", CASES, ids=IDS)
async def test_a_new_trace_still_emits(provider, async_):
    mock = MockAmplitudeAI()
    call = PROVIDERS[provider](mock, async_)
    with mock.agent("support-bot").session(user_id="user-1") as s:
        s.new_trace()
        s.track_user_message(QUESTION)
        await _run(call, async_, QUESTION)
        s.new_trace()  # the user asks the same thing again: a new turn
        await _run(call, async_, QUESTION)
    assert _user_texts(mock) == [QUESTION, QUESTION]
    traces = [e["event_properties"]["[Agent] Trace ID"] for e in mock.events_of_type(USER_MESSAGE)]
    assert traces[0] != traces[1]


@pytest.mark.parametrize("provider,async_", CASES, ids=IDS)
async def test_another_session_or_no_session_still_emits(provider, async_):
    mock = MockAmplitudeAI()
    call = PROVIDERS[provider](mock, async_)
    with mock.agent("support-bot").session(user_id="user-1") as s:
        s.track_user_message(QUESTION)
        await _run(call, async_, QUESTION, amplitude_session_id="another-session")
    await _run(call, async_, QUESTION, amplitude_user_id="user-1")  # outside the session
    assert _user_texts(mock) == [QUESTION, QUESTION, QUESTION]


def test_wrapper_messages_do_not_suppress_each_other():
    """Only hand-tracked messages count: two wrapped calls with the same input both emit."""
    mock = MockAmplitudeAI()
    call = _openai(mock, False)
    with mock.agent("support-bot").session(user_id="user-1"):
        call(QUESTION)
        call(QUESTION)
    assert _user_texts(mock) == [QUESTION, QUESTION]
