"""The CPython-ast pre-check that spares files without possible findings a libcst parse."""

from __future__ import annotations

from pathlib import Path

from amplitude_ai.codemods.scanner import _quick_report, scan_paths


def test_types_only_module_is_skipped_but_keeps_its_reexports() -> None:
    src = b"from openai import AsyncOpenAI\nfrom openai.types.chat import ChatCompletion\n\ndef f(c: AsyncOpenAI) -> ChatCompletion:\n    return g(c)\n"
    report = _quick_report(src, "t.py")
    assert report is not None and not report.call_sites
    assert set(report.exports) == {"AsyncOpenAI"}  # a client class other modules may import


def test_files_that_may_hold_findings_get_a_real_scan() -> None:
    for src in (
        b"from openai import OpenAI\nc = OpenAI()\n",
        b"import openai\ndef f(c):\n    return c.chat.completions.create(model='m')\n",
        b"import openai\ndef f(c):\n    return c.chat.completions.with_raw_response.create(model='m')\n",
        b"import openai\ndef make() -> 'openai.AsyncOpenAI':\n    return build()\n",
        b"import boto3\ndef f(c):\n    return c.converse(modelId='m')\n",
        b"import openai\nfrom fastapi import FastAPI\n",
        b"import openai\ndef f(\n",  # does not parse: the real scan reports it
    ):
        assert _quick_report(src, "t.py") is None, src


def test_reexport_through_a_skipped_module_still_links(tmp_path: Path) -> None:
    pkg = tmp_path / "app"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "sdk.py").write_text("from openai import OpenAI\n")  # re-export only: skipped by the pre-check
    (pkg / "main.py").write_text(
        "from app.sdk import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model='m', messages=[])\n"
    )
    report = scan_paths([tmp_path])
    assert [(s.path, s.api, s.resolution) for s in report.call_sites] == [("app/main.py", "chat.completions.create", "resolved")]
    assert [c.qualified_name for c in report.clients] == ["openai.OpenAI"]
