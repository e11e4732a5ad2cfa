"""``search_docs``: rank sections of the shipped guide and the README for a query.

Sources: ``amplitude-ai.md`` (package data of ``amplitude_ai``, read through
importlib.resources) and ``README.md`` from the repository root when it is present
(a source checkout or an editable install). Sections are split at Markdown headings;
scoring is term frequency with a bonus for heading matches — small, exact, no index files.
"""

from __future__ import annotations

import functools
import math
import re
from importlib import resources
from pathlib import Path
from typing_extensions import TypedDict

_WORD = re.compile(r"[a-z0-9_]+")
_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
_STOP = frozenset("a an and are as at be by do for from how i in is it of on or the to what when with you your".split())
_SNIPPET_CHARS = 700


class Section(TypedDict):
    source: str
    heading: str
    line: int
    text: str


class DocHit(TypedDict):
    source: str
    heading: str
    line: int
    score: float
    snippet: str


def _guide_text() -> str | None:
    try:
        return resources.files("amplitude_ai").joinpath("amplitude-ai.md").read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError, OSError):
        return None


def _readme_text() -> str | None:
    # mcp_server/ sits at the repository root in a checkout; wheels do not ship the README.
    candidate = Path(__file__).resolve().parent.parent / "README.md"
    try:
        return candidate.read_text(encoding="utf-8") if candidate.is_file() else None
    except OSError:
        return None


def split_sections(source: str, text: str) -> list[Section]:
    sections: list[Section] = []
    heading, start, buf = "(top)", 1, []
    in_fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            if "".join(buf).strip():
                sections.append({"source": source, "heading": heading, "line": start, "text": "\n".join(buf).strip()})
            heading, start, buf = match.group(2), number, []
        else:
            buf.append(line)
    if "".join(buf).strip():
        sections.append({"source": source, "heading": heading, "line": start, "text": "\n".join(buf).strip()})
    return sections


@functools.lru_cache(maxsize=1)
def corpus() -> tuple[Section, ...]:
    out: list[Section] = []
    for source, text in (("amplitude-ai.md", _guide_text()), ("README.md", _readme_text())):
        if text:
            out.extend(split_sections(source, text))
    return tuple(out)


def _terms(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


def search(query: str, limit: int = 5) -> list[DocHit]:
    terms = _terms(query)
    if not terms:
        return []
    sections = corpus()
    docs = [(_terms(s["text"]), _terms(s["heading"])) for s in sections]
    n = len(sections) or 1
    df = {t: sum(1 for body, head in docs if t in body or t in head) for t in set(terms)}
    hits: list[DocHit] = []
    lowered_query = query.lower().strip()
    for section, (body, head) in zip(sections, docs):
        score = 0.0
        for t in set(terms):
            tf = body.count(t) + 3 * head.count(t)
            if tf:
                score += (1 + math.log(tf)) * math.log(1 + n / (1 + df[t]))
        if score and len(lowered_query) > 3 and lowered_query in section["text"].lower():
            score *= 1.5  # the exact phrase appears
        if score:
            hits.append(
                {
                    "source": section["source"],
                    "heading": section["heading"],
                    "line": section["line"],
                    "score": round(score, 3),
                    "snippet": _snippet(section["text"], terms),
                }
            )
    hits.sort(key=lambda h: (-h["score"], h["source"], h["line"]))
    return hits[:limit]


def _snippet(text: str, terms: list[str]) -> str:
    if len(text) <= _SNIPPET_CHARS:
        return text
    lowered = text.lower()
    first = min((i for i in (lowered.find(t) for t in terms) if i >= 0), default=0)
    start = max(0, first - _SNIPPET_CHARS // 4)
    chunk = text[start : start + _SNIPPET_CHARS]
    return ("…" if start else "") + chunk + ("…" if start + _SNIPPET_CHARS < len(text) else "")


def sources() -> list[str]:
    return sorted({s["source"] for s in corpus()})
