"""`amplitude-ai doctor` / `status` through the real dispatcher and as subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from amplitude_ai.cli import main as cli


def test_doctor_healthy_json(capsys):
    assert cli(["doctor", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True
    names = [c["name"] for c in data["checks"]]
    assert names == ["environment", "dependencies", "mock capture", "mock flush", "redaction"]
    by = {c["name"]: c for c in data["checks"]}
    assert "received 1 event" in by["mock flush"]["detail"]
    assert "openai" in by["dependencies"]["detail"]
    assert "@example.com" not in by["redaction"]["detail"]
    assert all(c["fix"] is None for c in data["checks"])


def test_doctor_text_output(capsys):
    assert cli(["doctor"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "healthy"
    assert all(line.startswith("ok   ") for line in out[:-1])


def test_doctor_reports_a_broken_dependency_with_a_fix(tmp_path):
    (tmp_path / "genai_prices.py").write_text("raise ImportError('broken install')\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMPLITUDE_AI_")}
    env["PYTHONPATH"] = str(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "amplitude_ai.cli", "doctor"], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAIL dependencies: missing genai_prices" in proc.stdout
    assert "fix: pip install --force-reinstall amplitude-ai" in proc.stdout
    assert proc.stdout.rstrip().endswith("problems found")
    assert "Traceback" not in proc.stderr


def test_doctor_bad_flag_is_usage_error():
    assert cli(["doctor", "--nope"]) == 2


def test_status_json_masks_the_key(capsys, monkeypatch):
    monkeypatch.setenv("AMPLITUDE_AI_API_KEY", "super-secret")
    monkeypatch.setenv("AMPLITUDE_AI_CONTENT_MODE", "metadata_only")
    assert cli(["status", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["api_key_set"] is True
    assert data["environment"]["AMPLITUDE_AI_API_KEY"] == "***"
    assert data["content_mode"] == "metadata_only"
    assert "openai" in data["providers_installed"]
    assert data["providers_patched"] == []


def test_status_text(capsys):
    assert cli(["status"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("amplitude-ai ")
    assert "API key: not set (dry-run)" in out
