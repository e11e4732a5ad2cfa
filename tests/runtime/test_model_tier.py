"""Model tier inference (amplitude_ai.core.model_tier)."""

from __future__ import annotations

import pytest

from amplitude_ai.core.model_tier import infer_model_tier

CASES = {
    # the spec's anchors
    "gpt-4o-mini": "fast",
    "claude-3-5-haiku-20241022": "fast",
    "gemini-2.0-flash": "fast",
    "gpt-4o": "standard",
    "claude-sonnet-4-20250514": "standard",
    "gemini-2.5-pro": "standard",
    "o1": "reasoning",
    "o3": "reasoning",
    "deepseek-r1": "reasoning",
    # edge cases we decided
    "o4-mini": "reasoning",  # a reasoning model first, small second
    "o1-mini": "reasoning",
    "o3-mini-2025-01-31": "reasoning",
    "openai/o3-pro": "reasoning",
    "deepseek-reasoner": "reasoning",
    "us.deepseek.r1-v1:0": "reasoning",
    "gemini-2.0-flash-thinking-exp": "reasoning",
    "claude-3-7-sonnet-thinking": "reasoning",
    "qwq-32b": "reasoning",
    "magistral-medium-latest": "reasoning",
    "claude-opus-4-1": "standard",  # big, but a chat model
    "gpt-4.1": "standard",
    "gpt-4o-2024-08-06": "standard",  # "4o" is not the o-series
    "chatgpt-4o-latest": "standard",
    "gpt-4-turbo": "standard",
    "mistral-large-latest": "standard",
    "llama-3.1-70b-versatile": "standard",
    "amazon.nova-pro-v1:0": "standard",
    "anthropic.claude-3-7-sonnet-20250219-v1:0": "standard",
    "gemini-exp-1206": "standard",  # the "mini" inside "gemini" is not a size
    "gpt-4.1-nano": "fast",
    "GPT-4O-MINI": "fast",
    "us.anthropic.claude-3-5-haiku-20241022-v1:0": "fast",
    "models/gemini-2.5-flash-lite": "fast",
    "mistral-small-latest": "fast",
    "ministral-8b-latest": "fast",
    "llama-3.1-8b-instant": "fast",
    "qwen2.5-1.5b-instruct": "fast",
    "amazon.nova-micro-v1:0": "fast",
    "command-r7b-12-2024": "fast",
}


@pytest.mark.parametrize(("model", "tier"), sorted(CASES.items()))
def test_infer_model_tier(model, tier):
    assert infer_model_tier(model) == tier


@pytest.mark.parametrize("model", [None, "", "   ", "my-inhouse-model", 42])
def test_unknown_or_empty_gives_none(model):
    assert infer_model_tier(model) is None
