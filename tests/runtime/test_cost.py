"""Cost calculation with the real genai-prices data (amplitude_ai.core.cost)."""

from __future__ import annotations

import random
import subprocess
import sys
import threading

import pytest

from amplitude_ai.core import cost
from amplitude_ai.core.cost import calculate_cost


def _reference(model, provider_id, **usage):
    from genai_prices import Usage, calc_price

    return float(calc_price(Usage(**usage), model, provider_id=provider_id).total_price)


@pytest.mark.parametrize(
    ("model", "provider"),
    [
        ("gpt-4o", "openai"),
        ("gpt-4o-mini", "openai"),
        ("gpt-4o", "azure"),
        ("claude-sonnet-4-20250514", "anthropic"),
        ("gemini-2.0-flash", "google"),
        ("gemini-2.0-flash", "gemini"),
        ("anthropic.claude-3-5-sonnet-20240620-v1:0", "bedrock"),
        ("mistral-large-latest", "mistral"),
        ("gpt-4o", None),
    ],
)
def test_known_models_cost_something(model, provider):
    value = calculate_cost(model, provider, 1000, 500)
    assert isinstance(value, float) and value > 0


def test_matches_genai_prices_exactly():
    # gpt-4o: $2.50 / MTok in, $10 / MTok out in the bundled data
    assert calculate_cost("gpt-4o", "openai", 1_000_000, 1_000_000) == pytest.approx(
        _reference("gpt-4o", "openai", input_tokens=1_000_000, output_tokens=1_000_000)
    )


@pytest.mark.parametrize(
    ("model", "provider", "provider_id"),
    [
        ("gpt-4o", "openai", "openai"),
        ("claude-3-5-haiku-20241022", "anthropic", "anthropic"),
        ("gemini-2.0-flash", "google", "google"),
        ("gemini-2.5-pro", "google", "google"),  # tiered prices: the exact path
        ("amazon.nova-pro-v1:0", "bedrock", "aws"),
        ("mistral-small-latest", "mistral", "mistral"),
    ],
)
def test_fast_path_equals_genai_prices_on_random_usage(model, provider, provider_id):
    rng = random.Random(7)
    separate = provider_id in ("anthropic", "aws")
    for _ in range(40):
        inp = rng.randint(0, 400_000)
        out = rng.randint(0, 30_000)
        read = rng.randint(0, inp // 2)
        write = rng.randint(0, inp // 4)
        ours = calculate_cost(model, provider, inp, out, read, write)
        total_input = inp + read + write if separate else inp
        ref = _reference(
            model,
            provider_id,
            input_tokens=total_input,
            output_tokens=out,
            cache_read_tokens=read,
            cache_write_tokens=write,
        )
        assert ours == pytest.approx(ref, rel=1e-9, abs=1e-12)


def test_cache_reads_lower_the_cost_openai():
    uncached = calculate_cost("gpt-4o", "openai", 10_000, 100)
    cached = calculate_cost("gpt-4o", "openai", 10_000, 100, cache_read_tokens=8_000)
    assert cached < uncached


def test_anthropic_cache_tokens_are_added_to_input():
    # Anthropic reports 100 fresh input tokens beside 9,900 cache reads: the call read 10,000
    fresh_only = calculate_cost("claude-sonnet-4-20250514", "anthropic", 100, 100)
    with_cache = calculate_cost("claude-sonnet-4-20250514", "anthropic", 100, 100, cache_read_tokens=9_900)
    all_uncached = calculate_cost("claude-sonnet-4-20250514", "anthropic", 10_000, 100)
    assert fresh_only < with_cache < all_uncached


def test_anthropic_cache_creation_costs_more_than_plain_input():
    plain = calculate_cost("claude-sonnet-4-20250514", "anthropic", 10_000, 0)
    written = calculate_cost("claude-sonnet-4-20250514", "anthropic", 0, 0, cache_creation_tokens=10_000)
    assert written > plain


def test_cache_larger_than_input_is_treated_as_separate():
    # an "includes" provider, but the caller reported the cache beside the input
    value = calculate_cost("gpt-4o", "openai", 100, 10, cache_read_tokens=5_000)
    assert value == pytest.approx(
        _reference("gpt-4o", "openai", input_tokens=5_100, output_tokens=10, cache_read_tokens=5_000)
    )


def test_reasoning_tokens_rules():
    # OpenAI: reasoning tokens are inside output_tokens already
    assert calculate_cost("o3-mini", "openai", 100, 1000, reasoning_tokens=800) == calculate_cost(
        "o3-mini", "openai", 100, 1000
    )
    # Gemini reports thinking tokens beside the output and bills them as output
    assert calculate_cost("gemini-2.0-flash", "google", 100, 1000, reasoning_tokens=500) == pytest.approx(
        calculate_cost("gemini-2.0-flash", "google", 100, 1500)
    )


@pytest.mark.parametrize(
    "args",
    [
        ("no-such-model-xyz", "openai", 10, 10),
        ("no-such-model-xyz", None, 10, 10),
        ("", "openai", 10, 10),
        (None, "openai", 10, 10),
        ("gpt-4o", "openai", None, None),
        ("gpt-4o", "openai", -5, 10),
        ("gpt-4o", "openai", "many", 10),
        ("gpt-4o", "openai", True, 10),
    ],
)
def test_unpriceable_gives_none_without_raising(args):
    assert calculate_cost(*args) is None


def test_unknown_provider_falls_back_to_model_lookup():
    assert calculate_cost("gpt-4o", "my-proxy", 1000, 500) == calculate_cost("gpt-4o", "openai", 1000, 500)


def test_importing_cost_does_not_import_genai_prices():
    code = "import amplitude_ai.core.cost, sys; print('genai_prices' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_live_updates_start_in_the_background_without_fetching_inline(monkeypatch):
    import genai_prices
    from genai_prices import data_snapshot

    release = threading.Event()
    state = {"started": threading.Event(), "done": False}

    def fake_fetch(self):
        state["started"].set()
        release.wait(5)
        state["done"] = True
        return None  # "no new data": the bundled prices stay

    monkeypatch.setattr(genai_prices.UpdatePrices, "fetch", fake_fetch)
    try:
        cost.enable_live_price_updates()
        # enable returned while the fetch is still blocked: it did not fetch inline
        assert state["done"] is False
        cost.enable_live_price_updates()  # idempotent
        assert state["started"].wait(5)
        assert calculate_cost("gpt-4o", "openai", 1000, 500) > 0  # pricing works meanwhile
    finally:
        release.set()
        cost.disable_live_price_updates()
        genai_prices.wait_prices_updated_sync(0)  # no-op once stopped
        data_snapshot.set_custom_snapshot(None)
