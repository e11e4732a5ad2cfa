"""Fixture-driven scanner tests: each fixture states what it expects in trailing comments.

``# expect: COL PROVIDER API [async] [stream] [inst] [session] [ref]`` — a call site on this line;
``# client: COL QUALIFIED_NAME [inst]`` — a client construction on this line;
``# handler: FRAMEWORK KIND [async] [llm] [session] [user=EXPR]`` — a handler whose ``def`` is here;
``# app: NAME FRAMEWORK [middleware]`` — a web app created here.
Flags absent mean False. The scanner's findings must equal the stated set exactly (nothing
missing, nothing extra), so look-alikes, strings and comments are tested by having no marker.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from amplitude_ai.codemods.scanner import scan_paths, scan_source

FIXTURES = Path(__file__).parent / "fixtures" / "scanner"
MARK = re.compile(r"#\s*(expect|client|handler|app):\s*(.+?)\s*$")


def expectations(text: str, path: str):
    sites, clients, handlers, apps = set(), set(), set(), set()
    for lineno, line in enumerate(text.splitlines(), 1):
        m = MARK.search(line)
        if not m:
            continue
        kind, rest = m.group(1), m.group(2).split()
        if kind == "expect":
            col, provider, api, *flags = rest
            sites.add(
                (path, lineno, int(col), provider, api, "async" in flags, "stream" in flags, "inst" in flags,
                 "session" in flags, "ref" in flags)
            )
        elif kind == "client":
            col, qual, *flags = rest
            clients.add((path, lineno, int(col), qual, "inst" in flags))
        elif kind == "handler":
            framework, hkind, *flags = rest
            user = next((f.split("=", 1)[1] for f in flags if f.startswith("user=")), None)
            handlers.add((path, lineno, framework, hkind, "async" in flags, "llm" in flags, "session" in flags, user))
        else:
            name, framework, *flags = rest
            apps.add((path, lineno, name, framework, "middleware" in flags))
    return sites, clients, handlers, apps


def found(files):
    sites, clients, handlers, apps = set(), set(), set(), set()
    for f in files:
        for s in f.call_sites:
            sites.add((s.path, s.line, s.column, s.provider, s.api, s.is_async, s.streaming, s.instrumented,
                       s.in_session, s.reference))
        for c in f.clients:
            clients.add((c.path, c.line, c.column, c.qualified_name, c.instrumented))
        for h in f.handlers:
            handlers.add((h.path, h.line, h.framework, h.kind, h.is_async, h.reaches_llm, h.in_session, h.user_id_source))
        for a in f.apps:
            apps.add((a.path, a.line, a.name, a.framework, a.has_middleware))
    return sites, clients, handlers, apps


SINGLE = sorted(p.name for p in FIXTURES.glob("*.py") if p.name != "syntax_error.py")
PROJECTS = sorted(p.name for p in (FIXTURES / "projects").iterdir() if p.is_dir())


@pytest.mark.parametrize("name", SINGLE)
def test_single_file_fixture(name: str) -> None:
    text = (FIXTURES / name).read_text()
    report = scan_source(text, name)
    assert report.error is None
    want = expectations(text, name)
    got = found([report])
    for label, w, g in zip(("call sites", "clients", "handlers", "apps"), want, got):
        assert sorted(g) == sorted(w), f"{label}: missing {sorted(w - g)}, extra {sorted(g - w)}"


@pytest.mark.parametrize("name", PROJECTS)
def test_project_fixture(name: str) -> None:
    root = FIXTURES / "projects" / name
    report = scan_paths([root], jobs=1)
    want = [set(), set(), set(), set()]
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        for i, part in enumerate(expectations(path.read_text(), rel)):
            want[i] |= part
    got = found(report.files)
    for label, w, g in zip(("call sites", "clients", "handlers", "apps"), want, got):
        assert sorted(g) == sorted(w), f"{label}: missing {sorted(w - g)}, extra {sorted(g - w)}"
    assert report.errors == []
