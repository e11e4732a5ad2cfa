"""The [Agent] event catalog (amplitude_ai.catalog)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from amplitude_ai import catalog
from amplitude_ai.catalog import (
    COMMON_PROPERTIES,
    EVENTS,
    check_event,
    get_event_schema,
)

SPEC = Path("/work/shared/spec/amplitude-ai-sdk-docs.txt")

SDK_EVENTS = [
    "[Agent] User Message",
    "[Agent] AI Response",
    "[Agent] Tool Call",
    "[Agent] Embedding",
    "[Agent] Span",
    "[Agent] Session End",
    "[Agent] Session Enrichment",
    "[Agent] Score",
]


def test_eight_sdk_events_and_two_server_only_events():
    assert list(catalog.SDK_EVENT_TYPES) == SDK_EVENTS
    assert set(catalog.SERVER_EVENT_TYPES) == {"[Agent] Session Evaluation", "[Agent] Topic Classification"}
    assert EVENTS["[Agent] Score"].server_emitted  # the pipeline reuses the Score event


@pytest.mark.parametrize("event_type", SDK_EVENTS)
def test_sdk_events_start_with_the_common_properties(event_type):
    props = EVENTS[event_type].properties
    assert props[: len(COMMON_PROPERTIES)] == COMMON_PROPERTIES


def test_common_required_properties():
    required = {p.name for p in COMMON_PROPERTIES if p.required}
    assert required == {"[Agent] Session ID", "[Agent] SDK Version", "[Agent] Runtime"}


def test_constants_match_catalog_names():
    names = {p.name for spec in EVENTS.values() for p in spec.properties}
    constants = {v for k, v in vars(catalog).items() if k.startswith("PROP_")}
    assert constants == names  # every property has a constant, no constant is unused
    assert catalog.PROP_SESSION_REPLAY_ID == "[Amplitude] Session Replay ID"
    assert catalog.PROP_LLM_MESSAGE == "$llm_message"
    events = {v for k, v in vars(catalog).items() if k.startswith("EVENT_")}
    assert events == set(EVENTS)


def test_no_duplicate_properties_per_event():
    for spec in EVENTS.values():
        names = [p.name for p in spec.properties]
        assert len(names) == len(set(names)), spec.event_type


def test_every_property_has_a_description_and_a_valid_type():
    for spec in EVENTS.values():
        assert spec.description
        for p in spec.properties:
            assert p.description, p.name
            assert p.type in ("string", "number", "boolean", "string[]", "object")


def _spec_tables():
    """Parse the spec's Event Property Reference: section title -> {property: (type, required)}."""
    if not SPEC.exists():
        pytest.skip("spec file not available")
    lines = SPEC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "Event Property Reference")
    end = next(i for i, line in enumerate(lines) if line.strip() == "Sending Events Without the SDK")
    tables: dict[str, dict[str, tuple[str, bool]]] = {}
    section = None
    row = re.compile(r"^(string\[\]|string|number|boolean) \| (Yes|No) \|")
    for i in range(start, end):
        line = lines[i].strip()
        if line.endswith(("Properties", "Properties (present on all SDK events)")) and any(
            lines[j].startswith("| Property |") for j in (i + 1, i + 2)
        ):
            section = line
            tables[section] = {}
            continue
        m = row.match(line)
        if m and section:
            name = lines[i - 1].strip().rstrip("|").strip()
            tables[section][name] = (m.group(1), m.group(2) == "Yes")
    return tables


SECTION_TO_EVENT = {
    "User Message Properties": "[Agent] User Message",
    "AI Response Properties": "[Agent] AI Response",
    "Tool Call Properties": "[Agent] Tool Call",
    "Embedding Properties": "[Agent] Embedding",
    "Span Properties": "[Agent] Span",
    "Session End Properties": "[Agent] Session End",
    "Session Enrichment Properties": "[Agent] Session Enrichment",
    "Score Properties": "[Agent] Score",
    "Server-Side: Session Evaluation Properties": "[Agent] Session Evaluation",
    "Server-Side: Topic Classification Properties": "[Agent] Topic Classification",
}


def test_catalog_matches_the_spec_reference_exactly():
    tables = _spec_tables()
    common = tables.pop("Common Properties (present on all SDK events)")
    assert {p.name: (p.type, p.required) for p in COMMON_PROPERTIES} == common
    assert set(tables) == set(SECTION_TO_EVENT)
    assert len(common) == 12 and len(tables["AI Response Properties"]) == 42  # the parser really read the tables
    for section, event_type in SECTION_TO_EVENT.items():
        spec = EVENTS[event_type]
        ours = {p.name: (p.type, p.required) for p in spec.properties if p.name != "$llm_message"}
        expected = dict(tables[section])
        if spec.sdk_emitted:
            expected = {**common, **expected}
        assert ours == expected, event_type


def test_llm_message_only_on_message_events():
    carriers = {t for t, s in EVENTS.items() if s.get_property("$llm_message")}
    assert carriers == {"[Agent] User Message", "[Agent] AI Response"}


def test_get_event_schema_whole_catalog_is_json():
    schema = get_event_schema()
    text = json.dumps(schema)
    assert json.loads(text) == schema
    assert set(schema["events"]) == set(EVENTS)
    assert schema["events"]["[Agent] Session Evaluation"]["sdk_emitted"] is False
    assert [p["name"] for p in schema["common_properties"]][0] == "[Agent] Session ID"


def test_get_event_schema_one_event():
    one = get_event_schema("[Agent] Tool Call")
    assert one["event_type"] == "[Agent] Tool Call"
    tool_name = next(p for p in one["properties"] if p["name"] == "[Agent] Tool Name")
    assert tool_name == {
        "name": "[Agent] Tool Name",
        "type": "string",
        "required": True,
        "description": tool_name["description"],
    }


def test_get_event_schema_unknown_event_lists_known_ones():
    with pytest.raises(ValueError) as err:
        get_event_schema("[Agent] Nope")
    assert "[Agent] Nope" in str(err.value)
    assert "[Agent] AI Response" in str(err.value)


COMMON_OK = {
    "[Agent] Session ID": "s-1",
    "[Agent] SDK Version": "0.1.0",
    "[Agent] Runtime": "python",
}


def test_check_event_accepts_a_conforming_event():
    props = {
        **COMMON_OK,
        "[Agent] Message ID": "m-1",
        "[Agent] Component Type": "user_input",
        "[Agent] Turn ID": 3,
        "[Agent] Is Regeneration": False,
        "[Agent] Attachment Types": '["pdf", "image"]',
        "[Agent] Attachment Count": 2,
        "[Amplitude] Session Replay ID": "dev/123",
        "$llm_message": {"text": "hello"},
    }
    assert check_event("[Agent] User Message", props) == []


def test_check_event_reports_every_kind_of_problem():
    props = {
        "[Agent] Session ID": "s-1",
        "[Agent] SDK Version": "0.1.0",
        # Runtime missing
        "[Agent] Message ID": "m-1",
        "[Agent] Component Type": "llm",
        "[Agent] Model Name": "gpt-4o",
        "[Agent] Provider": "openai",
        "[Agent] Latency Ms": "fast",  # wrong type
        "[Agent] Is Error": 0,  # int is not a boolean
        "[Agent] Temperature": True,  # bool is not a number
        "[Agent] Attachment Types": ["pdf"],  # must be serialized JSON
        "[Agent] Shoe Size": 42,  # not in the catalog
        "[Agent] Locale": None,
        "$llm_message": {"content": "hi"},
    }
    problems = check_event("[Agent] AI Response", props)
    joined = "\n".join(problems)
    assert "[Agent] Runtime: required on [Agent] AI Response but missing" in problems
    assert "[Agent] Latency Ms: expected number, got str" in problems
    assert "[Agent] Is Error: expected boolean, got int" in problems
    assert "[Agent] Temperature: expected number, got bool" in problems
    assert "[Agent] Attachment Types: expected a JSON array of strings" in joined
    assert "[Agent] Shoe Size: not a property of [Agent] AI Response" in problems
    assert "[Agent] Locale: value is None" in joined
    assert '$llm_message: expected {"text": <string>}' in joined
    assert len(problems) == 8


def test_check_event_string_array_must_hold_strings():
    props = {**COMMON_OK, "[Agent] Message ID": "m", "[Agent] Component Type": "user_input"}
    assert check_event("[Agent] User Message", {**props, "[Agent] Attachment Types": "[1, 2]"})
    assert check_event("[Agent] User Message", {**props, "[Agent] Attachment Types": "pdf"})
    assert check_event("[Agent] User Message", {**props, "[Agent] Attachment Types": "[]"}) == []


def test_check_event_llm_message_not_allowed_on_tool_call():
    props = {
        **COMMON_OK,
        "[Agent] Component Type": "tool",
        "[Agent] Latency Ms": 1.5,
        "[Agent] Is Error": False,
        "[Agent] Invocation ID": "i",
        "[Agent] Tool Name": "search",
        "[Agent] Tool Success": True,
    }
    assert check_event("[Agent] Tool Call", props) == []
    assert check_event("[Agent] Tool Call", {**props, "$llm_message": {"text": "x"}}) == [
        "$llm_message: not a property of [Agent] Tool Call"
    ]


def test_check_event_unknown_event_type():
    assert check_event("[Agent] Nope", {}) == ["unknown event type '[Agent] Nope'"]


def test_catalog_imports_nothing_heavy():
    code = (
        "import sys, amplitude_ai.catalog; "
        "heavy = [m for m in ('amplitude', 'genai_prices', 'libcst', 'jinja2', 'mcp', 'openai', 'dataclasses') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
