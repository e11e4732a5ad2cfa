"""Roots offered by the client (MCP roots capability) widen what the server may touch."""

from __future__ import annotations

import pytest
from mcp.types import ListRootsResult, Root

from tests.support.mcp_harness import McpHarness


@pytest.fixture(scope="module")
def rooted_server(workspace):
    async def list_roots(context):
        return ListRootsResult(roots=[Root(uri=workspace.client_root.as_uri(), name="client project")])

    harness = McpHarness(workspace.server_params(), list_roots_callback=list_roots).start()
    try:
        yield harness
    finally:
        harness.close()


def test_client_root_is_allowed(rooted_server, workspace):
    result = rooted_server.call("validate_file", {"file_path": str(workspace.client_root / "missing.py")})
    assert result.is_error
    assert "does not exist" in result.content[0].text  # allowed: refused only because the file is missing


def test_without_the_capability_the_client_root_is_refused(server, workspace):
    result = server.call("validate_file", {"file_path": str(workspace.client_root / "missing.py")})
    assert result.is_error and "outside the allowed roots" in result.content[0].text


def test_outside_is_still_refused_with_client_roots(rooted_server, workspace):
    result = rooted_server.call("scan_project", {"root_path": str(workspace.outside)})
    assert result.is_error and "outside the allowed roots" in result.content[0].text


@pytest.fixture(scope="module")
def legacy_server(workspace):
    """A client on the handshake-era protocol whose roots/list works once, then fails."""
    from mcp.types import INVALID_REQUEST, ErrorData

    calls = []

    async def list_roots(context):
        calls.append(1)
        if len(calls) == 1:
            return ListRootsResult(roots=[Root(uri=workspace.client_root.as_uri())])
        return ErrorData(code=INVALID_REQUEST, message="roots unavailable")

    harness = McpHarness(workspace.server_params(), list_roots_callback=list_roots, mode="legacy").start()
    try:
        yield harness
    finally:
        harness.close()


def test_legacy_protocol_roots_then_a_failing_client(legacy_server, workspace):
    first = legacy_server.call("validate_file", {"file_path": str(workspace.client_root / "missing.py")})
    assert "does not exist" in first.content[0].text  # roots/list answered: the client root is allowed
    second = legacy_server.call("validate_file", {"file_path": str(workspace.client_root / "missing.py")})
    assert "outside the allowed roots" in second.content[0].text  # answer failed: server roots only
    third = legacy_server.call("get_integration_pattern", {"pattern_id": "bootstrap"})
    assert not third.is_error  # and the server keeps serving
