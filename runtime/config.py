"""Configuration: :class:`AIConfig`, :class:`ContentMode` and the ``AMPLITUDE_AI_*`` environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Optional, Union

ENV_API_KEY = "AMPLITUDE_AI_API_KEY"
ENV_SERVER_URL = "AMPLITUDE_AI_SERVER_URL"
ENV_CONTENT_MODE = "AMPLITUDE_AI_CONTENT_MODE"
ENV_DEBUG = "AMPLITUDE_AI_DEBUG"
ENV_DRY_RUN = "AMPLITUDE_AI_DRY_RUN"

_TRUE = frozenset({"1", "true", "yes", "on", "y", "t"})
_FALSE = frozenset({"0", "false", "no", "off", "n", "f", ""})


class ContentMode(str, Enum):
    """How much message text leaves the process."""

    FULL = "full"  # content is sent (after PII redaction); server-side enrichment runs
    METADATA_ONLY = "metadata_only"  # no text at all: metrics, ids and structure only
    CUSTOMER_ENRICHED = "customer_enriched"  # no text; you send your own labels via enrichments

    def __str__(self) -> str:  # "full", not "ContentMode.FULL"
        return self.value

    @classmethod
    def coerce(cls, value: Union["ContentMode", str, None]) -> "ContentMode":
        if value is None:
            return cls.FULL
        if isinstance(value, cls):
            return value
        text = str(value).strip().lower().replace("-", "_")
        for mode in cls:
            if mode.value == text or mode.name.lower() == text:
                return mode
        choices = ", ".join(repr(m.value) for m in cls)
        raise ValueError(f"content_mode must be one of {choices}; got {value!r}")


def env_flag(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("true"/"1"/"yes" or "false"/"0"/"no")."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return default


@dataclass
class AIConfig:
    """Options of an :class:`~amplitude_ai.AmplitudeAI` instance (every field has a working default)."""

    content_mode: Union[ContentMode, str] = ContentMode.FULL
    redact_pii: bool = True
    custom_redaction_patterns: list[Union[str, tuple[str, str]]] = field(default_factory=list)
    custom_redaction_fn: Optional[Callable[[str], str]] = None
    debug: bool = False
    dry_run: bool = False
    validate: bool = False
    on_event_callback: Optional[Callable[[Any, int, Optional[str]], None]] = None
    propagate_context: bool = False

    def __post_init__(self) -> None:
        self.content_mode = ContentMode.coerce(self.content_mode)
        self.custom_redaction_patterns = list(self.custom_redaction_patterns or [])
        if self.custom_redaction_fn is not None and not callable(self.custom_redaction_fn):
            raise TypeError("custom_redaction_fn must be callable (text: str) -> str")
        if self.on_event_callback is not None and not callable(self.on_event_callback):
            raise TypeError("on_event_callback must be callable (event, status_code, message) -> None")

    @classmethod
    def from_env(cls, **overrides: Any) -> "AIConfig":
        """Build a config from ``AMPLITUDE_AI_CONTENT_MODE`` / ``_DEBUG`` / ``_DRY_RUN``; keyword overrides win."""
        values: dict[str, Any] = {}
        mode = os.environ.get(ENV_CONTENT_MODE)
        if mode and mode.strip():
            values["content_mode"] = ContentMode.coerce(mode)
        if os.environ.get(ENV_DEBUG) is not None:
            values["debug"] = env_flag(ENV_DEBUG)
        if os.environ.get(ENV_DRY_RUN) is not None:
            values["dry_run"] = env_flag(ENV_DRY_RUN)
        values.update(overrides)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return {
            "content_mode": self.content_mode.value,  # type: ignore[union-attr]
            "redact_pii": self.redact_pii,
            "custom_redaction_patterns": len(self.custom_redaction_patterns),
            "custom_redaction_fn": self.custom_redaction_fn is not None,
            "debug": self.debug,
            "dry_run": self.dry_run,
            "validate": self.validate,
            "on_event_callback": self.on_event_callback is not None,
            "propagate_context": self.propagate_context,
        }


__all__ = ["AIConfig", "ContentMode", "env_flag"]
