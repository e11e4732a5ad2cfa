"""``amplitude-ai doctor`` and ``amplitude-ai status``.

doctor runs five checks — environment, dependencies, a mock capture (``MockAmplitudeAI``), a
mock flush of a real amplitude-analytics client through a loopback ingestion server, a PII
redaction smoke test — and prints one line each (``--json``: a JSON object). Exit 0 when
every check passes, 1 otherwise; each failure carries a one-line fix.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
from typing import Any, Callable

PROVIDER_MODULES = (
    ("openai", "openai", "openai"),
    ("anthropic", "anthropic", "anthropic"),
    ("gemini", "google.genai", "gemini"),
    ("mistral", "mistralai", "mistral"),
    ("bedrock", "boto3", "bedrock"),
)


def _importable(module: str) -> bool:
    try:
        return module in sys.modules or importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _check(name: str, fn: Callable[[], tuple[bool, str, str]]) -> dict[str, Any]:
    try:
        ok, detail, fix = fn()
    except Exception as exc:  # a check that crashes is a failed check, never a traceback
        ok, detail, fix = False, f"{type(exc).__name__}: {exc}", "report this at the amplitude-ai issue tracker"
    return {"name": name, "ok": ok, "detail": detail, "fix": None if ok else fix}


def _environment() -> tuple[bool, str, str]:
    from ._version import __version__
    from .config import AIConfig

    ok = sys.version_info >= (3, 9)
    key = "set" if os.environ.get("AMPLITUDE_AI_API_KEY") else "not set (dry-run)"
    mode = AIConfig.from_env().content_mode.value
    detail = f"Python {platform.python_version()}, amplitude-ai {__version__}, AMPLITUDE_AI_API_KEY {key}, content mode {mode}"
    return ok, detail, "use Python 3.9 or newer"


def _imports(module: str) -> bool:
    try:
        __import__(module)
        return True
    except Exception:
        return False


def _dependencies() -> tuple[bool, str, str]:
    missing = [m for m in ("amplitude", "genai_prices") if not _imports(m)]
    providers = [name for name, module, _ in PROVIDER_MODULES if _importable(module)]
    extras = [m for m in ("libcst", "jinja2", "mcp") if _importable(m)]
    detail = f"providers: {', '.join(providers) or 'none'}; instrument extra: {', '.join(extras) or 'not installed'}"
    if missing:
        return False, f"missing {', '.join(missing)}; {detail}", "pip install --force-reinstall amplitude-ai"
    return True, detail, ""


def _mock_capture() -> tuple[bool, str, str]:
    from .testing import MockAmplitudeAI

    ai = MockAmplitudeAI()
    with ai.agent("doctor").session(user_id="doctor-user") as s:
        s.track_user_message("hello")
        s.track_ai_message("hi", model="gpt-4o-mini", provider="openai", latency_ms=1, input_tokens=3, output_tokens=2)
    types = [e["event_type"] for e in ai.events]
    ok = types == ["[Agent] User Message", "[Agent] AI Response", "[Agent] Session End"]
    return ok, f"{len(types)} events: {', '.join(types)}", "the event pipeline is broken: reinstall amplitude-ai"


def _mock_flush() -> tuple[bool, str, str]:
    from .client import AmplitudeAI
    from .config import AIConfig
    from .verify_support import EventCapture

    capture = EventCapture().start()
    try:
        ai = AmplitudeAI(api_key="doctor-key", server_url=capture.url, config=AIConfig())
        ai.agent("doctor").track_user_message("ping", user_id="doctor-user", session_id="doctor-session")
        ai.flush().wait(10)
        with capture._lock:
            received = list(capture._events)
        try:
            ai.shutdown()
        except Exception:
            pass
    finally:
        capture.stop()
    ok = any(e.get("event_type") == "[Agent] User Message" for e in received)
    return ok, f"loopback server received {len(received)} event(s)", "amplitude-analytics could not send: check `pip show amplitude-analytics`"


def _redaction() -> tuple[bool, str, str]:
    from .core.privacy import Redactor

    text = "mail jane.doe@example.com or call 415-555-0132"
    out = Redactor(redact_pii=True).redact(text)
    ok = "jane.doe@example.com" not in out and "415-555-0132" not in out
    return ok, out, "PII redaction is not working: reinstall amplitude-ai"


CHECKS = (
    ("environment", _environment),
    ("dependencies", _dependencies),
    ("mock capture", _mock_capture),
    ("mock flush", _mock_flush),
    ("redaction", _redaction),
)


def run_checks() -> list[dict[str, Any]]:
    return [_check(name, fn) for name, fn in CHECKS]


def _json_flag(prog: str, description: str, argv: list[str] | None) -> bool | int:
    """``--json`` given (bool), or the exit code when argparse stopped (``--help``: 0, bad usage: 2)."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    try:
        return bool(parser.parse_args(argv).json)
    except SystemExit as exc:
        return 2 if exc.code else 0


def doctor_main(argv: list[str] | None = None) -> int:
    as_json = _json_flag("amplitude-ai doctor", "Check the environment and the event pipeline.", argv)
    if type(as_json) is int:
        return as_json
    results = run_checks()
    healthy = all(r["ok"] for r in results)
    if as_json:
        print(json.dumps({"ok": healthy, "checks": results}, indent=2))
    else:
        for r in results:
            print(f"{'ok  ' if r['ok'] else 'FAIL'} {r['name']}: {r['detail']}")
            if not r["ok"]:
                print(f"     fix: {r['fix']}")
        print("healthy" if healthy else "problems found")
    return 0 if healthy else 1


def status_data() -> dict[str, Any]:
    from ._version import __version__
    from .client import AmplitudeAI
    from .config import AIConfig

    env = {k: ("***" if k == "AMPLITUDE_AI_API_KEY" else v) for k, v in sorted(os.environ.items()) if k.startswith("AMPLITUDE_AI_")}
    ai = AmplitudeAI(config=AIConfig(dry_run=True))  # never sends; reads the same configuration code paths
    status = ai.status()
    return {
        "version": __version__,
        "python": platform.python_version(),
        "providers_installed": status["providers_available"],
        "providers_patched": status["patched_providers"],
        "content_mode": AIConfig.from_env().content_mode.value,
        "api_key_set": bool(os.environ.get("AMPLITUDE_AI_API_KEY")),
        "environment": env,
    }


def status_main(argv: list[str] | None = None) -> int:
    as_json = _json_flag("amplitude-ai status", "SDK version, providers and configuration.", argv)
    if type(as_json) is int:
        return as_json
    data = status_data()
    if as_json:
        print(json.dumps(data, indent=2))
        return 0
    print(f"amplitude-ai {data['version']} (Python {data['python']})")
    print(f"providers installed: {', '.join(data['providers_installed']) or 'none'}")
    print(f"providers patched:   {', '.join(data['providers_patched']) or 'none'}")
    print(f"content mode: {data['content_mode']}; API key: {'set' if data['api_key_set'] else 'not set (dry-run)'}")
    for key, value in data["environment"].items():
        print(f"  {key}={value}")
    return 0
