"""Zero-code patching: ``patch()``, ``unpatch()``, ``patch_<provider>()``.

``patch()`` swaps the vendor client classes in their modules (``openai.OpenAI``,
``anthropic.Anthropic``, ...) for tracked subclasses bound to the given ``amplitude``, so clients
created *after* the call are tracked. ``unpatch()`` puts every original back.

Clients of patched classes emit ``[Agent] AI Response`` but no ``[Agent] User Message`` (zero-code
tracking knows no user), plus one ``[Agent] Tool Call`` per tool call whose result a request's
history carries (``providers/_tool_extraction.py``, latency 0). Clients built directly
(``amplitude_ai.OpenAI(...)``, ``wrap()``) are unaffected.

The table of what to swap lives with each provider: ``amplitude_ai.providers.<name>.PATCH_TARGETS``
(a list of ``_base.PatchTarget``). This module only reads those tables; a provider's module is
imported only when its SDK is installed.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import threading
from typing import Any

logger = logging.getLogger("amplitude_ai")

# our provider module -> the vendor package whose presence makes it usable
_PROVIDER_MODULES: dict[str, str] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "gemini": "google.genai",
    "mistral": "mistralai",
    "bedrock": "boto3",
}

_lock = threading.RLock()
_originals: dict[tuple[str, str], Any] = {}  # (module, attribute) -> the vendor object we replaced
_patched_groups: set[str] = set()
_warned_keys: set[tuple[Any, ...]] = set()


def _installed(package: str) -> bool:
    try:
        return importlib.util.find_spec(package) is not None
    except (ImportError, ValueError):
        return False


def _targets(groups: set[str] | None = None, attributes: set[str] | None = None) -> list[Any]:
    """PatchTargets of every installed provider (optionally only some groups / attributes)."""
    found = []
    for module_name, package in _PROVIDER_MODULES.items():
        if not _installed(package):
            continue
        try:
            module = importlib.import_module(f"amplitude_ai.providers.{module_name}")
        except Exception:
            logger.debug("amplitude-ai: provider module %s unavailable", module_name, exc_info=True)
            continue
        for target in getattr(module, "PATCH_TARGETS", ()):
            if groups is not None and target.provider not in groups:
                continue
            if attributes is not None and target.attribute not in attributes:
                continue
            found.append(target)
    return found


def _resolve_amplitude(amplitude: Any, debug: bool) -> Any:
    """``patch(debug=True)``: events are also printed. An ``AmplitudeAI`` keeps its own config."""
    if not debug:
        return amplitude
    try:
        from .client import AmplitudeAI
        from .config import AIConfig

        if isinstance(amplitude, AmplitudeAI):
            if not amplitude.config.debug:
                logger.info("amplitude-ai: patch(debug=True) with an AmplitudeAI: use AIConfig(debug=True) on it instead")
            return amplitude
        return AmplitudeAI(amplitude=amplitude, config=AIConfig.from_env(debug=True))
    except Exception:
        logger.warning("amplitude-ai: could not enable debug output for patch()", exc_info=True)
        return amplitude


def _apply(targets: list[Any], amplitude: Any) -> list[str]:
    with _lock:
        done: list[str] = []
        for target in targets:
            try:
                replacement = target.make(amplitude)
                module = sys.modules.get(target.module) or importlib.import_module(target.module)
                key = (target.module, target.attribute)
                original = _originals.setdefault(key, getattr(module, target.attribute))
                setattr(module, target.attribute, replacement)
                for other_name in target.also_in:  # re-exports of the same class
                    other = sys.modules.get(other_name)
                    if other is None:
                        try:
                            other = importlib.import_module(other_name)
                        except ImportError:
                            continue  # this SDK version does not have that module
                    other_key = (other_name, target.attribute)
                    if other_key not in _originals:
                        if getattr(other, target.attribute, None) is not original:
                            continue
                        _originals[other_key] = original
                    setattr(other, target.attribute, replacement)
                _patched_groups.add(target.provider)
                if target.provider not in done:
                    done.append(target.provider)
            except Exception:
                logger.warning("amplitude-ai: could not patch %s.%s", target.module, target.attribute, exc_info=True)
        return done


def patch(
    amplitude: Any = None,
    providers: list[str] | None = None,
    *,
    expected_providers: list[str] | None = None,
    app_key: str | None = None,
    debug: bool = False,
) -> list[str]:
    """Track every client of the installed provider SDKs created from now on.

    ``providers`` limits patching to some of ``"openai"``, ``"azure_openai"``, ``"anthropic"``,
    ``"async_anthropic"``, ``"gemini"``, ``"mistral"``, ``"bedrock"`` (default: all installed).
    Returns the sorted list of provider names now patched. With ``expected_providers``, a one-time
    warning is logged when that set differs from what is patched (never raises).
    """
    amplitude = _resolve_amplitude(amplitude, debug)
    groups = set(providers) if providers is not None else None
    _apply(_targets(groups), amplitude)
    patched = patched_providers()
    if expected_providers is not None:
        _check_expected(expected_providers, patched, app_key)
    return patched


def _check_expected(expected: list[str], patched: list[str], app_key: str | None) -> None:
    declared = sorted(set(expected))
    unexpected = sorted(set(patched) - set(declared))
    missing = sorted(set(declared) - set(patched))
    if not unexpected and not missing:
        return
    key = (app_key, tuple(declared), tuple(patched))
    if key in _warned_keys:
        return
    _warned_keys.add(key)
    who = f"application {app_key!r}" if app_key else "application"
    details = []
    if unexpected:
        details.append(f"unexpected: {unexpected}")
    if missing:
        details.append(f"missing: {missing}")
    logger.warning(
        "amplitude-ai: %s; declared providers %s do not match providers patched at runtime %s; %s. "
        "Events will still be emitted; update expected_providers if this is intended.",
        who,
        declared,
        patched,
        "; ".join(details),
    )


def unpatch() -> None:
    """Put every patched vendor class back (safe to call when nothing is patched)."""
    with _lock:
        for (module_name, attribute), original in list(_originals.items()):
            module = sys.modules.get(module_name)
            if module is not None:
                try:
                    setattr(module, attribute, original)
                except Exception:
                    logger.warning("amplitude-ai: could not restore %s.%s", module_name, attribute, exc_info=True)
        _originals.clear()
        _patched_groups.clear()


def patched_providers() -> list[str]:
    """Sorted names of the provider groups currently patched."""
    with _lock:
        return sorted(_patched_groups)


def _patch_group(group: str, amplitude: Any, attributes: set[str] | None = None) -> bool:
    return bool(_apply(_targets({group}, attributes), amplitude))


def patch_openai(amplitude: Any = None) -> bool:
    """Patch ``openai.OpenAI`` and ``openai.AsyncOpenAI``. Returns whether anything was patched."""
    return _patch_group("openai", amplitude)


def patch_async_openai(amplitude: Any = None) -> bool:
    """Patch ``openai.AsyncOpenAI`` only."""
    return _patch_group("openai", amplitude, {"AsyncOpenAI"})


def patch_azure_openai(amplitude: Any = None) -> bool:
    """Patch ``openai.AzureOpenAI`` and ``openai.AsyncAzureOpenAI``."""
    return _patch_group("azure_openai", amplitude)


def patch_anthropic(amplitude: Any = None) -> bool:
    """Patch ``anthropic.Anthropic``."""
    return _patch_group("anthropic", amplitude)


def patch_async_anthropic(amplitude: Any = None) -> bool:
    """Patch ``anthropic.AsyncAnthropic``."""
    return _patch_group("async_anthropic", amplitude)


def patch_gemini(amplitude: Any = None) -> bool:
    """Patch the Google Gen AI client (``google.genai.Client``)."""
    return _patch_group("gemini", amplitude)


def patch_mistral(amplitude: Any = None) -> bool:
    """Patch the Mistral client."""
    return _patch_group("mistral", amplitude)


def patch_bedrock(amplitude: Any = None) -> bool:
    """Patch boto3's bedrock-runtime clients (see the Bedrock provider for what exactly)."""
    return _patch_group("bedrock", amplitude)


__all__ = [
    "patch",
    "patch_anthropic",
    "patch_async_anthropic",
    "patch_async_openai",
    "patch_azure_openai",
    "patch_bedrock",
    "patch_gemini",
    "patch_mistral",
    "patch_openai",
    "patched_providers",
    "unpatch",
]
