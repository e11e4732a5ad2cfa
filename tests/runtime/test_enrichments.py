"""Session enrichment dataclasses (amplitude_ai.core.enrichments)."""

from __future__ import annotations

import dataclasses
import json

import amplitude_ai
from amplitude_ai.core.enrichments import (
    EvidenceQuote,
    MessageLabel,
    RubricScore,
    SessionEnrichments,
    TopicClassification,
)


def test_public_names_resolve_lazily():
    assert amplitude_ai.SessionEnrichments is SessionEnrichments
    assert amplitude_ai.MessageLabel is MessageLabel


def test_field_names_and_defaults_follow_the_spec():
    assert [f.name for f in dataclasses.fields(MessageLabel)] == ["key", "value", "confidence"]
    assert [f.name for f in dataclasses.fields(EvidenceQuote)] == ["quote", "turn_index", "role"]
    assert [f.name for f in dataclasses.fields(TopicClassification)] == [
        "l1", "values", "primary", "l2", "subcategories", "topics_covered", "outcomes_by_topic",
    ]
    assert [f.name for f in dataclasses.fields(RubricScore)] == [
        "name", "score", "rationale", "evidence", "improvement_opportunities",
    ]
    e = SessionEnrichments()
    assert e.schema_version == "2.0"
    assert (e.has_task_failure, e.has_negative_feedback, e.has_data_quality_issues, e.has_technical_failure) == (
        False, False, False, False,
    )
    assert [f.name for f in dataclasses.fields(SessionEnrichments)][-2:] == ["schema_version", "message_labels"]
    assert len(dataclasses.fields(SessionEnrichments)) == 22


def test_empty_enrichments_to_dict():
    assert SessionEnrichments().to_dict() == {
        "has_task_failure": False,
        "has_negative_feedback": False,
        "has_data_quality_issues": False,
        "has_technical_failure": False,
        "schema_version": "2.0",
    }


def test_full_example_round_trips_through_json_without_nones():
    e = SessionEnrichments(
        topic_classifications={
            "query_intent": TopicClassification(l1="quantitative_diagnostic"),
            "product_area": TopicClassification(
                values=["charts", "cohorts"],
                primary="charts",
                topics_covered=["charts", "cohorts", "funnels"],
                outcomes_by_topic={"charts": "response_provided", "funnels": "abandoned"},
            ),
        },
        rubrics=[
            RubricScore(name="task_completion", score=0.85),
            RubricScore(
                name="response_quality",
                score=0.92,
                rationale="Clear",
                evidence=[EvidenceQuote(quote="Here is how...", turn_index=2, role="assistant")],
            ),
        ],
        overall_outcome="response_provided",
        quality_score=0.88,
        agent_chain=["router", "analytics-agent"],
        custom_metadata={"deployment": "canary-v2", "dropped": None},
        message_labels={"msg-1": [MessageLabel(key="intent", value="how_to", confidence=0.94)]},
    )
    d = e.to_dict()
    assert json.loads(json.dumps(d)) == d

    def no_none(x):
        if isinstance(x, dict):
            return all(v is not None and no_none(v) for v in x.values())
        if isinstance(x, list):
            return all(v is not None and no_none(v) for v in x)
        return True

    assert no_none(d)
    assert d["topic_classifications"]["query_intent"] == {"l1": "quantitative_diagnostic"}
    assert d["rubrics"][0] == {"name": "task_completion", "score": 0.85}
    assert d["rubrics"][1]["evidence"] == [{"quote": "Here is how...", "turn_index": 2, "role": "assistant"}]
    assert d["message_labels"] == {"msg-1": [{"key": "intent", "value": "how_to", "confidence": 0.94}]}
    assert d["custom_metadata"] == {"deployment": "canary-v2"}
    assert "task_failure_type" not in d


def test_label_without_confidence():
    assert MessageLabel(key="flow", value="onboarding").to_dict() == {"key": "flow", "value": "onboarding"}
