"""``import amplitude_ai`` loads none of the optional or heavy packages."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["libcst", "jinja2", "mcp", "openai", "anthropic", "google.genai", "mistralai", "boto3", "botocore", "genai_prices"]


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    modules = set(json.loads(out))
    return [name for name in HEAVY if name in modules]


def test_import_is_lean():
    assert _loaded_after("import amplitude_ai") == []


def test_tracking_with_the_mock_stays_lean():
    code = (
        "from amplitude_ai import MockAmplitudeAI\n"
        "m = MockAmplitudeAI()\n"
        "with m.agent('a').session(user_id='u1') as s:\n"
        "    s.track_user_message('hi')\n"
        "    s.track_tool_call('t', latency_ms=1.0, success=True)\n"
    )
    assert _loaded_after(code) == []


def test_import_does_not_load_amplitude_analytics():
    out = subprocess.run(
        [sys.executable, "-c", "import amplitude_ai, sys; print('amplitude' in sys.modules)"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert out == "False"
