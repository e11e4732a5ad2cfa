"""`fix` over the real-code corpus: parse rate, idempotence, new undefined names, time.

    .venv/bin/python bench/accuracy/fetch.py          # once: fetch the pinned corpus
    .venv/bin/python bench/transforms/fix_corpus.py   # writes bench/results/transforms.md

For every corpus ``.py`` file that names a provider SDK, ``instrument_source`` runs with
the package folder as project root (nothing is written). A changed file must compile,
must not use a name its original did not define as well (libcst scope analysis), and a
second run must change nothing. Time is wall clock per file (median, p95).
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import statistics
import sys
import time
import traceback
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "bench" / ".cache" / "corpus"
OUT = REPO / "bench" / "results" / "transforms.md"
PROVIDER_WORDS = ("openai", "anthropic", "genai", "generativeai", "boto", "mistral")


def undefined_names(source: str) -> set[str]:
    wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
    scopes = {s for s in wrapper.resolve(ScopeProvider).values() if s is not None}
    return {
        a.node.value if isinstance(a.node, cst.Name) else type(a.node).__name__
        for scope in scopes
        for a in scope.accesses
        if not a.referents
    }


def main() -> int:
    from amplitude_ai.codemods.instrument import InstrumentError, instrument_source

    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}: run bench/accuracy/fetch.py first", file=sys.stderr)
        return 2
    stats = dict(files=0, changed=0, refused_files=0, parse_errors=0, crashes=0, no_compile=0, not_idempotent=0, new_undefined=0)
    problems: list[str] = []
    times: list[float] = []
    packages = sorted(p for p in CORPUS.iterdir() if p.is_dir())
    for pkg in packages:
        for path in sorted(pkg.rglob("*.py")):
            source = path.read_text(encoding="utf-8", errors="replace")
            if not any(w in source for w in PROVIDER_WORDS):
                continue
            stats["files"] += 1
            rel = path.relative_to(CORPUS).as_posix()
            start = time.perf_counter()
            try:
                result = instrument_source(source, str(path), project_root=pkg)
            except InstrumentError:
                stats["parse_errors"] += 1
                continue
            except Exception:  # noqa: BLE001 - a crash is a finding
                stats["crashes"] += 1
                problems.append(f"crash {rel}: {traceback.format_exc(limit=2)[-300:]}")
                continue
            finally:
                times.append(time.perf_counter() - start)
            stats["refused_files"] += bool(result.warnings)
            if not result.changed:
                continue
            stats["changed"] += 1
            try:
                compile(result.new_source, rel, "exec", dont_inherit=True)
            except SyntaxError as exc:
                stats["no_compile"] += 1
                problems.append(f"does not compile {rel}: {exc}")
                continue
            if instrument_source(result.new_source, str(path), project_root=pkg).changed:
                stats["not_idempotent"] += 1
                problems.append(f"not idempotent {rel}")
            new = undefined_names(result.new_source) - undefined_names(source)
            if new:
                stats["new_undefined"] += 1
                problems.append(f"new undefined names {rel}: {sorted(new)}")
    changed = stats["changed"] or 1
    times.sort()
    lines = [
        "# fix over the real-code corpus (engine-transforms)",
        "",
        f"Date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; machine: {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}, 2 shared cores (noisy).",
        "Command: `.venv/bin/python bench/transforms/fix_corpus.py` (corpus: `bench/accuracy/corpus.toml`, "
        f"{len(packages)} packages).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| files naming a provider SDK | {stats['files']} |",
        f"| files changed by fix | {stats['changed']} |",
        f"| files with a refusal warning | {stats['refused_files']} |",
        f"| changed files that compile | {100 * (stats['changed'] - stats['no_compile']) / changed:.1f}% |",
        f"| changed files idempotent (2nd run no change) | {100 * (stats['changed'] - stats['not_idempotent']) / changed:.1f}% |",
        f"| changed files with a new undefined name | {stats['new_undefined']} |",
        f"| crashes / parse errors | {stats['crashes']} / {stats['parse_errors']} |",
        f"| time per file, median / p95 | {statistics.median(times) * 1000:.0f} ms / "
        f"{times[int(0.95 * (len(times) - 1))] * 1000:.0f} ms |",
        "",
    ]
    if problems:
        lines += ["Problems:", ""] + [f"- {p}" for p in problems] + [""]
    OUT.write_text("\n".join(lines))
    print("\n".join(lines))
    print(json.dumps(stats))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
