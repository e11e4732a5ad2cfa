"""Scan speed: files/s of ``scan_paths`` on a synthetic tree (and optional real trees), with
the prefilter hit rate; optionally the published peer's ``scan_project`` on the same tree.

    .venv/bin/python bench/scan/bench_scan.py [--files 2000] [--repeat 3] [--peer] [--real DIR ...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen_tree import generate  # noqa: E402

PEER_PY = "/opt/peer-venv/bin/python"
PEER_SNIPPET = """
import json, sys, time
from amplitude_ai.mcp.scan_project import scan_project
root = sys.argv[1]
times = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); r = scan_project(root); times.append(time.perf_counter() - t)
print(json.dumps({"times": times}))
"""


def ours(root: Path, repeat: int, jobs: int | None, warm: bool = False) -> dict:
    from amplitude_ai.codemods.scanner import clear_cache, scan_paths

    times, report = [], None
    clear_cache()
    if warm:
        scan_paths([root], root=root, jobs=jobs)
    for _ in range(repeat):
        if not warm:
            clear_cache()
        t = time.perf_counter()
        report = scan_paths([root], root=root, jobs=jobs)
        times.append(time.perf_counter() - t)
    assert report is not None
    return {
        "median_s": statistics.median(times),
        "files": report.files_scanned,
        "parsed": report.files_parsed,
        "call_sites": len(report.call_sites),
    }


def peer(root: Path, repeat: int) -> dict | None:
    if not os.path.exists(PEER_PY):
        return None
    out = subprocess.run([PEER_PY, "-c", PEER_SNIPPET, str(root), str(repeat)], capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1:]}
    return {"median_s": statistics.median(json.loads(out.stdout.strip().splitlines()[-1])["times"])}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--llm-share", type=float, default=0.05)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--peer", action="store_true")
    ap.add_argument("--real", nargs="*", default=[])
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "tree"
        meta = generate(root, args.files, args.llm_share)
        trees = [(f"synthetic {meta['files']} files ({meta['llm_files']} with LLM code)", root)]
        trees += [(f"real: {d}", Path(d)) for d in args.real]
        for label, tree in trees:
            one = ours(tree, args.repeat, 1)
            two = ours(tree, args.repeat, None)
            warm = ours(tree, args.repeat, None, warm=True)
            row = {"tree": label, "files": one["files"], "parsed": one["parsed"], "call_sites": one["call_sites"],
                   "ours_1_core_s": one["median_s"], "ours_all_cores_s": two["median_s"], "ours_warm_s": warm["median_s"]}
            if args.peer:
                p = peer(tree, args.repeat)
                row["peer_s"] = p.get("median_s") if p else None
                row["peer_error"] = p.get("error") if p else "peer venv missing"
            rows.append(row)
    for row in rows:
        n = row["files"]
        line = (f"{row['tree']}: {n} files, prefilter passed {row['parsed']} ({100 * row['parsed'] / max(n, 1):.1f}%), "
                f"{row['call_sites']} call sites; ours 1 core {row['ours_1_core_s']:.2f}s ({n / row['ours_1_core_s']:.0f} files/s), "
                f"all cores {row['ours_all_cores_s']:.2f}s ({n / row['ours_all_cores_s']:.0f} files/s), "
                f"warm re-scan {row['ours_warm_s']:.2f}s")
        if row.get("peer_s"):
            line += f"; peer {row['peer_s']:.2f}s ({n / row['peer_s']:.0f} files/s), ratio {row['peer_s'] / row['ours_all_cores_s']:.1f}x"
        elif "peer_error" in row:
            line += f"; peer: {row['peer_error']}"
        print(line)
    print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
