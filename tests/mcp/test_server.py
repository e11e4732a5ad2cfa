"""The server through the real client over stdio: listing, schema drift, reference tools,
safety (roots, traversal, symlinks, sizes, binary files), malformed arguments, concurrency."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from amplitude_ai.mcp import schema as schema_module

EXPECTED_TOOLS = {
    "scan_project",
    "validate_file",
    "instrument_file",
    "generate_verify_test",
    "get_event_schema",
    "get_integration_pattern",
    "validate_setup",
    "suggest_instrumentation",
    "search_docs",
}
REPO_ROOT = Path(__file__).resolve().parents[2]


def _error_text(result) -> str:
    assert result.is_error, f"expected a tool error, got {result.structured_content!r}"
    return " ".join(getattr(block, "text", "") for block in result.content)


# ---------------------------------------------------------------- listing and schema


def test_lists_every_tool_with_input_and_output_schemas(server):
    tools = server.run(lambda c: c.list_tools()).tools
    assert {t.name for t in tools} == EXPECTED_TOOLS
    for tool in tools:
        assert tool.description, tool.name
        assert tool.input_schema["type"] == "object", tool.name
        assert tool.output_schema and tool.output_schema.get("type") == "object", tool.name
        # the roots resolver is injected by the server, never an argument
        assert "client_roots" not in tool.input_schema.get("properties", {}), tool.name
    by_name = {t.name: t for t in tools}
    assert by_name["scan_project"].input_schema["required"] == ["root_path"]
    call_site = by_name["scan_project"].output_schema["$defs"]["CallSite"]
    assert {"path", "line", "column", "provider", "api", "async", "streaming", "instrumented", "in_session"} <= set(
        call_site["required"]
    )
    assert set(by_name["instrument_file"].output_schema["required"]) >= {
        "file_path", "changed", "diff", "new_source", "changes", "warnings", "created_files",
    }
    assert by_name["scan_project"].annotations.read_only_hint is True
    assert by_name["instrument_file"].annotations.read_only_hint is False


def test_lists_resources_and_prompt(server):
    resources = server.run(lambda c: c.list_resources()).resources
    assert {str(r.uri) for r in resources} == {
        "amplitude-ai://event-schema",
        "amplitude-ai://integration-patterns",
        "amplitude-ai://instrument-guide",
    }
    prompts = server.run(lambda c: c.list_prompts()).prompts
    assert [p.name for p in prompts] == ["instrument_app"]
    assert {a.name for a in prompts[0].arguments} == {"framework", "provider"}


def test_reads_resources(server):
    schema = server.run(lambda c: c.read_resource("amplitude-ai://event-schema")).contents[0]
    assert "[Agent] AI Response" in json.loads(schema.text)["events"]
    patterns = json.loads(server.run(lambda c: c.read_resource("amplitude-ai://integration-patterns")).contents[0].text)
    assert "fastapi-middleware" in {p["id"] for p in patterns["patterns"]}
    guide = server.run(lambda c: c.read_resource("amplitude-ai://instrument-guide")).contents[0]
    assert guide.mime_type == "text/markdown"
    assert "scan_project" in guide.text


def test_prompt_names_the_tools_and_the_arguments(server):
    result = server.run(lambda c: c.get_prompt("instrument_app", {"framework": "fastapi", "provider": "openai"}))
    text = result.messages[0].content.text
    assert "fastapi" in text and "openai" in text
    for tool in ("scan_project", "instrument_file", "generate_verify_test"):
        assert tool in text


def test_schema_file_matches_the_live_server():
    """mcp.schema.json drifts when a tool, resource or prompt changes: regenerate with
    `python -m amplitude_ai.mcp.schema`."""
    committed = (REPO_ROOT / "mcp.schema.json").read_text(encoding="utf-8")
    assert committed == schema_module.render(), "mcp.schema.json is stale: run python -m amplitude_ai.mcp.schema"


def test_schema_file_lists_what_the_subprocess_serves(server):
    committed = json.loads((REPO_ROOT / "mcp.schema.json").read_text(encoding="utf-8"))
    tools = server.run(lambda c: c.list_tools()).tools
    assert {t["name"] for t in committed["tools"]} == {t.name for t in tools}
    served = {t.name: t.output_schema for t in tools}
    for tool in committed["tools"]:
        assert tool["outputSchema"] == served[tool["name"]]


# ---------------------------------------------------------------- reference tools


def test_get_event_schema_all_and_one(server):
    everything = server.call("get_event_schema")
    assert not everything.is_error
    types = [e["event_type"] for e in everything.structured_content["events"]]
    assert "[Agent] User Message" in types and "[Agent] Session End" in types
    one = server.call("get_event_schema", {"event_type": "[Agent] AI Response"}).structured_content
    assert [e["event_type"] for e in one["events"]] == ["[Agent] AI Response"]
    names = {p["name"] for p in one["events"][0]["properties"]}
    assert "[Agent] Model Name" in names


def test_get_event_schema_unknown_type_is_a_tool_error(server):
    text = _error_text(server.call("get_event_schema", {"event_type": "[Agent] Nope"}))
    assert "unknown event type" in text and "[Agent] AI Response" in text


def test_get_integration_pattern(server):
    everything = server.call("get_integration_pattern").structured_content["patterns"]
    assert len(everything) >= 8
    one = server.call("get_integration_pattern", {"pattern_id": "multi-agent"}).structured_content["patterns"]
    assert [p["id"] for p in one] == ["multi-agent"]
    assert "run_as" in one[0]["code"]
    assert _error_text(server.call("get_integration_pattern", {"pattern_id": "nope"}))


@pytest.mark.parametrize(
    ("framework", "provider", "tier", "expect"),
    [
        ("fastapi", "openai", "full", "AmplitudeAIMiddleware"),
        ("cli", "anthropic", "metadata_only", "AMPLITUDE_AI_CONTENT_MODE=metadata_only"),
        ("aws_lambda", "bedrock", "customer_enriched", "wrap("),
    ],
)
def test_suggest_instrumentation(server, framework, provider, tier, expect):
    result = server.call("suggest_instrumentation", {"framework": framework, "provider": provider, "content_tier": tier})
    assert not result.is_error
    data = result.structured_content
    assert (data["framework"], data["provider"], data["content_tier"]) == (framework, provider, tier)
    assert expect in data["code"] + "\n".join(data["steps"])
    assert data["install"].startswith("pip install")


def test_search_docs_ranks_the_guide(server):
    data = server.call("search_docs", {"query": "content tier metadata_only"}).structured_content
    assert data["results"], data
    assert "amplitude-ai.md" in data["sources"]
    assert any("metadata_only" in hit["snippet"] for hit in data["results"])
    scores = [hit["score"] for hit in data["results"]]
    assert scores == sorted(scores, reverse=True)
    assert server.call("search_docs", {"query": "zzqqxx"}).structured_content["results"] == []


def test_validate_setup_without_project(server):
    data = server.call("validate_setup").structured_content
    deps = {d["name"]: d for d in data["dependencies"]}
    assert deps["mcp"]["installed"] and deps["amplitude-analytics"]["installed"]
    env = {e["name"]: e for e in data["environment"]}
    assert env["AMPLITUDE_AI_API_KEY"]["set"] is False
    assert any("AMPLITUDE_AI_API_KEY" in step for step in data["next_steps"])
    checks = {c["name"]: c for c in data["checks"]}
    assert checks["mock_capture"]["ok"] is True, checks["mock_capture"]
    assert "[Agent] AI Response" in checks["mock_capture"]["detail"]


def test_validate_setup_masks_the_api_key(workspace):
    from tests.support.mcp_harness import McpHarness

    key = "0123456789abcdef0123456789abcdef"
    with McpHarness(workspace.server_params(AMPLITUDE_AI_API_KEY=key)) as other:
        result = other.call("validate_setup")
    env = {e["name"]: e for e in result.structured_content["environment"]}
    assert env["AMPLITUDE_AI_API_KEY"] == {"name": "AMPLITUDE_AI_API_KEY", "set": True, "value": "***"}
    assert key not in json.dumps(result.structured_content)
    assert not any("AMPLITUDE_AI_API_KEY" in s for s in result.structured_content["next_steps"])


# ---------------------------------------------------------------- safety


@pytest.mark.parametrize("tool", ["validate_file", "instrument_file"])
@pytest.mark.parametrize(
    "raw",
    [
        "../outside/secret.py",
        "openai_app/../../outside/secret.py",
        "escape_link.py",  # symlink to a file outside every root
        "escape_dir/secret.py",  # a path through a symlinked folder
    ],
)
def test_file_paths_outside_the_roots_are_refused(server, tool, raw):
    text = _error_text(server.call(tool, {"file_path": raw}))
    assert "outside the allowed roots" in text
    assert "AMPLITUDE_AI_MCP_ROOTS" in text


def test_absolute_path_outside_the_roots_is_refused(server, workspace):
    for tool, args in [
        ("validate_file", {"file_path": str(workspace.outside / "secret.py")}),
        ("scan_project", {"root_path": str(workspace.outside)}),
        ("scan_project", {"root_path": "/"}),
        ("generate_verify_test", {"root_path": str(workspace.outside)}),
        ("validate_setup", {"root_path": "/etc"}),
        ("instrument_file", {"file_path": "/etc/passwd", "write": True}),
    ]:
        assert "outside the allowed roots" in _error_text(server.call(tool, args)), (tool, args)


def test_bad_files_are_refused_clearly(server):
    assert "binary" in _error_text(server.call("validate_file", {"file_path": "blob.py"}))
    assert "MB limit" in _error_text(server.call("validate_file", {"file_path": "big.py"}))
    assert "does not exist" in _error_text(server.call("validate_file", {"file_path": "missing.py"}))
    assert "not a regular file" in _error_text(server.call("validate_file", {"file_path": "openai_app"}))
    assert "not a directory" in _error_text(server.call("scan_project", {"root_path": "openai_app/chat.py"}))
    assert "NUL" in _error_text(server.call("validate_file", {"file_path": "a\x00b.py"}))
    assert "larger than 2 MB" in _error_text(server.call("validate_file", {"source": "x = 1\n" * 400_000}))
    assert "exactly one" in _error_text(server.call("validate_file", {}))
    assert "exactly one" in _error_text(server.call("instrument_file", {"file_path": "a.py", "source": "x"}))
    assert "needs file_path" in _error_text(server.call("instrument_file", {"source": "x = 1\n", "write": True}))
    assert "dotted Python module" in _error_text(
        server.call("instrument_file", {"source": "x = 1\n", "bootstrap_module": "../evil"})
    )


@pytest.mark.parametrize(
    ("tool", "args", "field"),
    [
        ("scan_project", {}, "root_path"),
        ("scan_project", {"root_path": 5}, "root_path"),
        ("instrument_file", {"source": "x=1", "write": "maybe"}, "write"),
        ("suggest_instrumentation", {"framework": "rails", "provider": "openai"}, "framework"),
        ("suggest_instrumentation", {"framework": "fastapi"}, "provider"),
        ("search_docs", {"query": ["a"]}, "query"),
        ("search_docs", {"query": "x", "limit": 1000}, "limit"),
        ("get_event_schema", {"event_type": {"a": 1}}, "event_type"),
    ],
)
def test_malformed_arguments_are_tool_errors_and_the_server_keeps_serving(server, tool, args, field):
    text = _error_text(server.call(tool, args))
    assert field in text
    assert not server.call("get_integration_pattern", {"pattern_id": "bootstrap"}).is_error


def test_unknown_tool_is_an_error(server):
    assert "nope" in _error_text(server.call("nope", {}))


def test_allowed_root_from_environment_is_accepted(server, workspace):
    result = server.call("validate_file", {"file_path": str(workspace.extra / "missing.py")})
    assert "does not exist" in _error_text(result)  # inside the root: refused only because it is missing


def test_several_calls_in_flight_on_one_session(server):
    async def burst(client):
        calls = [client.call_tool("get_event_schema", {"event_type": "[Agent] Tool Call"})]
        calls += [client.call_tool("search_docs", {"query": f"session {i}"}) for i in range(4)]
        calls += [client.call_tool("validate_file", {"file_path": "../outside/secret.py"})]
        calls += [
            client.call_tool("suggest_instrumentation", {"framework": fw, "provider": "openai"})
            for fw in ("fastapi", "flask", "cli")
        ]
        return await asyncio.gather(*calls)

    results = server.run(burst)
    assert [r.is_error for r in results] == [False] * 5 + [True] + [False] * 3
    assert results[0].structured_content["events"][0]["event_type"] == "[Agent] Tool Call"
    assert [r.structured_content["framework"] for r in results[6:]] == ["fastapi", "flask", "cli"]
