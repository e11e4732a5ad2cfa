"""In-process checks of the server's own helpers: masking, path rules, docs search, patterns."""

from __future__ import annotations

import os

import pytest
from mcp.server.mcpserver.exceptions import ToolError

from amplitude_ai.mcp import docs_search, paths, patterns
from amplitude_ai.mcp.masking import mask_data, mask_text


@pytest.mark.parametrize(
    ("code", "secret"),
    [
        ('client = OpenAI(api_key="sk-proj-abcdefghijklmnop1234")', "abcdefghijklmnop1234"),
        ("Anthropic(api_key='sk-ant-api03-abcdefghijklmnop')", "api03-abcdefghijklmnop"),
        ('key = "sk-ant-api03-abcdefghijklmnop"', "api03-abcdefghijklmnop"),
        ('headers = {"Authorization": "Bearer abc.def-ghi_jklmnop"}', "abc.def-ghi_jklmnop"),
        ("requests.get(url, headers={'x': 'Bearer abcdefghijkl1234'})", "abcdefghijkl1234"),
        ('boto3.client("s3", aws_access_key_id="AKIAABCDEFGHIJKLMNOP")', "ABCDEFGHIJKLMNOP"),
        ('aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"', "wJalrXUtnFEMI"),
        ('genai.Client(api_key="AIzaSyA1234567890abcdefghijklmnopqrstu")', "SyA1234567890"),
        ('settings = {"password": "hunter22"}', "hunter22"),
        ('client_secret="s3cr3t-value"', "s3cr3t-value"),
        ('token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"', "abcdefghijklmnopqrstuvwxyz0123456789"),
    ],
)
def test_secrets_are_masked(code, secret):
    masked = mask_text(code)
    assert secret not in masked
    assert "***" in masked


@pytest.mark.parametrize(
    "code",
    [
        'api_key=os.environ["OPENAI_API_KEY"]',
        'model="gpt-4o-mini", max_tokens=256',
        "token = get_token()",
        "client.chat.completions.create(messages=messages)",
        'skip = "sk-"',  # too short to be a key
    ],
)
def test_ordinary_code_is_left_alone(code):
    assert mask_text(code) == code


def test_mask_data_walks_structures_and_skips_exact_fields():
    data = {"snippet": 'OpenAI(api_key="sk-abcdefghijklmnop12")', "new_source": "sk-abcdefghijklmnop12", "n": 3,
            "items": ["Bearer abcdefghijklmnop"]}
    out = mask_data(data, skip_keys=frozenset({"new_source"}))
    assert out["new_source"] == data["new_source"]
    assert "abcdefghijklmnop12" not in out["snippet"]
    assert out["items"] == ["Bearer ***"]
    assert out["n"] == 3


def test_resolve_path_rules(tmp_path, monkeypatch):
    root = tmp_path / "root"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "a.py").write_text("x = 1\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "b.py").write_text("y = 2\n")
    os.symlink(outside / "b.py", root / "link.py")
    os.symlink(root / "pkg" / "a.py", root / "inner_link.py")
    monkeypatch.chdir(root)
    monkeypatch.delenv(paths.ROOTS_ENV, raising=False)
    roots = paths.allowed_roots()
    assert roots == [root.resolve()]
    assert paths.resolve_path("pkg/a.py", roots) == (root / "pkg" / "a.py").resolve()
    assert paths.resolve_path("inner_link.py", roots) == (root / "pkg" / "a.py").resolve()  # symlink inside: fine
    for raw in ("../outside/b.py", str(outside / "b.py"), "link.py", "pkg/../../outside/b.py"):
        with pytest.raises(ToolError, match="outside the allowed roots"):
            paths.resolve_path(raw, roots)
    # a sibling whose name starts with the root's name is not inside it
    sibling = tmp_path / "root2"
    sibling.mkdir()
    with pytest.raises(ToolError, match="outside"):
        paths.resolve_path(str(sibling), roots, kind="dir")
    monkeypatch.setenv(paths.ROOTS_ENV, os.pathsep.join([str(outside), ""]))
    assert paths.resolve_path(str(outside / "b.py"), paths.allowed_roots()) == (outside / "b.py").resolve()
    client = paths.allowed_roots([outside.as_uri(), "https://example.com/x"])
    assert outside.resolve() in client and len(client) == 2


def test_read_source_file_bounds(tmp_path):
    ok = tmp_path / "ok.py"
    ok.write_text("\ufeffx = 'é'\n", encoding="utf-8")
    assert paths.read_source_file(ok) == ("x = 'é'\n", "utf-8-sig")
    latin = tmp_path / "latin.py"
    latin.write_bytes("x = 'é'\n".encode("latin-1"))
    with pytest.raises(ToolError, match="not decodable"):
        paths.read_source_file(latin)
    declared = tmp_path / "declared.py"
    declared.write_bytes("# -*- coding: latin-1 -*-\r\nx = 'é'\r\n".encode("latin-1"))
    assert paths.read_source_file(declared) == ("# -*- coding: latin-1 -*-\r\nx = 'é'\r\n", "iso-8859-1")


def test_count_python_files_skips_venvs(tmp_path):
    for folder in ("src", ".venv/lib", "node_modules/x", "pkg.egg-info"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "m.py").write_text("")
    assert paths.count_python_files(tmp_path) == 1


def test_docs_sections_ignore_headings_inside_code_fences():
    text = "# Title\nintro\n```python\n# not a heading\n```\n## Part\nbody words\n"
    sections = docs_search.split_sections("x.md", text)
    assert [s["heading"] for s in sections] == ["Title", "Part"]
    assert sections[1]["line"] == 6


def test_every_suggestion_combination_is_complete():
    for framework in patterns.Framework.__args__:
        for provider in patterns.Provider.__args__:
            for tier in patterns.ContentTier.__args__:
                s = patterns.suggest(framework, provider, tier)
                assert s["steps"] and s["code"]
                assert all(patterns.get_pattern(pid) for pid in s["patterns"])
                if tier != "full":
                    assert s["env"]["AMPLITUDE_AI_CONTENT_MODE"] == tier


def test_filesystem_root_as_working_directory_is_not_a_root(monkeypatch, tmp_path):
    monkeypatch.chdir("/")
    monkeypatch.setenv(paths.ROOTS_ENV, str(tmp_path))
    roots = paths.allowed_roots()
    assert roots == [tmp_path.resolve()]
    with pytest.raises(ToolError, match="outside the allowed roots"):
        paths.resolve_path("/etc/hostname", roots, must_exist=False)
