"""The inferred tier (codemods/infer.py): which sites carry ``resolution="inferred"``."""

from __future__ import annotations

from pathlib import Path

from amplitude_ai.codemods.prefilter import names_provider
from amplitude_ai.codemods.scanner import scan_paths, scan_source

FIXTURES = Path(__file__).parent / "fixtures" / "scanner"


def test_untyped_receivers_are_marked_inferred() -> None:
    report = scan_source((FIXTURES / "inferred.py").read_text(), "inferred.py")
    by_line = {s.line: s for s in report.call_sites}
    resolved_line = next(s.line for s in report.call_sites if s.api == "converse")
    assert by_line[resolved_line].resolution == "resolved"  # aioboto3 session client in `async with`
    inferred = [s for s in report.call_sites if s.line != resolved_line]
    assert inferred and all(s.resolution == "inferred" for s in inferred)
    assert {s.via for s in inferred} == {"inferred", "reference"}  # references keep via="reference"
    assert all(s.client_line is None for s in inferred)
    data = report.call_sites[0].to_dict()
    assert data["resolution"] in ("resolved", "inferred") and "async" in data


def test_resolved_sites_stay_resolved() -> None:
    report = scan_source((FIXTURES / "resources_refs.py").read_text(), "resources_refs.py")
    assert report.call_sites and {s.resolution for s in report.call_sites} == {"resolved"}


def test_no_inference_without_evidence() -> None:
    src = "def f(client):\n    return client.chat.completions.create(model='m')\n"
    assert scan_source(src, "a.py").call_sites == []
    assert len(scan_source("import openai\n" + src, "a.py").call_sites) == 1
    assert scan_source("import openai\nimport litellm\n" + src, "a.py").call_sites == []


def test_bedrock_needs_runtime_evidence() -> None:
    src = "def f(client):\n    return client.invoke_model(modelId='m', body='{}')\n"
    assert scan_source("import boto3\n" + src, "a.py").call_sites == []
    sites = scan_source("import boto3\nSERVICE = 'bedrock-runtime'\n" + src, "a.py").call_sites
    assert [(s.provider, s.api, s.resolution) for s in sites] == [("bedrock", "invoke_model", "inferred")]


def test_prefilter_admits_inference_evidence() -> None:
    assert names_provider(b"from .utils import make\nc = make('bedrock-runtime')\n")
    assert names_provider(b"import importlib\nm = importlib.import_module('mistralai')\n")
    assert names_provider(b"from botocore.client import BaseClient  # bedrock\n")
    assert not names_provider(b"from botocore.client import BaseClient\n")  # no bedrock mention
    assert not names_provider(b"x = 'openai'\n")


def test_importer_of_module_with_sites_is_scanned_for_handlers(tmp_path: Path) -> None:
    pkg = tmp_path / "svc"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "llm.py").write_text(
        "from openai import OpenAI\nclient = OpenAI()\n\n"
        "def answer(q):\n    return client.chat.completions.create(model='m', messages=[])\n"
    )
    (pkg / "app.py").write_text(
        "from fastapi import FastAPI\nfrom .llm import answer\napp = FastAPI()\n\n"
        "@app.post('/ask')\ndef ask(q: str):\n    return answer(q)\n"
    )
    report = scan_paths([tmp_path])
    assert [(a.path, a.name) for a in report.apps] == [("svc/app.py", "app")]
    assert [h.name for h in report.handlers] == ["ask"]


def test_overridden_factory_resolves_through_the_subclass() -> None:
    report = scan_source((FIXTURES / "overridden_factory.py").read_text(), "overridden_factory.py")
    assert {(s.api, s.resolution) for s in report.call_sites} == {
        ("chat.completions.create", "resolved"),
        ("converse", "resolved"),
    }
    assert all(s.client_line for s in report.call_sites)
