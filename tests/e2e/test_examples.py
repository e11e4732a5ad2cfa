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


def _env(app: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMPLITUDE_AI_", "PYTEST_"))}
    env["PYTHONPATH"] = str(app)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the generated test needs no plugin: prove it
    return env


def _start_pytest(app: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=app, env=_env(app), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


@pytest.fixture(scope="module")
def verify_runs(tmp_path_factory):
    """Every example's generated verify test, run (in parallel subprocesses) on a copy of
    instrumented/ (the committed test) and of original/ (a test generated for it)."""
    from amplitude_ai.codemods.api import scan
    from amplitude_ai.codemods.verify import generate_verify_test

    procs, labels = {}, {}
    for name in NAMES:
        base = tmp_path_factory.mktemp(name)
        inst, orig = base / "instrumented", base / "original"
        shutil.copytree(EXAMPLES / name / "instrumented", inst, ignore=build.IGNORE)
        shutil.copytree(EXAMPLES / name / "original", orig, ignore=build.IGNORE)
        labels[name] = [f"{s.path}:{s.line} {s.provider} {s.api}" for s in scan(orig).call_sites]
        generate_verify_test(orig, write=True)
        procs[(name, "instrumented")] = _start_pytest(inst)
        procs[(name, "original")] = _start_pytest(orig)
    results = {}
    for key, proc in procs.items():
        out, _ = proc.communicate(timeout=300)
        results[key] = (proc.returncode, out)
    return results, labels


def test_three_examples_exist():
    assert set(FIRST_SITE) <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_engine_reproduces_instrumented(name, tmp_path):
    built = tmp_path / "instrumented"
    build.build(EXAMPLES / name, built)
    assert build.differences(built, EXAMPLES / name / "instrumented") == [], "run `python examples/build.py`"


@pytest.mark.parametrize("name", NAMES)
def test_verify_test_passes_on_instrumented(name, verify_runs):
    code, out = verify_runs[0][(name, "instrumented")]
    assert code == 0, out[-4000:]
    assert " passed" in out and " failed" not in out


@pytest.mark.parametrize("name", NAMES)
def test_verify_test_fails_on_original_naming_each_site(name, verify_runs):
    code, out = verify_runs[0][(name, "original")]
    labels = verify_runs[1][name]
    assert any(label.startswith(FIRST_SITE[name].split(":")[0]) for label in labels)
    assert code == 1, out[-4000:]
    for label in labels:  # every uninstrumented site is named, with the not-instrumented verdict
        assert f"{label}: the provider was called" in out, (label, out[-4000:])
    assert "not instrumented" in out
