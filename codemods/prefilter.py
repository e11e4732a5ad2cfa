"""Raw-text prefilter: decide from the bytes alone whether a file is worth parsing.

A file is parsed only when its text names a provider module (``openai``, ``anthropic``,
``google.genai`` / ``from google import genai``, ``google.generativeai``, ``mistralai``,
``boto3``/``aioboto3`` together with ``bedrock``), ``amplitude_ai`` (existing
instrumentation, bootstrap modules, ``patch()``), or one of the ``extra`` project module
names the scanner found to export clients (its second pass). Everything else — the vast
majority of a real tree — is skipped without parsing. The test is deliberately loose
(a word anywhere, comments included): a false hit only costs one parse; the parser, not
this filter, decides what is a call site.
"""

from __future__ import annotations

import re
import tokenize
from collections.abc import Iterable
from io import BytesIO

MAX_BYTES = 2_000_000  # larger .py files are generated data, not application code

_PROVIDER_RE = re.compile(
    rb"\b(?:openai|anthropic|mistralai|amplitude_ai)\b|google\.gen(?:ai|erativeai)\b"
    rb"|\bfrom\s+google\s+import\b"
)
_BOTO_RE = re.compile(rb"\baio(?:boto3)?\b|\bboto3\b")
_BEDROCK_RE = re.compile(rb"bedrock", re.IGNORECASE)


def names_provider(data: bytes, extra: Iterable[str] = ()) -> bool:
    """True when ``data`` (a file's bytes) may use a provider SDK or amplitude_ai."""
    if _PROVIDER_RE.search(data):
        return True
    if _BOTO_RE.search(data) and _BEDROCK_RE.search(data):
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
