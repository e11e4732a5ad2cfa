from __future__ import annotations

import pytest

from amplitude_ai.codemods.prefilter import MAX_BYTES, decode, names_provider, skip_reason


@pytest.mark.parametrize(
    "text",
    [
        "import openai",
        "    from openai import OpenAI",
        "import os, openai as oai",
        "from anthropic import Anthropic",
        "from google import genai",
        "import google.generativeai as genai",
        "from mistralai.client import Mistral",
        "from amplitude_ai import patch",
        "import boto3\nclient = boto3.client('bedrock-runtime')",
        "import aioboto3  # bedrock",
        "try:\n    import openai\nexcept ImportError:\n    openai = None",
    ],
)
def test_files_worth_parsing(text: str) -> None:
    assert names_provider(text.encode())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "import os\nprint('openai')",
        "# import openai\n",
        "x = 'from openai import OpenAI'",
        "import boto3\ns3 = boto3.client('s3')",
        "from google.cloud import storage",
        "from openai_helpers import thing",
        "import groq\nimport together",
    ],
)
def test_files_skipped_without_parsing(text: str) -> None:
    assert not names_provider(text.encode())


def test_extra_names_from_the_project_pass() -> None:
    assert names_provider(b"from myapp.llm import client", extra=["myapp.llm"])
    assert not names_provider(b"from myapp.db import session", extra=["myapp.llm"])


def test_skip_reasons() -> None:
    assert skip_reason(b"import openai\n") is None
    assert "binary" in (skip_reason(b"\x00\x01import openai") or "")
    assert "larger" in (skip_reason(b"#" * (MAX_BYTES + 1)) or "")


def test_decode_honours_the_coding_cookie_and_bom() -> None:
    assert decode("# -*- coding: latin-1 -*-\nx = 'é'\n".encode("latin-1")).endswith("'é'\n")
    assert decode(b"\xef\xbb\xbfimport openai\n") == "import openai\n"
