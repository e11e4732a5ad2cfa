"""wrap(): an existing vendor client becomes our tracked subclass, sharing its configuration."""

from __future__ import annotations

import openai
import pytest

import amplitude_ai
from amplitude_ai.providers.openai import AsyncOpenAI, AzureOpenAI, OpenAI
from tests.providers.conftest import make_openai
from tests.support.provider_stubs_http import events_of, only

MESSAGES = [{"role": "user", "content": "hi"}]


def test_wrap_returns_our_client_sharing_config(stub, mock_ai):
    original = make_openai(openai.OpenAI, stub, organization="org-1")
    wrapped = amplitude_ai.wrap(original, amplitude=mock_ai, user_id="u1")
    assert type(wrapped) is OpenAI
    assert isinstance(wrapped, openai.OpenAI)
    assert wrapped._client is original._client  # same connection pool
    assert wrapped.organization == "org-1" and wrapped.base_url == original.base_url
    wrapped.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert only(mock_ai, "[Agent] AI Response")["user_id"] == "u1"
    # the original keeps working, untracked
    original.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert len(events_of(mock_ai, "[Agent] AI Response")) == 1


def test_wrap_user_id_is_overridden_per_call(stub, mock_ai):
    wrapped = amplitude_ai.wrap(make_openai(openai.OpenAI, stub), amplitude=mock_ai, user_id="u1")
    wrapped.chat.completions.create(model="gpt-4o", messages=MESSAGES, amplitude_user_id="u2")
    assert only(mock_ai, "[Agent] AI Response")["user_id"] == "u2"


async def test_wrap_async_and_azure(stub, mock_ai):
    a = amplitude_ai.wrap(make_openai(openai.AsyncOpenAI, stub, async_=True), amplitude=mock_ai)
    assert type(a) is AsyncOpenAI
    await a.chat.completions.create(model="gpt-4o", messages=MESSAGES, amplitude_user_id="u")
    z = amplitude_ai.wrap(make_openai(openai.AzureOpenAI, stub), amplitude=mock_ai)
    assert type(z) is AzureOpenAI
    z.chat.completions.create(model="gpt-4o", messages=MESSAGES, amplitude_user_id="u")
    providers = [e["[Agent] Provider"] for e in events_of(mock_ai, "[Agent] AI Response")]
    assert providers == ["openai", "azure"]


def test_wrap_of_an_already_wrapped_client_rebinds_amplitude(stub, mock_ai):
    from amplitude_ai import MockAmplitudeAI

    other = MockAmplitudeAI()
    first = make_openai(OpenAI, stub, amplitude=mock_ai)
    second = amplitude_ai.wrap(first, amplitude=other)
    second.chat.completions.create(model="gpt-4o", messages=MESSAGES, amplitude_user_id="u")
    assert len(events_of(other, "[Agent] AI Response")) == 1
    assert events_of(mock_ai, "[Agent] AI Response") == []


def test_wrap_rejects_unknown_clients_with_one_clear_message():
    with pytest.raises(TypeError, match="does not know builtins.object"):
        amplitude_ai.wrap(object())
