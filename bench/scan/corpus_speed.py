"""Scan speed on the accuracy corpus the way the accuracy harness measures it: every package
scanned in turn by one process (ours: ``amplitude_ai.codemods.api.scan_project``; the peer:
``amplitude_ai.mcp.scan_project.scan_project`` in its own venv), runs alternating, medians.

    .venv/bin/python bench/scan/corpus_speed.py [--runs 3] [--corpus bench/.cache/corpus]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

SNIPPET = """
import sys, time
from pathlib import Path
from amplitude_ai.{module} import scan_project
roots = sorted(p for p in Path(sys.argv[1]).iterdir() if p.is_dir())
t0 = time.perf_counter()
for r in roots:
    try:
        scan_project(str(r))
    except BaseException:
        pass
print(time.perf_counter() - t0)
"""
PEER_PY = "/opt/peer-venv/bin/python"


def run(python: str, module: str, corpus: Path) -> float:
    out = subprocess.run(
        [python, "-c", SNIPPET.format(module=module), str(corpus)],
        capture_output=True, text=True, check=True, cwd="/tmp",
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[1] / ".cache" / "corpus"))
    opts = ap.parse_args()
    corpus = Path(opts.corpus).resolve()
    files = sum(1 for _ in corpus.rglob("*.py"))
    ours, peer = [], []
    for i in range(opts.runs):
        ours.append(run(sys.executable, "codemods.api", corpus))
        if Path(PEER_PY).exists():
            peer.append(run(PEER_PY, "mcp.scan_project", corpus))
        print(f"run {i + 1}: ours {ours[-1]:.2f}s" + (f", peer {peer[-1]:.2f}s" if peer else ""), flush=True)
    mo = statistics.median(ours)
    print(f"files {files}; ours median {mo:.2f}s ({files / mo:.0f} files/s)")
    if peer:
        mp = statistics.median(peer)
        print(f"peer median {mp:.2f}s ({files / mp:.0f} files/s); ours/peer files/s {mp / mo:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
