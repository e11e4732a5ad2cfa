"""``wrap(client, amplitude=...)``: track a provider client you already created.

The result is an instance of our tracked subclass (``amplitude_ai.OpenAI`` for an
``openai.OpenAI``, ...) sharing the original's configuration and connection pool; the original
keeps working, untracked. Each provider module decides how to adopt its clients through
``wrap_instance(client, *, amplitude, defaults)`` (returning ``None`` for clients it does not know).
"""

from __future__ import annotations

import importlib
from typing import Any

from .providers._base import CallOptions, Tracker, adopt_instance

# the top-level package of a client's class -> our provider module
_BY_PACKAGE: dict[str, str] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "gemini",
    "mistralai": "mistral",
    "botocore": "bedrock",
    "boto3": "bedrock",
}


def _candidates(client: Any) -> list[str]:
    names = []
    for klass in type(client).__mro__:
        package = (klass.__module__ or "").split(".")[0]
        name = _BY_PACKAGE.get(package)
        if name and name not in names:
            names.append(name)
    return names


def _generic_wrap(module: Any, client: Any, amplitude: Any, defaults: CallOptions) -> Any:
    """Fallback for provider modules without ``wrap_instance``: the most specific tracked subclass."""
    best = None
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, type(client)) and hasattr(value, "_amplitude_default"):
            if type(client) in value.__bases__ or best is None:
                best = value
    if best is None:
        return None
    tracked = adopt_instance(best, client)
    provider = getattr(module, "PROVIDER", None) or getattr(best, "_amplitude_provider", module.__name__.rsplit(".", 1)[-1])
    tracked.__dict__["_amplitude_tracker"] = Tracker(amplitude, provider=provider, defaults=defaults)
    return tracked


def wrap(
    client: Any,
    amplitude: Any = None,
    *,
    user_id: str | None = None,
    session_id: str | None = None,
    trace_id: str | None = None,
    event_properties: dict[str, Any] | None = None,
    groups: dict[str, Any] | None = None,
) -> Any:
    """Return a tracked version of ``client`` (an OpenAI, Azure OpenAI, Anthropic, Gemini, Mistral or
    Bedrock client). ``user_id`` and the other keyword arguments are defaults for this client's calls;
    a session's values and per-call ``amplitude_*`` kwargs take precedence.
    """
    defaults = CallOptions(
        user_id=user_id, session_id=session_id, trace_id=trace_id, event_properties=event_properties, groups=groups
    )
    for name in _candidates(client):
        module = importlib.import_module(f"amplitude_ai.providers.{name}")
        wrap_instance = getattr(module, "wrap_instance", None)
        if wrap_instance is not None:
            tracked = wrap_instance(client, amplitude=amplitude, defaults=defaults)
        else:
            tracked = _generic_wrap(module, client, amplitude, defaults)
        if tracked is not None:
            return tracked
    raise TypeError(
        f"amplitude_ai.wrap() does not know {type(client).__module__}.{type(client).__qualname__}; "
        "it wraps OpenAI, AzureOpenAI, Anthropic, Gemini (google.genai.Client), Mistral and Bedrock clients."
    )


__all__ = ["wrap"]
