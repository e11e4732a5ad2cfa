"""Provider wrappers whose events are built later (on the dispatcher thread, or when flushed).

The real SDKs (anthropic, openai) run on transport stubs; events go through the real
amplitude-analytics client to the loopback ingestion server, so stream items kept by reference
(``_ReadLater``) are read when the event is built, not while the caller iterates. Covered:
long streams (a read_later accumulator keeps a bounded buffer; Anthropic's reads events as they
come and keeps none of them; right text and tokens), proxies dropped mid-stream
(recorded once, at once, without the cyclic collector), ``for`` loops over a temporary stream,
OpenAI streams whose usage we asked for (what the caller gets equals the bare SDK without it),
and ``read_field`` on the shapes parsers meet.
"""

from __future__ import annotations

import gc
from collections import OrderedDict
from collections.abc import Mapping
from types import SimpleNamespace

import anthropic
import openai
import pydantic
import pytest

httpx2 = pytest.importorskip("httpx2" if int(anthropic.__version__.split(".")[0]) >= 1 else "httpx")

from amplitude_ai import AmplitudeAI, MockAmplitudeAI
from amplitude_ai.core import delivery
from amplitude_ai.providers import _base
from amplitude_ai.providers import openai as tracked_openai
from amplitude_ai.providers._base import _ReadLater, read_field
from amplitude_ai.providers._anthropic_format import MessageStreamAccumulator
from amplitude_ai.providers.anthropic import Anthropic, AsyncAnthropic
from tests.providers.conftest import make_openai
from tests.support.openai_stub import CHAT_TEXT, OpenAIStub
from tests.support.provider_stubs_http import (
    AI_RESPONSE,
    CLAUDE,
    MISTRAL,
    USER_MESSAGE,
    Reply,
    StubTransport,
    anthropic_stream_events,
    events_of,
    mistral_stream_chunks,
)

USER = "user-0001"
MESSAGES = [{"role": "user", "content": "Explain funnels"}]
LONG_TEXTS = [f"w{i} " for i in range(150)]  # 155 stream events in all: more than 2 batches
BATCH = 64  # the bound promised for items kept by reference (_base.READ_LATER_BATCH)


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture
def ai(amplitude_client, monkeypatch):
    """An AmplitudeAI on the real client whose dispatcher never drains on its own: events are built
    when the test flushes, after the caller is done with the stream."""
    monkeypatch.setattr(delivery, "DISPATCH_LINGER", 3600.0)
    return AmplitudeAI(amplitude=amplitude_client)


def _sent(ai, ingest, count, event_type=AI_RESPONSE):
    """Flush, then the event_properties of the ``event_type`` events that arrived."""
    ai.flush().result(10)
    events = ingest.wait_for_events(count, timeout=10)
    assert len(events) == count, [e["event_type"] for e in events]
    return [e["event_properties"] for e in events if e["event_type"] == event_type]


def _anthropic(amplitude, *replies, async_=False):
    stub = StubTransport(httpx2, *replies)
    if async_:
        http = httpx2.AsyncClient(transport=stub.transport())
        return AsyncAnthropic(amplitude=amplitude, api_key="k", http_client=http, max_retries=0)
    return Anthropic(amplitude=amplitude, api_key="k", http_client=httpx2.Client(transport=stub.transport()), max_retries=0)


def _long_stream_reply():
    return Reply.sse(anthropic_stream_events(texts=LONG_TEXTS), named=True)


def _create(client, **kw):
    return client.messages.create(
        model=CLAUDE, max_tokens=64, messages=MESSAGES, stream=True, amplitude_user_id=USER, **kw
    )


def _acc(proxy):
    return object.__getattribute__(proxy, "_amp_acc")


def _check_long_stream_event(props):
    assert props["$llm_message"]["text"] == "".join(LONG_TEXTS)
    assert props["[Agent] Input Tokens"] == 100
    assert props["[Agent] Output Tokens"] == 20
    assert props["[Agent] Total Tokens"] == 120
    assert props["[Agent] Cache Read Tokens"] == 400
    assert props["[Agent] Cache Creation Tokens"] == 50
    assert props["[Agent] Finish Reason"] == "end_turn"
    assert props["[Agent] Is Streaming"] is True


# ------------------------------------------------------------------------------------ long streams


def _mistral(amplitude, *replies, async_=False):
    import httpx

    from amplitude_ai.providers.mistral import Mistral

    stub = StubTransport(httpx, *replies)
    return Mistral(
        amplitude=amplitude, api_key="k", client=httpx.Client(transport=stub.transport()),
        async_client=httpx.AsyncClient(transport=stub.transport()),
    )


def _long_mistral_reply():
    return Reply.sse(mistral_stream_chunks(LONG_TEXTS), done=True)


def _check_long_mistral_event(props):
    assert props["$llm_message"]["text"] == "".join(LONG_TEXTS)
    assert props["[Agent] Input Tokens"] == 15
    assert props["[Agent] Output Tokens"] == 7
    assert props["[Agent] Finish Reason"] == "stop"
    assert props["[Agent] Is Streaming"] is True


@pytest.mark.parametrize("how", ["for", "next"])
def test_long_read_later_stream_holds_at_most_one_batch_and_reports_text_and_tokens(ai, ingest, how):
    client = _mistral(ai, _long_mistral_reply())
    stream = client.chat.stream(model=MISTRAL, messages=MESSAGES, amplitude_user_id=USER)
    acc = _acc(stream)
    assert type(acc) is _ReadLater  # the accumulator under test, not a stand-in
    held, seen = [], 0
    if how == "for":
        for _ in stream:
            seen += 1
            held.append(len(acc.items))
    else:
        while True:
            try:
                next(stream)
            except StopIteration:
                break
            seen += 1
            held.append(len(acc.items))
    assert seen == len(LONG_TEXTS)
    assert max(held) <= BATCH, max(held)
    assert max(held) > 1  # items really are kept (by reference) for a later read
    (props,) = _sent(ai, ingest, 2)
    _check_long_mistral_event(props)


async def test_long_async_read_later_stream_holds_at_most_one_batch(ai, ingest):
    client = _mistral(ai, _long_mistral_reply())
    stream = await client.chat.stream_async(model=MISTRAL, messages=MESSAGES, amplitude_user_id=USER)
    acc = _acc(stream)
    assert type(acc) is _ReadLater
    held = []
    async for _ in stream:
        held.append(len(acc.items))
    assert len(held) == len(LONG_TEXTS)
    assert max(held) <= BATCH, max(held)
    assert max(held) > 1
    (props,) = _sent(ai, ingest, 2)
    _check_long_mistral_event(props)


@pytest.mark.parametrize("how", ["for", "next"])
def test_long_anthropic_stream_reads_events_as_they_come_and_keeps_none(ai, ingest, how):
    """Anthropic events are read while the caller iterates: the queued event keeps counts and text,
    not the SDK's event objects (which would otherwise live until the dispatcher thread ran)."""
    client = _anthropic(ai, _long_stream_reply())
    stream = _create(client)
    acc = _acc(stream)
    assert type(acc) is MessageStreamAccumulator
    seen = []
    if how == "for":
        for event in stream:
            seen.append(event)
    else:
        while True:
            try:
                seen.append(next(stream))
            except StopIteration:
                break
    assert len(seen) == len(LONG_TEXTS) + 5
    reachable = {id(x) for x in gc.get_referents(*gc.get_referents(acc)) if x is not None}
    reachable |= {id(x) for x in gc.get_referents(acc)}
    assert not any(id(event) in reachable for event in seen)
    assert not any(isinstance(x, pydantic.BaseModel) for x in _walk(acc))
    (props,) = _sent(ai, ingest, 2)
    _check_long_stream_event(props)


def _walk(root, depth=4):
    """Everything reachable from ``root`` through containers, ``depth`` levels down."""
    out, frontier = [], [root]
    for _ in range(depth):
        frontier = [r for x in frontier for r in gc.get_referents(x) if not isinstance(r, type)]
        out += frontier
    return out


def test_long_stream_through_the_sdk_stream_helper(ai, ingest):
    client = _anthropic(ai, _long_stream_reply())
    with client.messages.stream(model=CLAUDE, max_tokens=64, messages=MESSAGES, amplitude_user_id=USER) as s:
        text = "".join(s.text_stream)
        final = s.get_final_message()
    assert text == "".join(LONG_TEXTS)
    assert final.usage.output_tokens == 20
    (props,) = _sent(ai, ingest, 2)
    _check_long_stream_event(props)


# ------------------------------------------------------------------------------------ dropped proxies


def test_proxy_dropped_mid_iteration_records_once_at_once_without_the_collector():
    mock = MockAmplitudeAI()
    client = _anthropic(mock, _long_stream_reply())
    gc.disable()  # freed by reference counting alone
    try:
        stream = _create(client)
        for n, _ in enumerate(stream, 1):
            if n == 3:  # message_start, content_block_start, first text delta
                break
        assert events_of(mock, AI_RESPONSE) == []  # still open: nothing recorded yet
        del stream
        recorded = events_of(mock, AI_RESPONSE)
        assert len(recorded) == 1
        assert recorded[0]["$llm_message"]["text"] == LONG_TEXTS[0]
    finally:
        gc.enable()
    gc.collect()
    _base.wait_for_deferred()
    assert len(events_of(mock, AI_RESPONSE)) == 1


def test_proxy_dropped_mid_iteration_sends_one_event_with_what_was_seen(ai, ingest):
    client = _anthropic(ai, _long_stream_reply())
    stream = _create(client)
    for n, _ in enumerate(stream, 1):
        if n == 100:  # past one full batch: part read on the caller's thread, part later
            break
    del stream
    gc.collect()
    _base.wait_for_deferred()
    (props,) = _sent(ai, ingest, 2)
    assert props["$llm_message"]["text"] == "".join(LONG_TEXTS[:98])
    assert props["[Agent] Input Tokens"] == 100


def test_for_loop_over_a_temporary_stream_records_once_at_the_end_with_full_text():
    mock = MockAmplitudeAI()
    client = _anthropic(mock, _long_stream_reply())
    during = []
    gc.disable()
    try:
        for _ in _create(client):
            during.append(len(events_of(mock, AI_RESPONSE)))
    finally:
        gc.enable()
    assert set(during) == {0}  # the loop kept the proxy alive: no early record
    recorded = events_of(mock, AI_RESPONSE)
    assert len(recorded) == 1
    assert recorded[0]["$llm_message"]["text"] == "".join(LONG_TEXTS)
    gc.collect()
    assert len(events_of(mock, AI_RESPONSE)) == 1


def test_for_loop_over_a_temporary_stream_sends_full_text(ai, ingest):
    client = _anthropic(ai, _long_stream_reply())
    count = sum(1 for _ in _create(client))
    assert count == len(LONG_TEXTS) + 5
    (props,) = _sent(ai, ingest, 2)
    _check_long_stream_event(props)


def test_for_loop_over_a_temporary_stream_left_early_records_once():
    mock = MockAmplitudeAI()
    client = _anthropic(mock, _long_stream_reply())
    gc.disable()
    try:
        for n, _ in enumerate(_create(client), 1):
            if n == 4:
                break
        recorded = events_of(mock, AI_RESPONSE)
    finally:
        gc.enable()
    assert len(recorded) == 1
    assert recorded[0]["$llm_message"]["text"] == "".join(LONG_TEXTS[:2])


# ------------------------------------------------------------------------------------ request arguments


def test_anthropic_request_lists_changed_after_the_call_do_not_change_the_event(ai, ingest):
    from tests.support.provider_stubs_http import anthropic_message

    client = _anthropic(ai, Reply.json(anthropic_message()))
    tools = [{"name": "get_chart", "description": "Fetch a chart", "input_schema": {"type": "object"}}]
    messages = [{"role": "user", "content": "Explain funnels"}]
    client.messages.create(model=CLAUDE, max_tokens=64, tools=tools, messages=messages, amplitude_user_id=USER)
    tools.append({"name": "late_tool", "input_schema": {"type": "object"}})
    messages.append({"role": "assistant", "content": "Funnels show conversion."})
    (props,) = _sent(ai, ingest, 2)
    assert props["[Agent] Tool Definitions Count"] == 1
    assert "late_tool" not in props["[Agent] Tool Definitions"]


def test_anthropic_tool_definition_changed_in_place_after_the_call_does_not_change_the_event(ai, ingest):
    from tests.support.provider_stubs_http import anthropic_message

    client = _anthropic(ai, Reply.json(anthropic_message()))
    tools = [{"name": "get_chart", "description": "Fetch a chart", "input_schema": {"type": "object"}}]
    system = [{"type": "text", "text": "You are terse."}]
    client.messages.create(
        model=CLAUDE, max_tokens=64, tools=tools, system=system, messages=MESSAGES, amplitude_user_id=USER
    )
    tools[0]["name"] = "renamed"
    system[0]["text"] = "Changed prompt."
    (props,) = _sent(ai, ingest, 2)
    assert '"get_chart"' in props["[Agent] Tool Definitions"]
    assert props["[Agent] System Prompt"] == "You are terse."


def test_anthropic_sampling_in_extra_body_changed_after_the_call_does_not_change_the_event(ai, ingest):
    from tests.support.provider_stubs_http import anthropic_message

    client = _anthropic(ai, Reply.json(anthropic_message()))
    extra_body = {"temperature": 0.2, "top_p": 0.9}
    client.messages.create(
        model=CLAUDE, max_tokens=64, messages=MESSAGES, extra_body=extra_body, amplitude_user_id=USER
    )
    extra_body["temperature"] = 1.0
    del extra_body["top_p"]
    (props,) = _sent(ai, ingest, 2)
    assert props["[Agent] Temperature"] == 0.2
    assert props["[Agent] Top P"] == 0.9


def test_anthropic_last_user_input_is_read_at_the_call(ai, ingest):
    from tests.support.provider_stubs_http import anthropic_message

    client = _anthropic(ai, Reply.json(anthropic_message()))
    messages = [{"role": "user", "content": "Explain funnels"}]
    client.messages.create(model=CLAUDE, max_tokens=64, messages=messages, amplitude_user_id=USER)
    messages.append({"role": "assistant", "content": "Funnels show conversion."})
    messages.append({"role": "user", "content": "Later question"})
    (props,) = _sent(ai, ingest, 2, USER_MESSAGE)
    assert props["$llm_message"]["text"] == "Explain funnels"


# ------------------------------------------------------------------------------------ OpenAI usage


@pytest.fixture
def stub():
    return OpenAIStub()


def _openai_pair(stub, ai, async_=False):
    tracked = make_openai(tracked_openai.AsyncOpenAI if async_ else tracked_openai.OpenAI, stub, async_=async_, amplitude=ai)
    bare = make_openai(openai.AsyncOpenAI if async_ else openai.OpenAI, stub, async_=async_)
    return tracked, bare


def _check_usage_event(props):
    assert props["[Agent] Input Tokens"] == 12
    assert props["[Agent] Output Tokens"] == 5
    assert props["[Agent] Total Tokens"] == 17
    assert props["$llm_message"]["text"] == "".join(CHAT_TEXT)


def _same_chunks(got, want):
    assert all(type(c) is type(w) for c, w in zip(got, want)), [type(c) for c in got]
    assert [c.model_dump(exclude_unset=True) for c in got] == [w.model_dump(exclude_unset=True) for w in want]
    assert [c.model_dump_json() for c in got] == [w.model_dump_json() for w in want]
    assert len(got) == len(want)


@pytest.mark.parametrize("how", ["for", "next"])
def test_injected_usage_chunks_equal_the_bare_sdk_without_it(stub, ai, ingest, how):
    tracked, bare = _openai_pair(stub, ai)
    stream = tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True, amplitude_user_id=USER)
    if how == "for":
        got = list(stream)
    else:
        got = []
        while True:
            try:
                got.append(next(stream))
            except StopIteration:
                break
    assert stub.requests[-1]["body"]["stream_options"] == {"include_usage": True}  # usage was injected
    want = list(bare.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    assert "stream_options" not in stub.requests[-1]["body"]
    _same_chunks(got, want)
    assert all(type(c) is openai.types.chat.ChatCompletionChunk for c in got)
    assert not any(type(c) is tracked_openai._UsageOnly for c in got)
    assert all("usage" not in c.model_fields_set for c in got)
    (props,) = _sent(ai, ingest, 2)
    _check_usage_event(props)


async def test_async_injected_usage_chunks_equal_the_bare_sdk_without_it(stub, ai, ingest):
    tracked, bare = _openai_pair(stub, ai, async_=True)
    got = [c async for c in await tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True, amplitude_user_id=USER)]
    want = [c async for c in await bare.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)]
    _same_chunks(got, want)
    assert not any(type(c) is tracked_openai._UsageOnly for c in got)
    (props,) = _sent(ai, ingest, 2)
    _check_usage_event(props)


def test_injected_usage_legacy_completion_chunks_equal_the_bare_sdk(stub, ai, ingest):
    tracked, bare = _openai_pair(stub, ai)
    got = list(tracked.completions.create(model="gpt-3.5-turbo-instruct", prompt="hi", stream=True, amplitude_user_id=USER))
    assert stub.requests[-1]["body"]["stream_options"] == {"include_usage": True}
    want = list(bare.completions.create(model="gpt-3.5-turbo-instruct", prompt="hi", stream=True))
    _same_chunks(got, want)
    assert not any(type(c) is tracked_openai._UsageOnly for c in got)
    (props,) = _sent(ai, ingest, 2)  # the prompt is a User Message too
    assert props["[Agent] Output Tokens"] == 5 and props["[Agent] Input Tokens"] == 12


def test_injected_usage_through_the_stream_helper_and_raw_response(stub, ai, ingest):
    tracked, bare = _openai_pair(stub, ai)
    with tracked.chat.completions.stream(model="gpt-4o", messages=MESSAGES, amplitude_user_id=USER) as s:
        got_events = [e.type for e in s]
        got_final = s.get_final_completion()
    with bare.chat.completions.stream(model="gpt-4o", messages=MESSAGES) as s:
        want_events = [e.type for e in s]
        want_final = s.get_final_completion()
    assert got_events == want_events
    assert got_final.model_dump(exclude_unset=True) == want_final.model_dump(exclude_unset=True)

    raw = tracked.chat.completions.with_raw_response.create(model="gpt-4o", messages=MESSAGES, stream=True)
    got = list(raw.parse())
    want = list(bare.chat.completions.with_raw_response.create(model="gpt-4o", messages=MESSAGES, stream=True).parse())
    assert not any(type(c) is tracked_openai._UsageOnly for c in got)
    assert [c.model_dump(exclude_unset=True) for c in got if c.choices] == [
        w.model_dump(exclude_unset=True) for w in want
    ]


def test_users_own_include_usage_gets_the_real_usage_chunk(stub, ai, ingest):
    tracked, bare = _openai_pair(stub, ai)
    opts = {"include_usage": True}
    got = list(tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True, stream_options=opts, amplitude_user_id=USER))
    want = list(bare.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True, stream_options=opts))
    _same_chunks(got, want)
    last = got[-1]
    assert type(last) is openai.types.chat.ChatCompletionChunk
    assert last.choices == [] and last.usage.total_tokens == 17
    assert all("usage" in c.model_fields_set for c in got)  # the server's nulls are the caller's
    assert opts == {"include_usage": True}
    (props,) = _sent(ai, ingest, 2)
    _check_usage_event(props)


# ------------------------------------------------------------------------------------ read_field


class _Usage(pydantic.BaseModel):
    input_tokens: int
    note: str | None = None

    @property
    def doubled(self) -> int:
        return self.input_tokens * 2


class _Loose(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow")
    kind: str = "x"


class _ReadOnlyMapping(Mapping):
    def __init__(self, data):
        self._data = dict(data)

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)


def test_read_field_pydantic_fields_properties_and_absent_names():
    usage = _Usage(input_tokens=7)
    assert read_field(usage, "input_tokens") == 7
    assert read_field(usage, "note", "dflt") is None  # present (default None) is not absent
    assert read_field(usage, "doubled") == 14  # a property is read, not mistaken for an absent field
    assert read_field(usage, "missing") is None
    assert read_field(usage, "missing", 5) == 5
    # constructed without validation, as SDKs build their response models
    built = _Usage.model_construct(input_tokens=3)
    assert read_field(built, "input_tokens") == 3 and read_field(built, "doubled") == 6


def test_read_field_pydantic_extra_fields():
    loose = _Loose(kind="chunk", service_tier="flex")
    assert read_field(loose, "kind") == "chunk"
    assert read_field(loose, "service_tier") == "flex"
    assert read_field(loose, "absent", "dflt") == "dflt"
    assert read_field(_Loose(), "absent", 0) == 0  # no extras at all


def test_read_field_sdk_model():
    chunk = openai.types.chat.ChatCompletionChunk.model_validate(
        {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o", "choices": [], "x_extra": 1}
    )
    assert read_field(chunk, "model") == "gpt-4o"
    assert read_field(chunk, "usage", "dflt") is None  # a declared field left at its default
    assert read_field(chunk, "x_extra") == 1
    assert read_field(chunk, "nope", "dflt") == "dflt"


def test_read_field_plain_objects_dicts_mappings_and_none():
    obj = SimpleNamespace(text="hi", n=0)
    assert read_field(obj, "text") == "hi"
    assert read_field(obj, "n", 9) == 0
    assert read_field(obj, "absent", "d") == "d"

    class Slotted:
        __slots__ = ("text",)

        def __init__(self):
            self.text = "slot"

    assert read_field(Slotted(), "text") == "slot"
    assert read_field(Slotted(), "absent", 1) == 1

    assert read_field({"a": 1, "b": None}, "a") == 1
    assert read_field({"a": 1, "b": None}, "b", 2) is None
    assert read_field({"a": 1}, "z", 3) == 3

    mapping = _ReadOnlyMapping({"role": "user", "content": "hey"})
    assert read_field(mapping, "role") == "user"
    assert read_field(mapping, "content") == "hey"
    assert read_field(mapping, "absent", "d") == "d"

    ordered = OrderedDict(role="assistant")
    assert read_field(ordered, "role") == "assistant"
    assert read_field(ordered, "absent", "d") == "d"

    assert read_field(None, "anything") is None
    assert read_field(None, "anything", 4) == 4


def test_read_field_mapping_keys_named_like_mapping_methods():
    assert read_field(_ReadOnlyMapping({"items": [1, 2]}), "items") == [1, 2]
    assert read_field(OrderedDict(values=3), "values") == 3


# ------------------------------------------------------------------------------------ review findings


def test_a_response_the_caller_changes_after_the_call_does_not_change_the_event(stub, ai, ingest):
    """The response is read before the call returns; only the event is built later."""
    tracked, _ = _openai_pair(stub, ai)
    response = tracked.chat.completions.create(model="gpt-4o", messages=MESSAGES, amplitude_user_id=USER)
    returned = response.choices[0].message.content
    response.choices[0].message.content = "post-processed by the app"
    response.usage.completion_tokens = 999
    (props,) = _sent(ai, ingest, 2)
    assert props["$llm_message"]["text"] == returned
    assert props["[Agent] Output Tokens"] != 999


def test_with_streaming_response_asks_for_no_usage_the_caller_would_then_receive(stub, ai, ingest):
    """with_streaming_response gives the caller the raw body: no usage-only chunk may be added to it."""
    tracked, bare = _openai_pair(stub, ai)
    with tracked.chat.completions.with_streaming_response.create(
        model="gpt-4o", messages=MESSAGES, stream=True, amplitude_user_id=USER
    ) as response:
        got = [chunk for chunk in response.parse()]
    want = list(bare.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    _same_chunks(got, want)
    assert all(chunk.choices for chunk in got)  # no usage-only chunk (it has no choices)


# ------------------------------------------------------------------------------------ fields_of


def test_fields_of_reads_like_read_field_on_every_shape():
    """``fields_of(x).get(name, d)`` == ``read_field(x, name, d)`` for the fields parsers read."""
    loose_with_extras = _Loose(kind="chunk", service_tier="flex")
    obj = SimpleNamespace(text="hi", n=0)
    mapping = _ReadOnlyMapping({"role": "user"})
    cases = [
        (_Usage(input_tokens=7), ["input_tokens", "note", "missing"]),
        (_Usage.model_construct(input_tokens=3), ["input_tokens", "missing"]),
        (_Loose(), ["kind", "absent"]),
        (loose_with_extras, ["kind", "service_tier", "absent"]),
        (obj, ["text", "n", "absent"]),
        ({"a": 1, "b": None}, ["a", "b", "z"]),
        (mapping, ["role", "absent"]),
        (OrderedDict(role="assistant"), ["role", "absent"]),
        (None, ["anything"]),
    ]
    for value, names in cases:
        view = _base.fields_of(value)
        for name in names:
            assert view.get(name, "dflt") == read_field(value, name, "dflt"), (value, name)


def test_fields_of_is_the_dict_itself_for_dicts_and_plain_pydantic_models():
    data = {"type": "x"}
    assert _base.fields_of(data) is data
    usage = _Usage(input_tokens=7)
    assert _base.fields_of(usage) is usage.__dict__  # one C call per read
    # a model holding extra fields is read through read_field (extras live outside __dict__)
    assert _base.fields_of(_Loose(service_tier="flex")).get("service_tier") == "flex"
    chunk = openai.types.chat.ChatCompletionChunk.model_validate(
        {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o", "choices": [], "x_extra": 1}
    )
    assert _base.fields_of(chunk).get("x_extra") == 1
    assert _base.fields_of(chunk).get("model") == "gpt-4o"
