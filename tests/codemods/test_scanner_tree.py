"""scan_paths over trees: walking, skipping, errors, JSON shape, determinism, linking, caching."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amplitude_ai.codemods import scanner
from amplitude_ai.codemods.api import scan_project, validate_file
from amplitude_ai.codemods.scanner import scan_paths, scan_source

FIXTURES = Path(__file__).parent / "fixtures" / "scanner"
CALL = 'import openai\n\nopenai.chat.completions.create(model="m", messages=[])\n'


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
    return root


def test_syntax_error_is_reported_without_traceback() -> None:
    text = (FIXTURES / "syntax_error.py").read_text()
    report = scan_source(text, "syntax_error.py")
    assert report.error is not None
    assert report.error.startswith("does not parse: line 3")
    assert "Traceback" not in report.error and "\n" not in report.error
    assert report.call_sites == []


def test_tree_with_broken_binary_and_huge_files(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "ok.py": CALL,
            "broken.py": "import openai\ndef f(:\n",
            "blob.py": b"\x00\x01\x02import openai",
            "huge.py": "import openai\n" + "#" * (scanner.skip_reason.__globals__["MAX_BYTES"] + 10),
        },
    )
    report = scan_paths([tmp_path])
    assert [s.path for s in report.call_sites] == ["ok.py"]
    assert report.errors == [{"path": "broken.py", "message": report.errors[0]["message"]}]
    assert "does not parse" in report.errors[0]["message"]
    reasons = {s["path"]: s["reason"] for s in report.skipped}
    assert "binary" in reasons["blob.py"] and "larger" in reasons["huge.py"]


def test_walk_skips_venvs_build_and_excludes(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/main.py": CALL,
            "app/generated/gen.py": CALL,
            "legacy/old.py": CALL,
            ".venv/lib/x.py": CALL,
            "venv/x.py": CALL,
            "env/x.py": CALL,
            "customenv/pyvenv.cfg": "home = /usr\n",
            "customenv/lib/x.py": CALL,
            "build/lib/x.py": CALL,
            "dist/x.py": CALL,
            "node_modules/pkg/x.py": CALL,
            ".git/hooks/x.py": CALL,
            ".tox/py/x.py": CALL,
            "__pycache__/x.py": CALL,
            "lib/site-packages/x.py": CALL,
        },
    )
    report = scan_paths([tmp_path], exclude=["legacy", "*/generated/*"])
    assert [f.path for f in report.files] == ["app/main.py"]
    assert report.files_scanned == 1


def test_explicit_files_and_common_root(tmp_path: Path) -> None:
    write(tmp_path, {"a/one.py": CALL, "b/two.py": CALL})
    report = scan_paths([tmp_path / "a" / "one.py", tmp_path / "b" / "two.py"])
    assert report.root == str(tmp_path)
    assert [s.path for s in report.call_sites] == ["a/one.py", "b/two.py"]


def test_project_json_shape(tmp_path: Path) -> None:
    write(tmp_path, {"svc/chat.py": CALL})
    data = scan_project(tmp_path)
    json.dumps(data)
    for key in ("root", "frameworks", "providers", "clients", "handlers", "agents", "recommendations", "call_sites",
                "summary", "errors"):
        assert key in data
    site = data["call_sites"][0]
    assert {k: site[k] for k in ("path", "line", "column", "provider", "api", "async", "streaming", "instrumented",
                                 "in_session")} == {
        "path": "svc/chat.py", "line": 3, "column": 1, "provider": "openai", "api": "chat.completions.create",
        "async": False, "streaming": False, "instrumented": False, "in_session": False,
    }
    assert data["providers"] == ["openai"]
    assert data["summary"]["call_sites"] == 1 and data["summary"]["instrumented_pct"] == 0.0
    assert any("fix" in r for r in data["recommendations"])


def test_process_pool_gives_the_same_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"pkg/m{i:03d}.py": CALL if i % 3 else "import os\n" for i in range(60)}
    files["pkg/llm.py"] = "from anthropic import Anthropic\nclient = Anthropic()\n"
    files["pkg/use.py"] = "from pkg.llm import client\nclient.messages.create(model='m', max_tokens=1, messages=[])\n"
    write(tmp_path, files)
    monkeypatch.setattr(scanner, "PARALLEL_THRESHOLD", 4)
    scanner.clear_cache()
    serial = scan_paths([tmp_path], jobs=1).to_dict()
    scanner.clear_cache()
    parallel = scan_paths([tmp_path], jobs=2).to_dict()
    assert serial == parallel
    assert len(serial["call_sites"]) == 41
    assert [s["path"] for s in serial["call_sites"]] == sorted(s["path"] for s in serial["call_sites"])
    assert {s["provider"] for s in serial["call_sites"] if s["path"] == "pkg/use.py"} == {"anthropic"}


def test_cache_rescans_changed_files(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": CALL})
    scanner.clear_cache()
    assert len(scan_paths([tmp_path]).call_sites) == 1
    first = scan_paths([tmp_path])
    first.call_sites[0].instrumented = True  # mutating a result must not leak into the cache
    assert scan_paths([tmp_path]).call_sites[0].instrumented is False
    (tmp_path / "a.py").write_text(CALL + CALL.splitlines()[-1] + "\n")
    assert len(scan_paths([tmp_path]).call_sites) == 2


def test_validate_file_follows_project_imports(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname='x'\n",
            "amplitude_setup.py": "from amplitude_ai import AmplitudeAI, OpenAI\nai = AmplitudeAI()\n",
            "app/__init__.py": "",
            "app/chat.py": "from amplitude_setup import OpenAI\nc = OpenAI()\nc.responses.create(model='m', input='x')\n",
        },
    )
    result = validate_file(tmp_path / "app" / "chat.py")
    assert [(s["line"], s["instrumented"], s["status"]) for s in result["call_sites"]] == [
        (3, True, "instrumented, no session")
    ]
    assert result["call_sites"][0]["next_steps"]
    inline = validate_file(source="from openai import OpenAI\nOpenAI().embeddings.create(model='e', input='x')\n")
    assert inline["file_path"] is None
    assert [(s["api"], s["status"]) for s in inline["call_sites"]] == [("embeddings.create", "not instrumented")]
    broken = validate_file(source="def f(:\n")
    assert broken["error"] and broken["call_sites"] == []


def test_unicode_columns_are_characters() -> None:
    text = 'import openai\nx = "héllo"; openai.chat.completions.create(model="m")\n'
    (site,) = scan_source(text, "u.py").call_sites
    assert (site.line, site.column) == (2, text.splitlines()[1].index("openai") + 1)


def test_position_fallback_matches_ast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (FIXTURES / "handlers_fastapi.py").read_text()
    fast = scan_source(text, "h.py")
    monkeypatch.setattr(scanner, "ast_ranges", lambda *a, **k: None)
    slow = scan_source(text, "h.py")
    assert [(s.line, s.column, s.end_line) for s in fast.call_sites] == [(s.line, s.column, s.end_line) for s in slow.call_sites]
    assert [(c.line, c.column) for c in fast.clients] == [(c.line, c.column) for c in slow.clients]
    assert [(h.line, h.column, h.decorator_line, h.body_line) for h in fast.handlers] == [
        (h.line, h.column, h.decorator_line, h.body_line) for h in slow.handlers
    ]
    assert [(a.line, a.end_line) for a in fast.apps] == [(a.line, a.end_line) for a in slow.apps]
