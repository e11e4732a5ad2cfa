"""Cost of a model call in US dollars, from the genai-prices database.

``genai_prices`` is imported on the first call, never when this module is imported.

Token accounting (genai-prices expects ``input_tokens`` to *include* cached tokens):

===========================  ====================================================================
provider                     rule
===========================  ====================================================================
openai, azure, google,       ``input_tokens`` already includes cache reads/writes; passed as is.
mistral, others
anthropic, bedrock           the API reports cache reads and writes *beside* ``input_tokens``;
                             we add them to get the total input.
google / gemini              thinking tokens are reported beside the output tokens and billed as
                             output; we add ``reasoning_tokens`` to ``output_tokens``.
everyone else                ``reasoning_tokens`` are part of ``output_tokens`` already (OpenAI,
                             Anthropic, Bedrock, Mistral); they change nothing.
===========================  ====================================================================

If cache tokens exceed the input tokens for an "includes" provider, the caller evidently
reported them separately, so we add them too. Unknown models, unknown providers, bad counts
and any error inside genai-prices give ``None`` (logged at debug level), never an exception.

Speed: genai-prices' general calculation costs ~0.2 ms per call. For a model whose prices are
flat per token (most models) the price is linear in the token counts, so on first use we ask
genai-prices for the price of one million tokens of each kind and keep those rates; later
calls are a few multiplications. Models with tiered prices (e.g. long-context surcharges) go
through genai-prices every time. The rates are recomputed when the price data changes
(live updates) or the UTC day changes (prices can be scheduled by date).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

logger = logging.getLogger("amplitude_ai")

# our provider names -> genai-prices provider ids
_PROVIDER_IDS = {
    "openai": "openai",
    "azure": "azure",
    "azure_openai": "azure",
    "azure-openai": "azure",
    "anthropic": "anthropic",
    "google": "google",
    "gemini": "google",
    "vertex": "google",
    "vertex_ai": "google",
    "vertexai": "google",
    "bedrock": "aws",
    "aws": "aws",
    "aws_bedrock": "aws",
    "mistral": "mistral",
    "mistralai": "mistral",
}
# providers whose input token count excludes cache reads/writes
_CACHE_REPORTED_SEPARATELY = frozenset({"anthropic", "aws"})
# providers whose output token count excludes thinking tokens
_REASONING_REPORTED_SEPARATELY = frozenset({"google"})

_MTOK = 1_000_000
_SLOW = object()  # marker: tiered prices, always ask genai-prices
_MISSING = object()
_rates: dict[tuple[str, str | None], Any] = {}  # (model, provider id) -> _Rates | _SLOW | None
_rates_key: tuple[int, int] | None = None  # (id of the custom price snapshot, UTC day) the rates belong to
_lock = threading.Lock()
_gp: Any = None  # the genai_prices module, once loaded


class _Rates:
    __slots__ = ("fixed", "input", "cache_read", "cache_write", "output")

    def __init__(self, fixed: float, input: float, cache_read: float, cache_write: float, output: float) -> None:
        self.fixed, self.input, self.cache_read, self.cache_write, self.output = (
            fixed,
            input,
            cache_read,
            cache_write,
            output,
        )


def _genai_prices() -> Any:
    global _gp
    if _gp is None:
        import genai_prices
        import genai_prices.data_snapshot  # noqa: F401  (live updates swap its snapshot)

        _gp = genai_prices
    return _gp


def _provider_id(provider: str | None) -> str | None:
    if not provider:
        return None
    key = provider.strip().lower()
    return _PROVIDER_IDS.get(key, key)


def _count(name: str, value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != value:
        raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    return int(value)


def _exact(model: str, provider_id: str | None, usage: dict[str, int]) -> float:
    gp = _genai_prices()
    return float(gp.calc_price(gp.Usage(**usage), model, provider_id=provider_id).total_price)


def _probe(model: str, provider_id: str | None) -> Any:
    """Rates per token for a flat-priced model, _SLOW for tiered prices; LookupError if unknown."""
    gp = _genai_prices()
    from datetime import datetime, timezone

    from genai_prices import data_snapshot, types

    _, info = data_snapshot.get_snapshot().find_provider_model(model, None, provider_id, None)
    prices = info.get_prices(datetime.now(tz=timezone.utc))
    if any(isinstance(v, types.TieredPrices) for v in vars(prices).values()):
        return _SLOW

    def price(**usage: int) -> float:
        return float(gp.calc_price(gp.Usage(**usage), model, provider_id=provider_id).total_price)

    fixed = price(input_tokens=0, output_tokens=0)
    return _Rates(
        fixed=fixed,
        input=(price(input_tokens=_MTOK) - fixed) / _MTOK,
        cache_read=(price(input_tokens=_MTOK, cache_read_tokens=_MTOK) - fixed) / _MTOK,
        cache_write=(price(input_tokens=_MTOK, cache_write_tokens=_MTOK) - fixed) / _MTOK,
        output=(price(output_tokens=_MTOK) - fixed) / _MTOK,
    )


def _lookup(model: str, provider_id: str | None) -> tuple[Any, str | None]:
    """Rates for (model, provider), trying without the provider when genai-prices doesn't know it."""
    global _rates_key
    key_now = (id(_gp.data_snapshot._custom_snapshot), int(time.time() // 86400))
    cached = _rates.get((model, provider_id), _MISSING)
    if key_now == _rates_key and cached is not _MISSING and cached is not None:
        return cached, provider_id
    with _lock:
        if key_now != _rates_key:
            _rates.clear()
            _rates_key = key_now
        for pid in (provider_id, None) if provider_id is not None else (None,):
            key = (model, pid)
            if key not in _rates:
                try:
                    _rates[key] = _probe(model, pid)
                except LookupError:
                    _rates[key] = None
            if _rates[key] is not None:
                return _rates[key], pid
    return None, provider_id


def calculate_cost(
    model: str,
    provider: str | None,
    input_tokens: int | None,
    output_tokens: int | None,
    cache_read_tokens: int | None = None,
    cache_creation_tokens: int | None = None,
    reasoning_tokens: int | None = None,
) -> float | None:
    """Estimated USD cost of one call, or ``None`` when it cannot be priced (see the module docstring)."""
    try:
        if not model or not isinstance(model, str):
            return None
        if input_tokens is None and output_tokens is None:
            return None
        pid = _provider_id(provider)
        inp = _count("input_tokens", input_tokens)
        out = _count("output_tokens", output_tokens)
        read = _count("cache_read_tokens", cache_read_tokens)
        write = _count("cache_creation_tokens", cache_creation_tokens)
        reasoning = _count("reasoning_tokens", reasoning_tokens)
        if pid in _CACHE_REPORTED_SEPARATELY or read + write > inp:
            inp += read + write
        if pid in _REASONING_REPORTED_SEPARATELY or (output_tokens is None and reasoning):
            out += reasoning

        _genai_prices()
        rates, used_pid = _lookup(model.strip().lower(), pid)
        if rates is None:
            logger.debug("no price known for model %r (provider %r)", model, provider)
            return None
        if rates is _SLOW:
            usage = {"input_tokens": inp, "output_tokens": out}
            if read:
                usage["cache_read_tokens"] = read
            if write:
                usage["cache_write_tokens"] = write
            return _exact(model, used_pid, usage)
        return (
            rates.fixed
            + rates.input * (inp - read - write)
            + rates.cache_read * read
            + rates.cache_write * write
            + rates.output * out
        )
    except Exception as exc:  # never let pricing break tracking
        logger.debug("cost calculation failed for model %r: %s: %s", model, type(exc).__name__, exc)
        return None


# --------------------------------------------------------------------------------------
# live price updates (opt-in)
# --------------------------------------------------------------------------------------
_updater: Any = None


def enable_live_price_updates(update_interval: float = 3600) -> None:
    """Keep prices current: genai-prices' own background updater fetches its price file now and
    then every ``update_interval`` seconds, in a daemon thread. Returns at once; until the first
    fetch lands (or if it fails) the bundled prices are used. Calling it again does nothing."""
    global _updater
    with _lock:
        if _updater is not None:
            return
        gp = _genai_prices()
        _updater = gp.UpdatePrices(update_interval=update_interval)
        _updater.start(wait=False)


def disable_live_price_updates() -> None:
    """Stop the background price updates started by :func:`enable_live_price_updates`."""
    global _updater
    with _lock:
        updater, _updater = _updater, None
    if updater is not None:
        updater.stop()
