"""The code ``fix`` writes runs: clients are the runtime's wrappers bound to the bootstrap's
``ai``, the FastAPI middleware line and the Flask session block work on a real request.
Runs in a subprocess (dry-run: no key, nothing sent; no provider is called)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from amplitude_ai.codemods.instrument import fix_paths

CLIENTS = '''\
import boto3
import anthropic
from google import genai
from mistralai.client import Mistral
from openai import AsyncOpenAI, OpenAI

oa = OpenAI(api_key="sk-test")
aoa = AsyncOpenAI(api_key="sk-test")
an = anthropic.Anthropic(api_key="k")
gm = genai.Client(api_key="k")
mi = Mistral(api_key="k")
br = boto3.client("bedrock-runtime", region_name="us-east-1")


def ask(q):
    return oa.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])
'''

WEB = '''\
from fastapi import FastAPI
from flask import Flask, request

from clients import oa

api = FastAPI()
web = Flask(__name__)


@api.get("/")
def home():
    return {"ok": True}


@web.get("/")
def page():
    if request.args.get("llm"):
        oa.chat.completions.create(model="gpt-4o", messages=[])
    return "ok"
'''

PROBE = '''\
import json
import amplitude_ai
import clients, web
from amplitude_setup import ai
from fastapi.testclient import TestClient

kinds = {name: type(getattr(clients, name)).__module__.split(".")[0] for name in ("oa", "aoa", "an", "gm", "mi", "br")}
wrapped = {
    "oa": isinstance(clients.oa, amplitude_ai.OpenAI),
    "aoa": isinstance(clients.aoa, amplitude_ai.AsyncOpenAI),
    "an": isinstance(clients.an, amplitude_ai.Anthropic),
    "gm": isinstance(clients.gm, amplitude_ai.Gemini),
    "mi": isinstance(clients.mi, amplitude_ai.Mistral),
}
fastapi_status = TestClient(web.api).get("/").status_code
flask_status = web.web.test_client().get("/").status_code
print(json.dumps({"kinds": kinds, "wrapped": wrapped, "fastapi": fastapi_status, "flask": flask_status}))
'''


def test_fixed_project_runs(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "clients.py").write_text(CLIENTS)
    (tmp_path / "web.py").write_text(WEB)
    result = fix_paths([tmp_path], root=tmp_path, agent_id="demo-bot")
    assert not result.errors, [f.error for f in result.errors]
    web = (tmp_path / "web.py").read_text()
    assert "api.add_middleware(AmplitudeAIMiddleware, amplitude_ai=ai, agent=agent)" in web
    assert 'with agent.session(user_id="TODO-user-id")' in web
    assert "wrap(boto3.client(" in (tmp_path / "clients.py").read_text()

    env = {k: v for k, v in os.environ.items() if not k.startswith("AMPLITUDE_AI_")}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    assert all(data["wrapped"].values()), data
    assert data["fastapi"] == 200 and data["flask"] == 200
