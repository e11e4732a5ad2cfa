"""Accuracy benchmark of the instrumentation engine on real code, side by side with the peer.

    .venv/bin/python bench/accuracy/run.py            # fetch, measure, write bench/results/accuracy.md

Options: ``--runs N`` (speed repetitions, default 3), ``--skip-fix``, ``--skip-speed``,
``--packages a,b``, ``--peer-python PATH`` (default /opt/peer-venv/bin/python),
``--out PATH``. Raw results also go to ``bench/.cache/accuracy-last.json``.

Matching: a finding matches a label when path and line are equal (or the line is one of the
label's ``alt_lines``). Findings on ``ignore`` lines count neither way; any other finding is a
false positive. Provider and API disagreements on matched sites are reported separately.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from fetch import CORPUS, CACHE, ensure_artifact, ensure_tree, load_corpus  # noqa: E402

REPO = HERE.parent.parent
WORKER = HERE / "_worker.py"
DEFAULT_PEER = "/opt/peer-venv/bin/python"
JOB_TIMEOUT = 1200
PROVIDERS = ["openai", "anthropic", "gemini", "bedrock", "mistral"]


# -- running jobs ------------------------------------------------------------------------------
def run_job(python: str, job: str, args: dict, timeout: int = JOB_TIMEOUT) -> dict:
    env = dict(os.environ, AMPLITUDE_AI_DRY_RUN="1", PYTHONDONTWRITEBYTECODE="1")
    env.pop("AMPLITUDE_AI_API_KEY", None)
    try:
        proc = subprocess.run([python, str(WORKER), job], input=json.dumps(args), capture_output=True,
                              text=True, timeout=timeout, env=env, cwd=str(CACHE))
    except subprocess.TimeoutExpired:
        return {"fatal": f"timed out after {timeout}s"}
    if proc.returncode != 0 or not proc.stdout.strip():
        return {"fatal": f"worker exit {proc.returncode}: {proc.stderr[-1500:]}"}
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {"fatal": f"unreadable worker output: {proc.stdout[-500:]}"}


# -- normalisation and matching ----------------------------------------------------------------
def norm_api(api: str | None) -> str:
    if not api:
        return ""
    parts = [p for p in api.split(".") if p not in {"aio", "beta", "with_raw_response", "with_streaming_response"}]
    parts = [p.split("(")[0] for p in parts if not p.startswith("with_options")]
    out = ".".join(parts)
    # bare-method spellings of the same endpoint
    return {"generate_content": "models.generate_content", "generate_content_stream": "models.generate_content_stream",
            "embed_content": "models.embed_content"}.get(out, out)


def norm_provider(p: str | None) -> str:
    p = (p or "").lower()
    return {"azure": "openai", "azure_openai": "openai", "google": "gemini", "google-genai": "gemini",
            "vertex": "gemini", "aws": "bedrock", "bedrock-runtime": "bedrock"}.get(p, p)


def match(labels: dict, sites: list[dict]) -> dict:
    """labels: one package's entry of labels.json; sites: one tool's findings for the package."""
    by_line: dict[tuple[str, int], int] = {}
    for i, lab in enumerate(labels["sites"]):
        for ln in [lab["line"], *lab.get("alt_lines", [])]:
            by_line.setdefault((lab["path"], ln), i)
    ignore = {(x["path"], x["line"]): x["reason"] for x in labels["ignore"]}
    negative = {(x["path"], x["line"]): x["reason"] for x in labels["negatives"]}
    found: dict[int, dict] = {}
    fps: dict[tuple[str, int], dict] = {}
    ignored: dict[tuple[str, int], dict] = {}
    for s in sites:
        key = (s["path"], s["line"])
        if key in by_line:
            found.setdefault(by_line[key], s)
        elif key in ignore:
            ignored.setdefault(key, s)
        else:
            fps.setdefault(key, s)
    tp = len(found)
    fn = [lab for i, lab in enumerate(labels["sites"]) if i not in found]
    prov_mm, api_mm = [], []
    for i, s in found.items():
        lab = labels["sites"][i]
        if norm_provider(s.get("provider")) != lab["provider"]:
            prov_mm.append((lab, s))
        elif norm_api(s.get("api")) != norm_api(lab["api"]):
            api_mm.append((lab, s))
    fp_list = [dict(s, reason=negative.get(k)) for k, s in sorted(fps.items())]
    tp_by_provider = Counter(labels["sites"][i]["provider"] for i in found)
    fp_by_provider = Counter(norm_provider(s.get("provider")) for s in fps.values())
    return {"tp": tp, "fp": len(fps), "fn": len(fn), "fn_list": fn, "fp_list": fp_list,
            "ignored": len(ignored), "provider_mismatch": prov_mm, "api_mismatch": api_mm,
            "tp_by_provider": tp_by_provider, "fp_by_provider": fp_by_provider,
            "found_local": sum(1 for i in found if labels["sites"][i]["resolution"] == "local")}


def ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def fmt(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


# -- main ------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-fix", action="store_true")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--packages", default="")
    ap.add_argument("--peer-python", default=DEFAULT_PEER)
    ap.add_argument("--out", default=str(REPO / "bench" / "results" / "accuracy.md"))
    opts = ap.parse_args(argv)

    started = time.time()
    corpus = load_corpus()
    if opts.packages:
        wanted = set(opts.packages.split(","))
        corpus = [p for p in corpus if p["name"] in wanted]
    for pkg in corpus:
        ensure_tree(pkg, ensure_artifact(pkg))
    labels = json.loads((HERE / "labels.json").read_text())["packages"]

    ours_py = sys.executable
    peer_py = opts.peer_python if Path(opts.peer_python).exists() else None
    pkgs = []
    for pkg in corpus:
        root = CORPUS / pkg["name"]
        files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))
        labelled = sorted({s["path"] for s in labels[pkg["name"]]["sites"]})
        pkgs.append({"name": pkg["name"], "version": pkg["version"], "root": str(root), "files": files, "labelled": labelled})
    n_files = sum(len(p["files"]) for p in pkgs)
    print(f"corpus: {len(pkgs)} packages, {n_files} files", flush=True)

    # accuracy + fix: one process per side and kind (the peer imports slowly), two at a time
    def pkg_args(p, files_key="files", **extra):
        return dict({"name": p["name"], "root": p["root"], "files": p[files_key]}, **extra)

    batches = [("ours", ours_py, "ours-scan", [pkg_args(p) for p in pkgs])]
    if peer_py:
        batches += [("peer", peer_py, "peer-scan", [pkg_args(p) for p in pkgs]),
                    ("peer-validate", peer_py, "peer-validate", [pkg_args(p) for p in pkgs])]
    if not opts.skip_fix:
        fixable = [p for p in pkgs if p["labelled"]]
        batches.append(("ours-fix", ours_py, "ours-fix", [pkg_args(p, "labelled") for p in fixable]))
        if peer_py:
            batches.append(("peer-fix", peer_py, "peer-fix", [pkg_args(p, "labelled", tier="advanced") for p in fixable]))
    results: dict[str, dict[str, dict]] = defaultdict(dict)

    def go(batch):
        side, py, kind, plist = batch
        t0 = time.time()
        res = run_job(py, kind, {"packages": plist}, timeout=JOB_TIMEOUT * 3)
        if "fatal" in res:  # the whole process died or hung: retry package by package
            print(f"  {side}: batch failed ({res['fatal'][:200]}); retrying per package", flush=True)
            res = {"by_package": {a["name"]: run_job(py, kind, a) for a in plist}}
        for name, r in res["by_package"].items():
            if "fatal" in r:
                print(f"  {side} {name}: FATAL {r['fatal'][:200]}", flush=True)
        print(f"  {side:13s} {len(plist)} packages {time.time() - t0:6.1f}s", flush=True)
        return side, res["by_package"]

    with ThreadPoolExecutor(max_workers=2) as pool:
        for side, by_pkg in pool.map(go, batches):
            results[side].update(by_pkg)

    # speed: alone, alternating sides
    speed: dict[str, list[float]] = defaultdict(list)
    speed_err: dict[str, int] = Counter()
    if not opts.skip_speed:
        roots = [p["root"] for p in pkgs]
        for i in range(opts.runs):
            for side, py, kind in (("ours", ours_py, "ours-speed"), ("peer", peer_py, "peer-speed")):
                if py is None:
                    continue
                res = run_job(py, kind, {"roots": roots})
                if "fatal" in res:
                    print(f"  speed {side} run {i + 1}: FATAL {res['fatal'][:200]}", flush=True)
                    continue
                speed[side].append(res["seconds"])
                speed_err[side] += res["errors"]
                print(f"  speed {side} run {i + 1}: {res['seconds']:.2f}s ({n_files / res['seconds']:.0f} files/s)", flush=True)

    report = build_report(pkgs, labels, results, speed, speed_err, n_files, opts, started)
    Path(opts.out).parent.mkdir(parents=True, exist_ok=True)
    Path(opts.out).write_text(report)
    (CACHE / "accuracy-last.json").write_text(json.dumps({"results": results, "speed": speed}, default=str))
    print(f"wrote {opts.out}")
    return 0


def build_report(pkgs, labels, results, speed, speed_err, n_files, opts, started) -> str:
    sides = [s for s in ("ours", "peer", "peer-validate") if s in results]
    titles = {"ours": "ours (`scan_project`)", "peer": "peer 1.21.0 (`scan_project`)",
              "peer-validate": "peer 1.21.0 (`validate_file`, per file)"}
    total_labels = sum(len(labels[p["name"]]["sites"]) for p in pkgs)
    total_local = sum(1 for p in pkgs for s in labels[p["name"]]["sites"] if s["resolution"] == "local")
    per: dict[str, dict[str, dict]] = defaultdict(dict)
    fatal: dict[str, list[str]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    for side in sides:
        for p in pkgs:
            res = results[side].get(p["name"], {"fatal": "not run"})
            if "fatal" in res:
                fatal[side].append(f"{p['name']}: {res['fatal'][:300]}")
                res = {"sites": [], "errors": []}
            for e in res.get("errors", []):
                errors[side].append(f"{p['name']}/{e['path']}: {e['error'][:200]}")
            per[side][p["name"]] = match(labels[p["name"]], res["sites"])

    def totals(side):
        m = per[side].values()
        tp, fp, fn = (sum(x[k] for x in m) for k in ("tp", "fp", "fn"))
        return {"tp": tp, "fp": fp, "fn": fn, "precision": ratio(tp, tp + fp), "recall": ratio(tp, tp + fn),
                "prov_mm": sum(len(x["provider_mismatch"]) for x in m), "api_mm": sum(len(x["api_mismatch"]) for x in m),
                "ignored": sum(x["ignored"] for x in m), "local_recall": ratio(sum(x["found_local"] for x in m), total_local)}

    T = {s: totals(s) for s in sides}
    L = []
    w = L.append
    w("# Accuracy on real code (issue 4 §6)\n")
    w(f"Date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} · machine: {platform.machine()}, "
      f"{os.cpu_count()} CPUs, Python {platform.python_version()} · harness run time {time.time() - started:.0f} s\n")
    w("Command (from the repository root):\n\n```\n.venv/bin/python bench/accuracy/run.py"
      + (f" --runs {opts.runs}" if opts.runs != 3 else "") + (" --skip-fix" if opts.skip_fix else "")
      + (" --skip-speed" if opts.skip_speed else "") + (f" --packages {opts.packages}" if opts.packages else "") + "\n```\n")
    w(f"Corpus: {len(pkgs)} pinned PyPI packages (`bench/accuracy/corpus.toml`), {n_files} Python files, "
      f"{total_labels} call sites labelled by hand ({total_local} of them resolvable inside their own file), "
      "rules in `bench/accuracy/LABELING.md`. A finding matches a label on the same path and line; findings on "
      "`ignore` lines (provider calls outside the tracked endpoint set, calls through a stored method reference) "
      "count neither way; every other finding is a false positive.\n")
    w("## Detection\n")
    w("| tool | TP | FP | FN | precision | recall | recall (in-file resolvable) | provider mismatches | API mismatches | errors |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for s in sides:
        t = T[s]
        w(f"| {titles[s]} | {t['tp']} | {t['fp']} | {t['fn']} | {fmt(t['precision'])} | {fmt(t['recall'])} | "
          f"{fmt(t['local_recall'])} | {t['prov_mm']} | {t['api_mm']} | {len(errors[s]) + len(fatal[s])} |")
    w("\nTargets (ours): recall ≥ 0.97, precision ≥ 0.99.\n")

    w("### Per package (recall / precision)\n")
    w("| package | version | files | labelled sites | " + " | ".join(titles[s].split(" (")[0] + (" validate_file" if s == "peer-validate" else "") for s in sides) + " |")
    w("|---|---|---|---|" + "---|" * len(sides))
    for p in pkgs:
        cells = []
        for s in sides:
            m = per[s][p["name"]]
            cells.append(f"{fmt(ratio(m['tp'], m['tp'] + m['fn']), 2)} / {fmt(ratio(m['tp'], m['tp'] + m['fp']), 2)}")
        w(f"| {p['name']} | {p['version']} | {len(p['files'])} | {len(labels[p['name']]['sites'])} | " + " | ".join(cells) + " |")

    w("\n### Per provider (recall / precision)\n")
    w("| provider | labelled | " + " | ".join(titles[s].split(" (")[0] + (" validate_file" if s == "peer-validate" else "") for s in sides) + " |")
    w("|---|---|" + "---|" * len(sides))
    lab_by_prov = Counter(s["provider"] for p in pkgs for s in labels[p["name"]]["sites"])
    for prov in PROVIDERS:
        cells = []
        for s in sides:
            tp = sum(per[s][p["name"]]["tp_by_provider"][prov] for p in pkgs)
            fp = sum(per[s][p["name"]]["fp_by_provider"][prov] for p in pkgs)
            cells.append(f"{fmt(ratio(tp, lab_by_prov[prov]), 2)} / {fmt(ratio(tp, tp + fp), 2)}")
        w(f"| {prov} | {lab_by_prov[prov]} | " + " | ".join(cells) + " |")
    other_fp = {s: sum(v for p in pkgs for k, v in per[s][p["name"]]["fp_by_provider"].items() if k not in PROVIDERS) for s in sides}
    if any(other_fp.values()):
        w("\nFalse positives reported under another provider name: " + ", ".join(f"{s}: {other_fp[s]}" for s in sides) + ".")

    # fix quality
    fix_sides = [s for s in ("ours-fix", "peer-fix") if s in results]
    if fix_sides:
        w("\n## `fix` quality\n")
        w("Over every file with at least one labelled site (and, for ours, every file the tree-wide fix touched). "
          "*Idempotent*: a second run leaves the file byte-identical. *Name left undefined*: a name the file "
          "binds before the fix and still uses after it is no longer bound (e.g. an import deleted while still used).\n")
        w("| tool | files | changed | errors | output parses | idempotent (2nd run identical) | files with a used name left undefined |")
        w("|---|---|---|---|---|---|---|")
        fixdetail: dict[str, list[str]] = defaultdict(list)
        for s in fix_sides:
            recs = []
            for p in pkgs:
                res = results[s].get(p["name"])
                if res is None:
                    continue
                if "fatal" in res:
                    recs += [{"path": f, "error": res["fatal"], "parses": False, "idempotent": False} for f in p["labelled"]]
                    continue
                for r in res["files"]:
                    recs.append(dict(r, path=f"{p['name']}/{r['path']}"))
            groups = [("labelled files", [r for r in recs if r.get("labelled", True)])]
            if s == "ours-fix":
                groups.append(("every file it changed or created", [r for r in recs if r.get("changed") or r.get("error")]))
            name = ("ours (`fix_paths` = `amplitude-ai fix` on a copy of the package, run twice)" if s == "ours-fix"
                    else "peer 1.21.0 (`instrument_file`, tier advanced, per file, run twice)")
            for gname, grecs in groups:
                n = len(grecs)
                errs = [r for r in grecs if r.get("error")]
                parses = sum(1 for r in grecs if r.get("parses"))
                idem = sum(1 for r in grecs if r.get("idempotent"))
                lost = [r for r in grecs if r.get("lost_names")]
                changed = sum(1 for r in grecs if r.get("changed"))
                w(f"| {name}: {gname} | {n} | {changed} | {len(errs)} | {parses}/{n} ({pct(ratio(parses, n))}) | "
                  f"{idem}/{n} ({pct(ratio(idem, n))}) | {len(lost)} |")
            for r in recs:
                if r.get("error"):
                    fixdetail[s].append(f"error: {r['path']}: {str(r['error'])[:200]}")
                elif not r.get("parses"):
                    fixdetail[s].append(f"does not parse: {r['path']}: {r.get('parse_error', '')[:160]}")
                elif not r.get("idempotent"):
                    fixdetail[s].append(f"not idempotent: {r['path']}" + (f" ({r['second_error'][:120]})" if r.get("second_error") else ""))
                if r.get("lost_names"):
                    fixdetail[s].append(f"name left undefined: {r['path']}: {', '.join(r['lost_names'][:8])}")
            modes = {res.get("mode") for res in results[s].values() if isinstance(res, dict) and res.get("mode")}
            if any(m and m != "fix_paths" for m in modes):
                fixdetail[s].append("fallbacks used: " + "; ".join(sorted(m for m in modes if m)))
        after = [results["ours-fix"][p["name"]].get("after", {}) for p in pkgs if p["name"] in results.get("ours-fix", {})]
        if after:
            sites_after = sum(a.get("sites", 0) for a in after)
            instr_after = sum(a.get("instrumented", 0) for a in after)
            w(f"\nAfter our `fix`, our scanner re-scans each fixed package and reports {instr_after} of {sites_after} call "
              f"sites in the labelled files as instrumented ({pct(ratio(instr_after, sites_after))}).")
            not_instr = [f"{p['name']}/{x}" for p in pkgs for x in results.get("ours-fix", {}).get(p["name"], {}).get("after", {}).get("not_instrumented", [])]
            if not_instr:
                w("\n<details><summary>sites still reported not instrumented after our fix</summary>\n")
                w("\n".join(f"- `{x}`" for x in not_instr[:150]))
                w("\n</details>")
        for s in fix_sides:
            if fixdetail[s]:
                w(f"\n<details><summary>{s}: {len(fixdetail[s])} problem(s)</summary>\n")
                w("\n".join(f"- {x}" for x in fixdetail[s][:150]))
                w("\n</details>")

    # speed
    if speed:
        w("\n## Scan speed (whole corpus, in-process `scan_project` per package, wall clock)\n")
        w(f"{opts.runs} alternating runs per side, medians; {n_files} files per run; same machine, same run.\n")
        w("| tool | median s | files/s | runs (s) | errors |")
        w("|---|---|---|---|---|")
        med = {}
        for s in ("ours", "peer"):
            if speed.get(s):
                med[s] = statistics.median(speed[s])
                w(f"| {titles[s]} | {med[s]:.2f} | {n_files / med[s]:.0f} | {', '.join(f'{x:.2f}' for x in speed[s])} | {speed_err[s]} |")
        if "ours" in med and "peer" in med:
            w(f"\nRatio ours/peer files/s: **{med['peer'] / med['ours']:.2f}×** (target ≥ 1.5×).")

    # appendix: ours FP/FN
    w("\n## Appendix: our false negatives and false positives\n")
    for s in sides:
        if s != "ours":
            continue
        if fatal[s]:
            w("Fatal errors:\n" + "\n".join(f"- {x}" for x in fatal[s]) + "\n")
        if errors[s]:
            w("Errors:\n" + "\n".join(f"- {x}" for x in errors[s][:100]) + "\n")
        fns = [lab for p in pkgs for lab in per[s][p["name"]]["fn_list"]]
        by_res = Counter(lab["resolution"] for lab in fns)
        refs = sum(1 for lab in fns if "reference" in (lab.get("note") or ""))
        by_pkg = Counter(p["name"] for p in pkgs for _ in per[s][p["name"]]["fn_list"])
        w(f"{len(fns)} false negatives: by resolution " + ", ".join(f"{k} {v}" for k, v in sorted(by_res.items()))
          + f"; {refs} of them method references; by package " + ", ".join(f"{k} {v}" for k, v in by_pkg.most_common()) + ".\n")
        w("### False negatives (labelled, not reported)\n")
        for p in pkgs:
            for lab in per[s][p["name"]]["fn_list"]:
                note = f" — {lab['note']}" if lab.get("note") else ""
                w(f"- `{p['name']}/{lab['path']}:{lab['line']}` {lab['provider']} {lab['api']} ({lab['resolution']}){note}")
        w("\n### False positives (reported, not labelled)\n")
        for p in pkgs:
            for f in per[s][p["name"]]["fp_list"]:
                why = f" — known trap: {f['reason']}" if f.get("reason") else ""
                w(f"- `{p['name']}/{f['path']}:{f['line']}` reported {f.get('provider')} {f.get('api')}{why}")
        w("\n### Provider / API disagreements on matched sites\n")
        for p in pkgs:
            for lab, f in per[s][p["name"]]["provider_mismatch"] + per[s][p["name"]]["api_mismatch"]:
                w(f"- `{p['name']}/{lab['path']}:{lab['line']}` label {lab['provider']} {lab['api']}, reported {f.get('provider')} {f.get('api')}")
    for s in sides:
        if s == "ours":
            continue
        fn_n = sum(per[s][p["name"]]["fn"] for p in pkgs)
        fp_n = sum(per[s][p["name"]]["fp"] for p in pkgs)
        w(f"\n<details><summary>{titles[s]}: {fn_n} false negatives, {fp_n} false positives</summary>\n")
        for p in pkgs:
            for lab in per[s][p["name"]]["fn_list"]:
                w(f"- FN `{p['name']}/{lab['path']}:{lab['line']}` {lab['provider']} {lab['api']}")
            for f in per[s][p["name"]]["fp_list"]:
                w(f"- FP `{p['name']}/{f['path']}:{f['line']}` {f.get('provider')} {f.get('api')}" + (f" — {f['reason']}" if f.get("reason") else ""))
        if errors[s] or fatal[s]:
            w("\nErrors:\n" + "\n".join(f"- {x}" for x in (fatal[s] + errors[s])[:50]))
        w("\n</details>")
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    sys.exit(main())
