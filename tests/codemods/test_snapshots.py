"""Snapshot suite for ``amplitude-ai fix``: every transform EXAMPLE and every fixture module.

Each case is instrumented through ``instrument_source`` (planned from the real scanner's
findings) and its before/after/changes/warnings are stored as one readable text file in
``__snapshots__/test_snapshots/``. Every case also checks that the output parses (libcst and
``compile()``), introduces no undefined name, that a second run changes nothing, and that the
scanner now reports the rewritten clients as instrumented and the wrapped handlers as in a
session. Review snapshot diffs like code (``pytest --snapshot-update`` rewrites them).
"""

from __future__ import annotations

import re

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ScopeProvider
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from amplitude_ai.codemods.instrument import instrument_source
from amplitude_ai.codemods.scanner import scan_source

from tests.support.engine_transforms import ALL_CASES, Case


class CaseSnapshot(SingleFileSnapshotExtension):
    """One plain-text file per case (before, after, changes, warnings)."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"


def render(case: Case, result) -> str:
    def block(title: str, text: str) -> str:
        return f"==== {title} ====\n{text}" + ("" if text.endswith("\n") or not text else "\n")

    parts = [
        f"case: {case.id}   (from {case.origin}, as {case.path})\n",
        block("before", case.before),
        block("after", result.new_source if result.changed else "(unchanged)\n"),
        block("changes", "".join(f"- {c}\n" for c in result.changes) or "(none)\n"),
        block("warnings", "".join(f"- {w}\n" for w in result.warnings) or "(none)\n"),
        block("created", "".join(f"- {p.rsplit('/', 1)[-1]}\n" for p in result.created_files) or "(none)\n"),
    ]
    return "".join(parts)


def undefined_names(source: str) -> set[str]:
    wrapper = MetadataWrapper(cst.parse_module(source))
    scopes = {s for s in wrapper.resolve(ScopeProvider).values() if s is not None}
    missing = set()
    for scope in scopes:
        for access in scope.accesses:
            if not access.referents:
                node = access.node
                missing.add(node.value if isinstance(node, cst.Name) else cst.Module([]).code_for_node(node))
    return missing


def _unplaced(messages: list[str]) -> list[str]:
    return [re.sub(r"^\d+(:\d+)?: ", "", m) for m in messages]


@pytest.fixture
def snapshot_case(snapshot):
    return snapshot.use_extension(CaseSnapshot)


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_case(case: Case, snapshot_case, tmp_path) -> None:
    path = case.path
    result = instrument_source(case.before, path, project_root=tmp_path)
    assert render(case, result) == snapshot_case

    after = result.new_source
    if case.expected is not None:
        assert after == case.expected, "the transform's EXAMPLE promises this exact output"

    # the output parses, for libcst and for CPython
    cst.parse_module(after)
    compile(after, path, "exec")

    # no name is used that is not defined (names undefined before, e.g. in snippets, aside)
    assert undefined_names(after) <= undefined_names(case.before)

    # idempotent: a second run changes nothing and warns the same
    again = instrument_source(after, path, project_root=tmp_path)
    assert not again.changed, again.diff
    assert _unplaced(again.warnings) == _unplaced(result.warnings)  # lines may have moved

    # the scanner agrees the work is done (what was refused is reported in warnings)
    report = scan_source(after, path, project_packages=["amplitude_setup"])
    assert report.error is None
    if not result.warnings:
        assert [c.callee for c in report.clients if not c.instrumented] == []
    if result.changed:
        assert result.created_files, "changed code imports the bootstrap module, which must be created"
    before_report = scan_source(case.before, path, project_packages=["amplitude_setup"])
    wrapped = {h.name for h in before_report.handlers if h.reaches_llm and not h.in_session} - {
        h.name for h in before_report.handlers if h.framework in ("fastapi", "starlette")
    }
    assert wrapped <= {h.name for h in report.handlers if h.in_session}


def test_suite_size() -> None:
    assert len(ALL_CASES) >= 60
    assert len({c.id for c in ALL_CASES}) == len(ALL_CASES)
