"""amplitude-ai: agent analytics for LLM apps.

Every public name is loaded on first use, so ``import amplitude_ai`` stays cheap and
never imports a provider SDK, libcst, jinja2 or mcp. The table below is the public API;
each name lives in the module it points at.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

_EXPORTS: dict[str, str] = {
    # client and configuration
    "AmplitudeAI": ".client",
    "BoundAgent": ".client",
    "Session": ".client",
    "TenantHandle": ".client",
    "AIConfig": ".config",
    "ContentMode": ".config",
    "AmplitudeAIError": ".exceptions",
    "ValidationError": ".exceptions",
    # enrichment types
    "SessionEnrichments": ".core.enrichments",
    "TopicClassification": ".core.enrichments",
    "RubricScore": ".core.enrichments",
    "EvidenceQuote": ".core.enrichments",
    "MessageLabel": ".core.enrichments",
    # decorators, cost, schema
    "tool": ".core.decorators",
    "observe": ".core.decorators",
    "enable_live_price_updates": ".core.cost",
    "get_event_schema": ".catalog",
    # testing, propagation, middleware
    "MockAmplitudeAI": ".testing",
    "inject_context": ".propagation",
    "extract_context": ".propagation",
    "AmplitudeAIMiddleware": ".middleware",
    # zero-code patching and wrap()
    "patch": ".patching",
    "unpatch": ".patching",
    "patch_openai": ".patching",
    "patch_azure_openai": ".patching",
    "patch_async_openai": ".patching",
    "patch_anthropic": ".patching",
    "patch_async_anthropic": ".patching",
    "patch_gemini": ".patching",
    "patch_bedrock": ".patching",
    "patch_mistral": ".patching",
    "wrap": ".wrappers",
    # provider wrappers (each imports its SDK only when first touched)
    "OpenAI": ".providers.openai",
    "AsyncOpenAI": ".providers.openai",
    "AzureOpenAI": ".providers.openai",
    "AsyncAzureOpenAI": ".providers.openai",
    "Anthropic": ".providers.anthropic",
    "AsyncAnthropic": ".providers.anthropic",
    "Gemini": ".providers.gemini",
    "Bedrock": ".providers.bedrock",
    "Mistral": ".providers.mistral",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'amplitude_ai' has no attribute {name!r}")
    value = getattr(import_module(module_name, __name__), name)
    globals()[name] = value  # cache: later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover - for editors and type checkers only
    from .catalog import get_event_schema
    from .client import AmplitudeAI, BoundAgent, Session, TenantHandle
    from .config import AIConfig, ContentMode
    from .core.cost import enable_live_price_updates
    from .core.decorators import observe, tool
    from .core.enrichments import EvidenceQuote, MessageLabel, RubricScore, SessionEnrichments, TopicClassification
    from .exceptions import AmplitudeAIError, ValidationError
    from .middleware import AmplitudeAIMiddleware
    from .patching import (
        patch,
        patch_anthropic,
        patch_async_anthropic,
        patch_azure_openai,
        patch_bedrock,
        patch_gemini,
        patch_mistral,
        patch_openai,
        unpatch,
    )
    from .propagation import extract_context, inject_context
    from .providers.anthropic import Anthropic, AsyncAnthropic
    from .providers.bedrock import Bedrock
    from .providers.gemini import Gemini
    from .providers.mistral import Mistral
    from .providers.openai import AsyncAzureOpenAI, AsyncOpenAI, AzureOpenAI, OpenAI
    from .testing import MockAmplitudeAI
    from .wrappers import wrap
