"""Raw-text prefilter: decide from the bytes alone whether a file is worth parsing.

A file is parsed only when it has an import statement naming a provider module
(``openai``, ``anthropic``, ``google.genai`` / ``from google import genai``,
``google.generativeai``, ``mistralai``, ``boto3``/``aioboto3`` with ``bedrock`` somewhere in
the file) or ``amplitude_ai`` (existing instrumentation, bootstrap modules, ``patch()``), or
names one of the ``extra`` project modules the scanner found to export clients (its second
pass). Everything else — the vast majority of a real tree, including SDK-internal code that
mentions provider names in docstrings — is skipped without parsing. The test errs on the
side of parsing (an import inside a string still counts): a false hit costs one parse; the
parser, not this filter, decides what is a call site.
"""

from __future__ import annotations

import re
import tokenize
from collections.abc import Iterable
from io import BytesIO

MAX_BYTES = 2_000_000  # larger .py files are generated data, not application code

# an import statement (at any indentation, also inside try/if/def) naming a provider module or
# amplitude_ai: every chain the resolver can follow starts at such an import, so a file
# without one cannot hold a finding (clients imported from other project modules are found
# by the second pass, through ``extra``).
_MODULES = rb"(?:openai|anthropic|mistralai|amplitude_ai|google|boto3|aioboto3|botocore|aiobotocore|mypy_boto3_bedrock_runtime|types_aiobotocore_bedrock_runtime)"
_PROVIDER_RE = re.compile(
    rb"^[ \t]*(?:from[ \t]+" + _MODULES + rb"\b|import[ \t]+[^\n#]*?\b" + _MODULES + rb"\b)",
    re.MULTILINE,
)
_GOOGLE_RE = re.compile(rb"\bgen(?:ai|erativeai)\b")
_BOTO_RE = re.compile(rb"\b(?:aio)?boto(?:3|core)\b|_bedrock_runtime\b")
_OTHERS_RE = re.compile(rb"\b(?:openai|anthropic|mistralai|amplitude_ai)\b")
_BEDROCK_RE = re.compile(rb"bedrock", re.IGNORECASE)
# no provider import, but evidence the inferred tier (infer.py) accepts: a bedrock-runtime
# client made elsewhere, or an SDK loaded with importlib
_RUNTIME_NAME_RE = re.compile(rb"bedrock-runtime|BedrockRuntimeClient")
_IMPORTLIB_RE = re.compile(rb"import_module\b")
_QUOTED_SDK_RE = re.compile(rb"[\"'](?:openai|anthropic|mistralai(?:\.client)?|google\.genai|google\.generativeai)[\"']")


def names_provider(data: bytes, extra: Iterable[str] = ()) -> bool:
    """True when ``data`` (a file's bytes) may use a provider SDK or amplitude_ai."""
    if _PROVIDER_RE.search(data):
        if _OTHERS_RE.search(data):
            return True
        if _GOOGLE_RE.search(data):
            return True
        if _BOTO_RE.search(data) and _BEDROCK_RE.search(data):
            return True
    if _RUNTIME_NAME_RE.search(data):
        return True
    if _IMPORTLIB_RE.search(data) and _QUOTED_SDK_RE.search(data):
        return True
    for name in extra:
        if name.encode() in data:
            return True
    return False


def skip_reason(data: bytes) -> str | None:
    """Why a file must not be parsed at all (binary, too large), else None."""
    if len(data) > MAX_BYTES:
        return f"skipped: larger than {MAX_BYTES // 1_000_000} MB"
    if b"\x00" in data[:8192]:
        return "skipped: binary file"
    return None


def decode(data: bytes) -> str:
    """Decode source bytes the way Python does (PEP 263 cookie, BOM, default utf-8).
    Raises ``SyntaxError``/``UnicodeDecodeError`` for undecodable text."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
        text = data.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text
