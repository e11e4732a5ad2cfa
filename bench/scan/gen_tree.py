"""Deterministic synthetic project for the scan benchmark: N files, ``llm_share`` of them with
LLM code in assorted forms (aliases, attributes, factories, async, streams, handlers)."""

from __future__ import annotations

import random
from pathlib import Path

PLAIN = '''\
"""Module {i}: helpers for the {area} service."""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any

log = logging.getLogger(__name__)


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
            log.debug("skipping %r", row)
            continue
        out.append(Record{i}(name=row["name"], value=int(row.get("value", 0)), tags=list(row.get("tags", []))))
    return out


def summarize_{i}(records: list[Record{i}]) -> dict[str, int]:
    totals: dict[str, int] = {{}}
    for record in records:
        for tag in record.tags or ["untagged"]:
            totals[tag] = totals.get(tag, 0) + record.value
    return dict(sorted(totals.items()))


class Service{i}:
    def __init__(self, store: dict[str, Any] | None = None) -> None:
        self.store = store or {{}}

    def put(self, key: str, value: Any) -> None:
        self.store[key] = value

    def get(self, key: str, default: Any = None) -> Any:
        return self.store.get(key, default)
'''

LLM = [
    '''\
from openai import OpenAI as Client{i}

client = Client{i}()


def ask_{i}(q: str) -> str:
    r = client.chat.completions.create(model="gpt-4o", messages=[{{"role": "user", "content": q}}])
    return r.choices[0].message.content
''',
    '''\
import anthropic


class Bot{i}:
    def __init__(self):
        self.client = anthropic.AsyncAnthropic()

    async def ask(self, q):
        async with self.client.messages.stream(model="claude", max_tokens=100, messages=[q]) as s:
            return await s.get_final_message()
''',
    '''\
from fastapi import FastAPI
from openai import AsyncOpenAI

app = FastAPI()


def make_client():
    return AsyncOpenAI()


@app.post("/chat/{i}")
async def chat_{i}(body: dict, user_id: str):
    client = make_client()
    return await client.responses.create(model="gpt-4o", input=body["q"], stream=True)
''',
    '''\
import boto3
from google import genai

runtime = boto3.client("bedrock-runtime")
gem = genai.Client()


def lambda_handler(event, context):
    runtime.converse(modelId="m", messages=[])
    return gem.models.generate_content(model="gemini", contents=event["q"])
''',
    '''\
from mistralai import Mistral
import functools

m = Mistral(api_key="k")
complete = functools.partial(m.chat.complete, model="mistral-large")


def run_{i}(q):
    return m.chat.stream(model="mistral", messages=[q])
''',
]


def generate(root: Path, n_files: int = 2000, llm_share: float = 0.05, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    areas = ["billing", "search", "auth", "reports", "ingest", "notify"]
    n_llm = 0
    for i in range(n_files):
        pkg = root / f"pkg{i % 40}" / f"sub{i % 7}"
        pkg.mkdir(parents=True, exist_ok=True)
        (pkg / "__init__.py").touch()
        area = rng.choice(areas)
        text = PLAIN.format(i=i, area=area)
        if rng.random() < llm_share:
            text = LLM[n_llm % len(LLM)].format(i=i) + "\n\n" + text
            n_llm += 1
        (pkg / f"mod{i}.py").write_text(text)
    return {"files": n_files, "llm_files": n_llm}
