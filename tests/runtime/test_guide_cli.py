"""The guide (amplitude-ai.md) as printed by the CLI and served over MCP, and a drift test:
every MCP tool, parameter, resource, CLI command, flag, console script, hook id, environment
variable and API name the guide mentions exists — so the guide cannot fall out of step."""

from __future__ import annotations

import contextlib
import io
import json
import re
import tomllib
from pathlib import Path


import amplitude_ai
from amplitude_ai import guide
from amplitude_ai.cli import COMMANDS
from amplitude_ai.cli import main as cli

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "amplitude-ai.md").read_text(encoding="utf-8")
SCHEMA = json.loads((ROOT / "mcp.schema.json").read_text())
TOOLS = {t["name"]: t for t in SCHEMA["tools"]}
PROMPTS = {p["name"]: p for p in SCHEMA["prompts"]}
SCRIPTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
HOOKS = set(re.findall(r"^- id: (\S+)", (ROOT / ".pre-commit-hooks.yaml").read_text(), re.M))
CODE = re.findall(r"`([^`\n]+)`", GUIDE)


def test_no_arguments_prints_the_prompt(capsys):
    assert cli([]) == 0
    out = capsys.readouterr().out
    assert str(guide.guide_path()) in out and "amplitude-ai mcp" in out


def test_print_guide_prints_the_shipped_file(capsys):
    assert cli(["--print-guide"]) == 0
    assert capsys.readouterr().out == GUIDE
    assert guide.guide_path().resolve() == (ROOT / "amplitude-ai.md").resolve()


def test_mcp_resource_serves_the_guide():
    import anyio
    from mcp import Client

    from amplitude_ai.mcp.server import build_server

    async def read():
        async with Client(build_server()) as client:
            result = await client.read_resource("amplitude-ai://instrument-guide")
            return result.contents[0].text

    assert anyio.run(read) == GUIDE


def _calls() -> list[tuple[str, list[str]]]:
    """``name(a, b=None)`` spans whose snake_case name has an underscore (tools and prompts)."""
    found = []
    for span in CODE:
        for m in re.finditer(r"(?:^|,\s)([a-z]+_[a-z_]+)\(([^()]*)\)", span):
            params = [p.split("=")[0].strip() for p in m.group(2).split(",") if p.strip()]
            found.append((m.group(1), params))
    return found


def test_every_mcp_tool_and_parameter_named_exists():
    calls = _calls()
    assert len(calls) >= 10
    for name, params in calls:
        if name in PROMPTS:
            assert set(params) <= {a["name"] for a in PROMPTS[name].get("arguments", [])}, name
            continue
        assert name in TOOLS, f"the guide names an MCP tool that does not exist: {name}"
        props = TOOLS[name]["inputSchema"].get("properties", {})
        for p in params:
            assert p in props, f"{name}: no parameter {p!r} (has {sorted(props)})"


def test_every_mcp_tool_and_resource_is_in_the_guide():
    named = {name for name, _ in _calls()}
    assert set(TOOLS) <= named, sorted(set(TOOLS) - named)
    for resource in SCHEMA["resources"]:
        assert resource["uri"] in GUIDE
    for uri in re.findall(r"amplitude-ai://[a-z-]+", GUIDE):
        assert uri in {r["uri"] for r in SCHEMA["resources"]}


def _help(argv: list[str], main) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        main(argv)
    return out.getvalue()


def test_every_cli_command_and_flag_exists():
    seen = 0
    for span in CODE:
        for m in re.finditer(r"\bamplitude-ai(-[a-z-]+)?((?: +[^ `]+)*)", span):
            script, rest = m.group(1), m.group(2).split()
            if script:
                if f"amplitude-ai{script}" in HOOKS:
                    continue
                assert f"amplitude-ai{script}" in SCRIPTS, span
                if script == "-register-catalog":
                    from amplitude_ai.catalog_cli import main as reg

                    text = _help(["--help"], reg)
                    assert all(f in text for f in rest if f.startswith("--")), span
                continue
            if not rest:
                continue
            head = rest[0]
            if head.startswith("--"):
                assert head in ("--print-guide", "--help", "--version"), span
                continue
            assert head in COMMANDS, f"the guide names a CLI command that does not exist: {head}"
            seen += 1
            text = _help([head, "--help"], cli)
            for flag in rest[1:]:
                if flag.startswith("-"):
                    assert re.search(rf"(?<![\w-]){re.escape(flag)}\b", text), f"{span}: {flag} not in `amplitude-ai {head} --help`"
    assert seen >= 8


def test_bootstrap_middleware_and_session_lines_match_the_engine():
    from amplitude_ai.codemods.instrument import DEFAULT_BOOTSTRAP_MODULE, instrument_source

    assert f"`{DEFAULT_BOOTSTRAP_MODULE}.py`" in GUIDE
    src = (
        "from fastapi import FastAPI\nfrom openai import OpenAI\n\napp = FastAPI()\nclient = OpenAI()\n\n"
        "@app.post('/x')\ndef x():\n    return client.chat.completions.create(model='m', messages=[])\n"
    )
    new = instrument_source(src, "/tmp/app.py").new_source
    line = next(l for l in new.splitlines() if "add_middleware" in l)
    assert f"`{line.strip()}`" in GUIDE
    assert "`OpenAI(amplitude=ai, ...)`" in GUIDE and "client = OpenAI(amplitude=ai)" in new
    flask = "from flask import Flask\nfrom openai import OpenAI\napp = Flask(__name__)\nclient = OpenAI()\n\n@app.get('/x')\ndef x():\n    return client.chat.completions.create(model='m', messages=[])\n"
    assert 'user_id="TODO-user-id"' in instrument_source(flask, "/tmp/f.py").new_source
    assert '`user_id="TODO-user-id"`' in GUIDE and "TODO(amplitude-ai)" in GUIDE


def test_api_names_hooks_and_environment_exist():
    from amplitude_ai import config
    from amplitude_ai.codemods.instrument import SWAPPABLE

    for name in ("OpenAI", "AsyncOpenAI", "AzureOpenAI", "AsyncAzureOpenAI", "Anthropic", "AsyncAnthropic",
                 "Mistral", "Gemini", "AmplitudeAIMiddleware", "MockAmplitudeAI", "AIConfig", "ContentMode", "wrap"):
        assert re.search(rf"\b{name}\b", GUIDE) and name in amplitude_ai.__all__, name
    assert {w for w in SWAPPABLE.values()} <= set(amplitude_ai.__all__)
    for mode in config.ContentMode:
        assert f"`{mode.value}`" in GUIDE
    env = {getattr(config, n) for n in dir(config) if n.startswith("ENV_")}
    assert set(re.findall(r"AMPLITUDE_AI_[A-Z_]+", GUIDE)) <= env
    assert {"amplitude-ai-check", "amplitude-ai-fix"} <= HOOKS
    assert "`amplitude-ai-check`" in GUIDE and "`amplitude-ai-fix`" in GUIDE
    from amplitude_ai import catalog

    for event in re.findall(r"`(\[Agent\] [A-Za-z ]+)`", GUIDE):
        assert event in catalog.get_event_schema()["events"], event


def test_api_snippet_runs_against_the_mock():
    """The 'API in one screen' block, with the network client swapped for MockAmplitudeAI."""
    block = GUIDE.split("```python\n", 1)[1].split("```", 1)[0]
    from types import SimpleNamespace

    from amplitude_ai import MockAmplitudeAI
    from amplitude_ai.verify_support import stub_providers

    code = block.replace('AmplitudeAI(api_key="...", config=', "MockAmplitudeAI(config=")
    scope = {"MockAmplitudeAI": MockAmplitudeAI, "user": SimpleNamespace(id="user-0001"),
             "thread": SimpleNamespace(id="thread-1"), "text": "hi", "messages": [{"role": "user", "content": "hi"}],
             "message_id": "m1"}
    with stub_providers():
        exec(compile(code, "amplitude-ai.md", "exec"), scope)
    types = [e["event_type"] for e in scope["ai"].events]
    assert "[Agent] AI Response" in types and types[-1] == "[Agent] Session End"
