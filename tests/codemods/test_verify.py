"""generate_verify_test / `amplitude-ai verify-test`: what it renders from the scanner's report,
and that the rendered test passes on a fixed project and fails on the original."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path


from amplitude_ai.codemods.verify import generate_verify_test, main

FLASK_APP = '''\
"""Ask endpoint backed by Mistral."""

from flask import Flask, jsonify, request
from mistralai.client import Mistral

app = Flask(__name__)
client = Mistral()


@app.post("/ask")
def ask():
    data = request.get_json(silent=True) or {}
    reply = client.chat.complete(
        model="mistral-small-latest",
        messages=[{"role": "user", "content": data.get("message", "")}],
    )
    return jsonify(answer=reply.choices[0].message.content)
'''

MODULE_LEVEL = '''\
import anthropic

client = anthropic.Anthropic()
WELCOME = client.messages.create(model="claude-3-5-haiku-latest", max_tokens=5, messages=[])


def make():
    local = anthropic.Anthropic()
    return local.messages.create(model="claude-3-5-haiku-latest", max_tokens=5, messages=[])
'''


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "proj"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _run_pytest(root: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMPLITUDE_AI_", "PYTEST_"))}
    env["PYTHONPATH"] = str(root)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the generated test needs no plugin: prove it
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=root, env=env, capture_output=True, text=True, timeout=180,
    )


def test_renders_sites_handlers_and_default_path(tmp_path):
    root = _project(tmp_path, {"svc/__init__.py": "", "svc/app.py": FLASK_APP})
    result = generate_verify_test(root)
    assert result["path"] == (root / "tests" / "test_amplitude_verify.py").as_posix()
    ast.parse(result["source"])
    assert "'label': 'svc/app.py:13 mistral chat.complete'" in result["source"]
    assert "'framework': 'flask'" in result["source"]
    assert not (root / "tests").exists()  # write=False writes nothing
    assert result["warnings"] == []


def test_warnings_name_what_cannot_be_driven(tmp_path):
    root = _project(tmp_path, {"mod.py": MODULE_LEVEL})
    warnings = generate_verify_test(root)["warnings"]
    assert "mod.py:4 anthropic messages.create: driven through its client (the call is not inside a function)" in warnings
    # the function-local client has a driveable function: no warning for it
    assert not any(w.startswith("mod.py:10") for w in warnings)


def test_empty_project_says_so(tmp_path):
    root = _project(tmp_path, {"a.py": "print('hi')\n"})
    assert "no LLM call sites found" in generate_verify_test(root)["warnings"][0]


def test_cli_writes_prints_and_rejects_bad_paths(tmp_path, capsys):
    root = _project(tmp_path, {"svc/__init__.py": "", "svc/app.py": FLASK_APP})
    out = tmp_path / "elsewhere" / "test_verify.py"
    assert main([str(root), "-o", str(out)]) == 0
    text = out.read_text()
    assert capsys.readouterr().out == f"wrote {out.as_posix()}\n"
    assert 'Path(__file__).resolve().parent / "../proj"' in text
    assert main([str(root), "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith('"""Amplitude AI verify test for proj')
    assert main([str(tmp_path / "missing")]) == 2
    assert "not a directory" in capsys.readouterr().err
    assert main([]) == 2


def test_flask_project_fails_before_fix_and_passes_after(tmp_path):
    from amplitude_ai.codemods.instrument import fix_paths

    root = _project(tmp_path, {"svc/__init__.py": "", "svc/app.py": FLASK_APP})
    fixed = tmp_path / "fixed"
    shutil.copytree(root, fixed)
    fix_paths([fixed], agent_id="ask-bot")
    generate_verify_test(root, write=True)
    generate_verify_test(fixed, write=True)

    before = _run_pytest(root)
    assert before.returncode == 1, before.stdout
    assert "svc/app.py:13 mistral chat.complete: the provider was called 1 time(s) but 0 [Agent] AI Response" in before.stdout

    after = _run_pytest(fixed)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "2 passed" in after.stdout  # the call site (through its client) and the Flask route in a session


LAMBDA_APP = '''\
import json

from openai import OpenAI

client = OpenAI()


def lambda_handler(event, context):
    body = json.loads(event.get("body") or "{}")
    reply = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": body.get("message", "")}]
    )
    return {"statusCode": 200, "body": json.dumps({"answer": reply.choices[0].message.content})}
'''


def test_lambda_handler_is_invoked_and_needs_a_session_after_fix(tmp_path):
    from amplitude_ai.codemods.instrument import fix_paths

    root = _project(tmp_path, {"handler.py": LAMBDA_APP})
    assert "'kind': 'lambda'" in generate_verify_test(root)["source"]
    fixed = tmp_path / "fixed"
    shutil.copytree(root, fixed)
    fix_paths([fixed], agent_id="lambda-bot")
    generate_verify_test(root, write=True)
    generate_verify_test(fixed, write=True)
    before = _run_pytest(root)
    assert before.returncode == 1
    assert "handler.py:8 lambda lambda_handler: the provider was called 1 time(s)" in before.stdout
    after = _run_pytest(fixed)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "2 passed" in after.stdout
