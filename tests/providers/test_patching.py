"""patch() / unpatch() / patch_<provider>(): vendor classes swapped for tracked ones and back."""

from __future__ import annotations

import logging

import openai

import amplitude_ai
from amplitude_ai.providers.openai import OpenAI as TrackedOpenAI
from tests.providers.conftest import make_openai
from tests.support.provider_stubs_http import events_of

MESSAGES = [{"role": "user", "content": "hi"}]
ORIGINAL = openai.OpenAI


def test_patch_tracks_clients_created_afterwards_and_unpatch_restores(stub, mock_ai):
    patched = amplitude_ai.patch(amplitude=mock_ai)
    assert "openai" in patched and "azure_openai" in patched
    assert patched == sorted(patched)
    assert openai.OpenAI is not ORIGINAL and issubclass(openai.OpenAI, TrackedOpenAI)
    client = make_openai(openai.OpenAI, stub)
    assert isinstance(client, ORIGINAL)
    client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert len(events_of(mock_ai, "[Agent] AI Response")) == 1

    amplitude_ai.unpatch()
    assert openai.OpenAI is ORIGINAL
    make_openai(openai.OpenAI, stub).chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert len(events_of(mock_ai, "[Agent] AI Response")) == 1
    assert amplitude_ai.patching.patched_providers() == []


async def test_patch_async_openai(stub, mock_ai):
    assert amplitude_ai.patch_async_openai(amplitude=mock_ai) is True
    assert openai.OpenAI is ORIGINAL
    client = make_openai(openai.AsyncOpenAI, stub, async_=True)
    await client.chat.completions.create(model="gpt-4o", messages=MESSAGES, amplitude_user_id="u7")
    assert events_of(mock_ai, "[Agent] AI Response")[0]["user_id"] == "u7"


def test_patch_selected_providers_only(mock_ai):
    assert amplitude_ai.patch(amplitude=mock_ai, providers=["azure_openai"]) == ["azure_openai"]
    assert openai.OpenAI is ORIGINAL
    assert openai.AzureOpenAI.__module__ == "amplitude_ai.providers.openai"


def test_patch_twice_then_unpatch_restores_the_true_original(mock_ai):
    amplitude_ai.patch_openai(amplitude=mock_ai)
    amplitude_ai.patch_openai(amplitude=mock_ai)
    amplitude_ai.unpatch()
    assert openai.OpenAI is ORIGINAL


def test_expected_providers_mismatch_warns_once_in_the_spec_format(mock_ai, caplog):
    with caplog.at_level(logging.WARNING, logger="amplitude_ai"):
        amplitude_ai.patch(amplitude=mock_ai, providers=["openai", "azure_openai"], expected_providers=["openai"], app_key="support-bot")
        amplitude_ai.patch(amplitude=mock_ai, providers=["openai", "azure_openai"], expected_providers=["openai"], app_key="support-bot")
    messages = [r.getMessage() for r in caplog.records if "declared providers" in r.getMessage()]
    assert len(messages) == 1
    assert messages[0].startswith(
        "amplitude-ai: application 'support-bot'; declared providers ['openai'] do not match providers "
        "patched at runtime ['azure_openai', 'openai']; unexpected: ['azure_openai']. Events will still be emitted"
    )


def test_expected_providers_match_is_silent(mock_ai, caplog):
    with caplog.at_level(logging.WARNING, logger="amplitude_ai"):
        amplitude_ai.patch(amplitude=mock_ai, providers=["openai"], expected_providers=["openai"], app_key="quiet")
    assert not [r for r in caplog.records if "declared providers" in r.getMessage()]


def test_clients_created_before_patch_stay_untracked(stub, mock_ai):
    before = make_openai(openai.OpenAI, stub)
    amplitude_ai.patch_openai(amplitude=mock_ai)
    before.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert events_of(mock_ai, "[Agent] AI Response") == []


def test_patch_debug_prints_event_summaries(stub, amplitude_client, capsys):
    amplitude_ai.patch(amplitude=amplitude_client, providers=["openai"], debug=True)
    make_openai(openai.OpenAI, stub).chat.completions.create(model="gpt-4o", messages=MESSAGES, amplitude_user_id="u")
    captured = capsys.readouterr()
    assert "[Agent] AI Response" in captured.err + captured.out
