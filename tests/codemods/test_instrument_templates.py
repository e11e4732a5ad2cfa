"""templates/: render() and the files it produces (bootstrap module, .env example, pre-commit)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from amplitude_ai.templates import render, template_names


def test_ships_templates() -> None:
    assert {"bootstrap.py.j2", "env.example.j2", "pre-commit-config.yaml.j2"} <= set(template_names())


def test_unknown_template_and_missing_variable() -> None:
    with pytest.raises(LookupError):
        render("nope")
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        render("bootstrap.py")  # agent_id is required


def test_bootstrap_quotes_agent_id_safely() -> None:
    text = render("bootstrap.py", agent_id='bot"; import os; os.system("x") #')
    compile(text, "amplitude_setup.py", "exec")
    assert 'agent = ai.agent("bot\\"; import os; os.system(\\"x\\") #")' in text


def test_import_amplitude_ai_does_not_load_jinja2() -> None:
    code = "import sys, amplitude_ai; print('jinja2' in sys.modules, 'libcst' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_env_example_and_precommit_snippet() -> None:
    env = render("env.example")
    assert "AMPLITUDE_AI_API_KEY=\n" in env
    yaml = render("pre-commit-config.yaml", rev="v0.1.0", with_fix=True)
    assert "id: amplitude-ai-check" in yaml and "id: amplitude-ai-fix" in yaml and "rev: v0.1.0" in yaml
    assert "amplitude-ai-fix" not in render("pre-commit-config.yaml", rev="v1")


def _run_bootstrap(tmp_path: Path, env_extra: dict[str, str]) -> dict:
    (tmp_path / "amplitude_setup.py").write_text(render("bootstrap.py", agent_id="support-bot"))
    probe = "import json\nfrom amplitude_setup import ai, agent\nprint(json.dumps(ai.status()))\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMPLITUDE_AI_")}
    env.update(env_extra)
    proc = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_bootstrap_without_key_is_dry_run_with_debug(tmp_path: Path) -> None:
    status = _run_bootstrap(tmp_path, {})
    assert status["dry_run"] is True and status["debug"] is True


def test_bootstrap_with_key_sends(tmp_path: Path) -> None:
    status = _run_bootstrap(tmp_path, {"AMPLITUDE_AI_API_KEY": "k-test", "AMPLITUDE_AI_SERVER_URL": "http://127.0.0.1:9"})
    assert status["dry_run"] is False
