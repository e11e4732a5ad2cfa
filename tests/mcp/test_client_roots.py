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
