"""Session enrichment types: the structured labels a customer's own pipeline attaches to a session.

The fields and defaults are part of the public API (they follow the spec); ``to_dict()``
gives JSON-ready data with every ``None`` left out, at every nesting level. That dict is what
``[Agent] Enrichments`` carries, serialized as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


def _clean(value: Any) -> Any:
    """Recursively turn enrichment objects into plain data, dropping None values."""
    to_dict = getattr(value, "to_dict", None)
    if to_dict is not None and callable(to_dict):
        return to_dict()
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_clean(v) for v in value if v is not None]
    return value


class _ToDict:
    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = _clean(value)
        return out


@dataclass
class MessageLabel(_ToDict):
    """A key/value tag on one message, optionally with a classifier's confidence (0.0-1.0)."""

    key: str
    value: str
    confidence: float | None = None


@dataclass
class EvidenceQuote(_ToDict):
    """An excerpt of the conversation that backs a rubric score."""

    quote: str
    turn_index: int  # 0-based position in the conversation
    role: str | None = None  # "user", "assistant", "tool"


@dataclass
class TopicClassification(_ToDict):
    """How a session was classified by one topic model (single-select ``l1`` or multi-select ``values``)."""

    l1: str | None = None
    values: list[str] | None = None
    primary: str | None = None
    l2: str | None = None  # deprecated: use subcategories
    subcategories: list[str] | None = None
    topics_covered: list[str] | None = None
    outcomes_by_topic: dict[str, str] | None = None


@dataclass
class RubricScore(_ToDict):
    """A session's score (0.0-1.0) on one rubric, with optional rationale and evidence."""

    name: str
    score: float
    rationale: str | None = None
    evidence: list[EvidenceQuote] | None = None
    improvement_opportunities: str | None = None


@dataclass
class SessionEnrichments(_ToDict):
    """Everything a customer's own classifier can say about a session."""

    topic_classifications: dict[str, TopicClassification] | None = None
    rubrics: list[RubricScore] | None = None
    overall_outcome: str | None = None
    quality_score: float | None = None
    sentiment_score: float | None = None
    has_task_failure: bool = False
    has_negative_feedback: bool = False
    has_data_quality_issues: bool = False
    has_technical_failure: bool = False
    task_failure_type: str | None = None
    task_failure_reason: str | None = None
    negative_feedback_phrases: list[str] | None = None
    data_quality_issues: list[str] | None = None
    technical_error_count: int | None = None
    agent_chain: list[str] | None = None
    root_agent_name: str | None = None
    request_complexity: str | None = None
    error_categories: list[str] | None = None
    behavioral_patterns: list[str] | None = None
    custom_metadata: dict[str, Any] | None = None
    schema_version: str = "2.0"
    message_labels: dict[str, list[MessageLabel]] | None = None
