"""Regenerate BENCHMARKS.md from bench/summary.md and every bench/results/*.md.

Each harness writes its own results file; this script only stitches them together so the
figures in BENCHMARKS.md are exactly what the harnesses printed.

    .venv/bin/python bench/assemble.py
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["runtime", "providers", "providers-others", "instructions", "providers-loopback", "providers-others-loopback", "scan", "accuracy", "transforms", "mcp", "verify"]


def _demote(text: str) -> str:
    """Push every heading one level down so each results file nests under its section."""
    out = []
    for line in text.splitlines():
        out.append("#" + line if line.startswith("#") else line)
    return "\n".join(out).strip() + "\n"


def main() -> int:
    results = ROOT / "bench" / "results"
    files = {p.stem: p for p in results.glob("*.md")}
    names = [n for n in ORDER if n in files] + sorted(n for n in files if n not in ORDER)
    parts = [(ROOT / "bench" / "summary.md").read_text(encoding="utf-8").strip() + "\n"]
    for name in names:
        parts.append(f"\n---\n\n<!-- from bench/results/{name}.md -->\n" + _demote(files[name].read_text(encoding="utf-8")))
    (ROOT / "BENCHMARKS.md").write_text("\n".join(parts), encoding="utf-8")
    print(f"BENCHMARKS.md: summary + {len(names)} result files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
