"""Generate a deterministic synthetic project: mostly ordinary modules, ~5% with LLM calls."""

from __future__ import annotations

import random
from pathlib import Path

_PLAIN = '''\
"""Module {i}: helpers for the {area} service."""

from __future__ import annotations

import dataclasses
import json
from typing import Any


@dataclasses.dataclass
class Record{i}:
    name: str
    value: int = 0
    tags: list[str] = dataclasses.field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))


def transform_{i}(rows: list[dict[str, Any]]) -> list[Record{i}]:
    out = []
    for row in rows:
        if not row.get("name"):
            continue
        out.append(Record{i}(name=row["name"], value=int(row.get("value", 0)), tags=list(row.get("tags", []))))
    return out


def summarize_{i}(records: list[Record{i}]) -> dict[str, int]:
    totals: dict[str, int] = {{}}
    for record in records:
        for tag in record.tags or ["untagged"]:
            totals[tag] = totals.get(tag, 0) + record.value
    return totals
'''

_MENTION = '''\
"""Docs helper {i}: explains how we call openai.chat.completions.create elsewhere (not here)."""

NOTE = "client.messages.create is documented in anthropic's SDK"


def describe_{i}() -> str:
    # from openai import OpenAI  <- a comment, not an import
    return NOTE
'''

_LOOKALIKE = '''\
from twilio.rest import Client


def notify_{i}(to: str, body: str) -> None:
    Client().messages.create(to=to, from_="+100", body=body)
'''

_OPENAI = '''\
from openai import AsyncOpenAI, OpenAI

client = OpenAI()
aclient = AsyncOpenAI()


def ask_{i}(question: str) -> str:
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{{"role": "user", "content": question}}])
    return reply.choices[0].message.content or ""


async def stream_{i}(question: str):
    stream = await aclient.chat.completions.create(
        model="gpt-4o-mini", messages=[{{"role": "user", "content": question}}], stream=True
    )
    async for chunk in stream:
        yield chunk
'''

_ANTHROPIC = '''\
import anthropic


class Bot{i}:
    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    def answer(self, text: str) -> str:
        message = self.client.messages.create(
            model="claude-3-5-haiku-latest", max_tokens=256, messages=[{{"role": "user", "content": text}}]
        )
        return message.content[0].text
'''


def generate_tree(root: Path, files: int = 2000, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    llm_files = sites = 0
    areas = ["billing", "search", "users", "reports", "jobs", "auth", "storage", "notify"]
    for i in range(files):
        area = areas[i % len(areas)]
        folder = root / area / f"pkg{i // 100}"
        folder.mkdir(parents=True, exist_ok=True)
        roll = rng.random()
        if roll < 0.03:
            text, n = _OPENAI.format(i=i), 2
        elif roll < 0.05:
            text, n = _ANTHROPIC.format(i=i), 1
        elif roll < 0.08:
            text, n = _MENTION.format(i=i), 0
        elif roll < 0.10:
            text, n = _LOOKALIKE.format(i=i), 0
        else:
            text, n = _PLAIN.format(i=i, area=area), 0
        if n:
            llm_files += 1
            sites += n
        (folder / f"mod_{i}.py").write_text(text, encoding="utf-8")
    return {"files": files, "llm_files": llm_files, "sites": sites}
