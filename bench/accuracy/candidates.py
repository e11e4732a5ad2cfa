"""Labeling aid: list every expression that could be an LLM call site, for a human to judge.

    .venv/bin/python bench/accuracy/candidates.py [PACKAGE ...] > /tmp/candidates.txt

For each file of the corpus it prints the provider modules the file imports and every attribute
whose name is an LLM endpoint method (called, or referenced without a call), with the source
line. It decides nothing: labels.json is written by reading these candidates in context.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from fetch import CORPUS, load_corpus

METHODS = {
    "create", "parse", "stream", "complete", "complete_async", "stream_async",
    "generate_content", "generate_content_stream", "generate_content_async", "embed_content",
    "converse", "converse_stream", "invoke_model", "invoke_model_with_response_stream",
    "send_message", "send_message_stream", "send_message_async", "count_tokens",
}
PROVIDER_MODULES = ("openai", "anthropic", "google.genai", "google.generativeai", "boto3",
                    "aioboto3", "aiobotocore", "mistralai", "botocore")


def imported_providers(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for n in names:
            for p in PROVIDER_MODULES:
                if n == p or n.startswith(p + "."):
                    found.add(p)
    return found


def candidates(path: Path, rel: str) -> list[str]:
    src = path.read_text(encoding="utf-8", errors="replace")
    try:
        tree = ast.parse(src)
    except SyntaxError as exc:
        return [f"{rel}: SYNTAX ERROR {exc}"]
    lines = src.splitlines()
    called = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            called[id(node.func)] = node.lineno
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in METHODS:
            line = called.get(id(node), node.lineno)
            kind = "call" if id(node) in called else "ref "
            try:
                text = ast.unparse(node)
            except Exception:  # pragma: no cover - labeling aid only
                text = node.attr
            if len(text) > 90:
                text = "..." + text[-87:]
            out.append((line, f"  {line:5d} {kind} {text:60s} | {lines[line - 1].strip()[:100]}"))
    if not out:
        return []
    provs = ",".join(sorted(imported_providers(tree))) or "-"
    return [f"{rel}  [imports: {provs}]"] + [o for _, o in sorted(out)]


def main(argv: list[str]) -> int:
    wanted = set(argv)
    for pkg in load_corpus():
        if wanted and pkg["name"] not in wanted:
            continue
        root = CORPUS / pkg["name"]
        print(f"##### {pkg['name']}")
        for path in sorted(root.rglob("*.py")):
            for line in candidates(path, path.relative_to(root).as_posix()):
                print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
