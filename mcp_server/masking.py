"""Mask secrets in code the server returns inside findings.

Masked (the value is replaced, a short recognisable prefix is kept):

- OpenAI-style keys ``sk-...`` / ``sk-proj-...`` and Anthropic keys ``sk-ant-...``
- AWS access key ids (``AKIA...``, ``ASIA...``) and ``aws_secret_access_key = "..."`` values
- Google API keys (``AIza...``), GitHub tokens (``ghp_...`` and kin), Slack tokens (``xox?-...``)
- ``Bearer <token>`` / ``Authorization: ...`` header values
- string literals assigned to a secret-looking name: ``api_key="..."``, ``secret_key=``,
  ``token=``, ``password=``, ``access_token=``, ``auth_token=``, ``client_secret=`` (keyword
  arguments, assignments and dict entries)

Applied to: everything ``scan_project`` and ``validate_file`` return, and the
``changes``/``warnings`` of ``instrument_file``. Not applied to ``new_source`` and
``diff`` (a client writes or applies them, so they must be byte-exact; they hold only
what the file already held) nor to the generated verify test.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "***"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bsk-ant-[A-Za-z0-9_\-]{8,}"), "sk-ant-" + MASK),
    (re.compile(r"\bsk-(?!ant-)(?:proj-|live-|test-)?[A-Za-z0-9_\-]{12,}"), "sk-" + MASK),
    (re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"), "AKIA" + MASK),
    (re.compile(r"\bAIza[0-9A-Za-z_\-]{30,}"), "AIza" + MASK),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}"), "gh_" + MASK),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9\-]{10,}"), "xox-" + MASK),
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*"), r"\1 " + MASK),
]

_SECRET_NAMES = (
    r"api[_-]?key|apikey|secret[_-]?key|secret|client[_-]?secret|token|access[_-]?token|auth[_-]?token|"
    r"password|passwd|aws[_-]?secret[_-]?access[_-]?key|aws[_-]?session[_-]?token|authorization"
)
# name = "value" | name="value" | "name": "value"   (quotes kept, value masked)
_ASSIGNED = re.compile(
    r"""(?ix)
    (?P<head>["']?\b[\w.-]*(?:""" + _SECRET_NAMES + r""")["']?\s*[:=]\s*[rbuRBU]{0,2})
    (?P<q>["'])(?P<value>[^"'\n]{4,})(?P=q)
    """
)


def mask_text(text: str) -> str:
    """Return ``text`` with every recognised secret masked."""
    if not text:
        return text
    out = _ASSIGNED.sub(lambda m: f"{m.group('head')}{m.group('q')}{MASK}{m.group('q')}", text)
    for pattern, replacement in _PATTERNS:
        out = pattern.sub(replacement, out)
    return out


def mask_data(value: Any, *, skip_keys: frozenset[str] = frozenset()) -> Any:
    """Mask every string inside ``value`` (dicts, lists), leaving keys in ``skip_keys`` untouched."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: (v if k in skip_keys else mask_data(v, skip_keys=skip_keys)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_data(v, skip_keys=skip_keys) for v in value]
    return value
