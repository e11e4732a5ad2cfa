"""instrument_file / fix_paths on real files: atomic writes, encodings, refusals."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from amplitude_ai.codemods import instrument
from amplitude_ai.codemods.instrument import InstrumentError, fix_paths, instrument_file

SOURCE = "from openai import OpenAI\n\nclient = OpenAI()\nclient.chat.completions.create(model='gpt-4o', messages=[])\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    return tmp_path


def test_writes_file_and_bootstrap_module(project: Path) -> None:
    app = project / "app.py"
    app.write_text(SOURCE)
    result = instrument_file(app, write=True, agent_id="support-bot")
    assert result.changed
    assert app.read_text() == result.new_source
    assert "OpenAI(amplitude=ai)" in app.read_text()
    boot = project / "amplitude_setup.py"
    assert str(boot) in result.created_files
    text = boot.read_text()
    assert 'agent = ai.agent("support-bot")' in text
    compile(text, str(boot), "exec")
    # no temporary files left behind
    assert sorted(p.name for p in project.iterdir()) == ["amplitude_setup.py", "app.py", "pyproject.toml"]


def test_write_false_touches_nothing(project: Path) -> None:
    app = project / "app.py"
    app.write_text(SOURCE)
    result = instrument_file(app, write=False)
    assert result.changed and result.diff.startswith(f"--- {app}\n+++ {app}\n")
    assert app.read_text() == SOURCE
    assert not (project / "amplitude_setup.py").exists()


def test_existing_bootstrap_module_is_not_overwritten(project: Path) -> None:
    (project / "amplitude_setup.py").write_text("# mine\nai = object()\nagent = None\n")
    app = project / "app.py"
    app.write_text(SOURCE)
    result = instrument_file(app, write=True)
    assert result.changed
    assert result.created_files == {}
    assert (project / "amplitude_setup.py").read_text() == "# mine\nai = object()\nagent = None\n"


def test_dotted_bootstrap_module_lands_in_package(project: Path) -> None:
    (project / "pkg").mkdir()
    app = project / "pkg" / "app.py"
    app.write_text(SOURCE)
    result = instrument_file(app, write=True, bootstrap_module="pkg.observability")
    assert "from pkg.observability import ai" in result.new_source
    assert (project / "pkg" / "observability.py").exists()


def test_bad_bootstrap_module_name(project: Path) -> None:
    app = project / "app.py"
    app.write_text(SOURCE)
    with pytest.raises(InstrumentError, match="not a dotted Python module name"):
        instrument_file(app, write=True, bootstrap_module="my-setup")
    assert app.read_text() == SOURCE


def test_crlf_kept(project: Path) -> None:
    app = project / "app.py"
    app.write_bytes(SOURCE.replace("\n", "\r\n").encode())
    instrument_file(app, write=True)
    data = app.read_bytes()
    assert b"amplitude=ai" in data
    assert data.count(b"\r\n") == data.count(b"\n"), "every line ends with CRLF"


def test_encoding_cookie_and_bom_kept(project: Path) -> None:
    latin = project / "latin.py"
    latin.write_bytes(("# -*- coding: latin-1 -*-\n" + SOURCE + "GREETING = 'olé'\n").encode("latin-1"))
    instrument_file(latin, write=True)
    assert "olé" in latin.read_bytes().decode("latin-1")
    assert b"amplitude=ai" in latin.read_bytes()

    bom = project / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + SOURCE.encode())
    instrument_file(bom, write=True)
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"amplitude=ai" in bom.read_bytes()


def test_mode_preserved(project: Path) -> None:
    app = project / "app.py"
    app.write_text("#!/usr/bin/env python\n" + SOURCE)
    os.chmod(app, 0o755)
    instrument_file(app, write=True)
    assert stat.S_IMODE(app.stat().st_mode) == 0o755


def test_unparsable_file_is_an_error_and_untouched(project: Path) -> None:
    app = project / "broken.py"
    broken = "from openai import OpenAI\nclient = OpenAI(\n"
    app.write_text(broken)
    with pytest.raises(InstrumentError, match="does not parse"):
        instrument_file(app, write=True)
    assert app.read_text() == broken
    assert not (project / "amplitude_setup.py").exists()


def test_binary_file_is_an_error(project: Path) -> None:
    blob = project / "blob.py"
    blob.write_bytes(b"\x00\x01openai\x00OpenAI()")
    with pytest.raises(InstrumentError, match="binary"):
        instrument_file(blob, write=True)
    assert blob.read_bytes() == b"\x00\x01openai\x00OpenAI()"


def test_undecodable_file_is_an_error(project: Path) -> None:
    bad = project / "bad.py"
    bad.write_bytes(b"from openai import OpenAI\nx = '\xff\xfe'\n")
    with pytest.raises(InstrumentError, match="not decodable"):
        instrument_file(bad, write=True)


def test_no_partial_write_when_replace_fails(project: Path, monkeypatch) -> None:
    app = project / "app.py"
    app.write_text(SOURCE)

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(instrument.os, "replace", boom)
    with pytest.raises(OSError):
        instrument_file(app, write=True)
    monkeypatch.undo()
    assert app.read_text() == SOURCE
    leftovers = [p.name for p in project.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_unchanged_file_not_rewritten(project: Path) -> None:
    app = project / "plain.py"
    app.write_text("import os\nprint(os.sep)\n")
    before = app.stat().st_mtime_ns
    result = instrument_file(app, write=True)
    assert not result.changed and result.diff == ""
    assert app.stat().st_mtime_ns == before


def test_fix_paths_tree(project: Path) -> None:
    (project / "svc").mkdir()
    (project / "svc" / "a.py").write_text(SOURCE)
    (project / "svc" / "b.py").write_text("import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model='m', max_tokens=1, messages=[])\n")
    (project / "svc" / "broken.py").write_text("import openai\nopenai.OpenAI(\n")
    (project / "svc" / "plain.py").write_text("x = 1\n")
    (project / ".venv").mkdir()
    (project / ".venv" / "dep.py").write_text(SOURCE)

    preview = fix_paths([project], diff_only=True, root=project)
    assert {f.path for f in preview.changed} == {"svc/a.py", "svc/b.py"}
    assert [f.path for f in preview.errors] == ["svc/broken.py"]
    assert "does not parse" in preview.errors[0].error
    assert "+++ b/svc/a.py" in preview.diff
    assert preview.written == []
    assert (project / "svc" / "a.py").read_text() == SOURCE

    done = fix_paths([project], root=project, agent_id="bot")
    assert sorted(Path(p).name for p in done.written) == ["a.py", "amplitude_setup.py", "b.py"]
    assert (project / ".venv" / "dep.py").read_text() == SOURCE
    assert 'ai.agent("bot")' in (project / "amplitude_setup.py").read_text()

    again = fix_paths([project], root=project)
    assert again.changed == [] and again.written == []
