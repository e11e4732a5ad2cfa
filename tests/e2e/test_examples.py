"""End to end over examples/: the engine reproduces instrumented/, the generated verify test
passes there and fails on original/ naming the site, and the instrumented app's events reach a
real amplitude-analytics client pointed at the loopback ``ingest`` server."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
spec = importlib.util.spec_from_file_location("examples_build", EXAMPLES / "build.py")
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)

NAMES = [p.name for p in build.examples()]
# one call site per example that must be named when the original is checked
FIRST_SITE = {
    "support_chat": "support_chat/llm.py:23 openai chat.completions.create",
    "release_notes_cli": "release_notes/writer.py:21 anthropic messages.create",
    "research_agents": "research_agents/agents.py:12 openai chat.completions.create",
}


def _pytest(app: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMPLITUDE_AI_", "PYTEST_"))}
    env["PYTHONPATH"] = str(app)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "tests"],
        cwd=app, env=env, capture_output=True, text=True, timeout=120,
    )


def test_three_examples_exist():
    assert set(FIRST_SITE) <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_engine_reproduces_instrumented(name, tmp_path):
    built = tmp_path / "instrumented"
    build.build(EXAMPLES / name, built)
    assert build.differences(built, EXAMPLES / name / "instrumented") == [], "run `python examples/build.py`"


@pytest.mark.parametrize("name", NAMES)
def test_verify_test_passes_on_instrumented_fails_on_original(name, tmp_path):
    app = tmp_path / "instrumented"
    shutil.copytree(EXAMPLES / name / "instrumented", app, ignore=build.IGNORE)
    ok = _pytest(app)
    assert ok.returncode == 0, ok.stdout[-3000:] + ok.stderr[-2000:]
    assert " passed" in ok.stdout

    from amplitude_ai.codemods.verify import generate_verify_test

    original = tmp_path / "original"
    shutil.copytree(EXAMPLES / name / "original", original, ignore=build.IGNORE)
    from amplitude_ai.codemods.api import scan

    labels = [f"{s.path}:{s.line} {s.provider} {s.api}" for s in scan(original).call_sites]
    assert any(label.startswith(FIRST_SITE[name].split(":")[0]) for label in labels)
    generate_verify_test(original, write=True)
    bad = _pytest(original)
    assert bad.returncode == 1, bad.stdout[-3000:]
    for label in labels:  # every uninstrumented site is named with its not-instrumented verdict
        assert f"{label}: the provider was called" in bad.stdout, (label, bad.stdout[-3000:])
