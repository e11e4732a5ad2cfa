"""Run the Anthropic / Mistral / Gemini / Bedrock overhead driver in our venv and in the peer's,
write bench/results/providers-others.md (or providers-others-loopback.md with ``--transport loopback``).

    .venv/bin/python -W ignore bench/providers_others/run.py --calls 1000 --runs 3 \\
        [--providers anthropic,mistral,gemini,bedrock] [--bedrock-calls 500] [--transport inprocess|loopback]

Each run is a fresh process per implementation, ours and the peer alternating so drift hits both;
Bedrock, when listed, runs in a process of its own with ``--bedrock-calls``. The table shows,
per field, the median over runs of each run's medians. The peer interpreter is
``$AMPLITUDE_AI_PEER_PYTHON`` (default ``/opt/peer-venv/bin/python``); its columns are dropped
when it is missing. Paragraphs of the old results file written by hand (``**Status...``,
``Target status...``) are kept.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DRIVER = os.path.join(HERE, "driver.py")
RESULTS = {
    "inprocess": os.path.join(REPO, "bench", "results", "providers-others.md"),
    "loopback": os.path.join(REPO, "bench", "results", "providers-others-loopback.md"),
}
sys.path.insert(0, os.path.join(REPO, "bench"))
from harness import hand_written_blocks  # noqa: E402

LABELS = {
    ("anthropic", "nonstream"): "Anthropic `messages.create`",
    ("anthropic", "stream"): "Anthropic `create(stream=True)`",
    ("gemini", "nonstream"): "Gemini `generate_content` (facade)",
    ("gemini", "stream"): "Gemini `generate_content_stream`",
    ("mistral", "nonstream"): "Mistral `chat.complete`",
    ("mistral", "stream"): "Mistral `chat.stream`",
    ("bedrock", "nonstream"): "Bedrock `converse` (loopback HTTP)",
    ("bedrock", "stream"): "Bedrock `converse_stream`",
}


def driver(python: str, providers: str, calls: int, transport: str) -> dict:
    cmd = [python, "-W", "ignore", DRIVER, "--calls", str(calls), "--providers", providers, "--transport", transport]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd="/tmp", timeout=3600)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def one_run(python: str, providers: list[str], calls: int, bedrock_calls: int, transport: str) -> dict:
    """One fresh process for the HTTP SDKs, one for Bedrock; merged into one result."""
    merged: dict = {"events_received": 0, "stub_requests": {}}
    http = [p for p in providers if p != "bedrock"]
    parts = []
    if http:
        parts.append(driver(python, ",".join(http), calls, transport))
    if "bedrock" in providers:
        parts.append(driver(python, "bedrock", bedrock_calls, transport))
    for part in parts:
        for key, value in part.items():
            if key == "events_received":
                merged[key] += value
            elif key == "stub_requests":
                merged[key].update(value)
            else:
                merged.setdefault(key, value)
    return merged


def cell(runs: list[dict], provider: str, mode: str, kind: str) -> str:
    """``+µs (pct)`` of one measure, median over runs; ``unsupported`` when a run could not call it."""
    entries = [r.get(provider, {}) for r in runs]
    values = [e.get(mode) if "error" not in e else e["error"] for e in entries]
    if not values or any(not isinstance(v, dict) for v in values):
        return "unsupported"
    if kind == "bare":
        return f"{statistics.median(v['bare_median_us'] for v in values):,.0f}"
    prefix = {"wall": "", "cpu": "cpu_", "total": "process_cpu_"}[kind]
    us = statistics.median(v[prefix + "overhead_us"] for v in values)
    pct = statistics.median(v[prefix + "overhead_pct"] for v in values)
    return f"{us:+,.0f} µs ({pct:.1f}%)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=1000)
    ap.add_argument("--bedrock-calls", type=int, default=None, help="calls for Bedrock (default: --calls)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--providers", default="anthropic,mistral,gemini,bedrock")
    ap.add_argument("--transport", choices=("inprocess", "loopback"), default="inprocess")
    ap.add_argument("--out", help="results file (default: bench/results/providers-others[-loopback].md)")
    args = ap.parse_args()
    providers = [p for p in args.providers.split(",") if p]
    unknown = sorted(set(providers) - {p for p, _ in LABELS})
    if unknown:
        sys.exit(f"unknown provider(s): {', '.join(unknown)} (known: anthropic, mistral, gemini, bedrock)")
    bedrock_calls = args.bedrock_calls or args.calls
    loopback = args.transport == "loopback"
    results_path = args.out or RESULTS[args.transport]
    kept = hand_written_blocks(results_path)

    peer = os.environ.get("AMPLITUDE_AI_PEER_PYTHON", "/opt/peer-venv/bin/python")
    impls = {"ours": sys.executable}
    if os.path.exists(peer):
        impls["peer"] = peer
    started = datetime.datetime.now(datetime.timezone.utc)
    results: dict[str, list[dict]] = {name: [] for name in impls}
    for i in range(args.runs):
        for name, python in impls.items():  # alternate so drift hits both
            print(f"run {i + 1}/{args.runs}: {name}", file=sys.stderr, flush=True)
            results[name].append(one_run(python, providers, args.calls, bedrock_calls, args.transport))
    finished = datetime.datetime.now(datetime.timezone.utc)

    command = (
        f".venv/bin/python -W ignore bench/providers_others/run.py --calls {args.calls} --runs {args.runs} "
        f"--providers {','.join(providers)}"
        + (f" --bedrock-calls {bedrock_calls}" if "bedrock" in providers and bedrock_calls != args.calls else "")
        + (" --transport loopback" if loopback else "")
    )
    per_driver = f"--calls {args.calls} --providers {','.join(p for p in providers if p != 'bedrock')}"
    lines = [
        "# Wrapper overhead: Anthropic, Gemini, Mistral, Bedrock" + (" (loopback HTTP)" if loopback else ""),
        "",
    ]
    if loopback:
        lines += [
            "Loopback: the Anthropic, Gemini and Mistral clients use their own default HTTP client "
            "(connection pool, sockets, HTTP parsing) against a real HTTP/1.1 keep-alive server on "
            "127.0.0.1 that runs in another process and answers the same canned replies as the "
            "in-process stubs (`bench/harness.py:StubServerProcess`; the SDKs get it as `base_url` / "
            "`server_url` / `HttpOptions(base_url=)`), so the SDK's call time includes its HTTP stack "
            "and the GIL is released while it waits, as in a real call. Bedrock is the same in both "
            "transports (its loopback event-stream server). The in-process figures are in "
            "`providers-others.md`.",
            "",
        ]
    lines += [
        "Per-call overhead of our wrapper against the bare SDK on the same stub, side by side with the",
        "published peer (`amplitude-ai==1.21.0`, run in its own venv with its own SDK versions). Events",
        "go through a real `amplitude.Amplitude` client to the loopback ingestion server, which runs in a",
        "process of its own (`bench/harness.py`); each call emits a User Message and an AI Response.",
        "",
        "Three measures per row (all medians):",
        "",
        "- **caller wall** / **caller CPU**: what the calling thread spends per call (`perf_counter`,",
        "  `thread_time`), over N interleaved calls (blocks of 50, after 50 warm-up calls) — the latency",
        "  the host app sees;",
        "- **total CPU**: CPU of the whole process per call, every thread, with each block of calls",
        "  followed by `flush()` so work done after the call returns is counted; amplitude-analytics' own",
        "  sending is switched off for this phase (`opt_out`) because it is the same library cost for any",
        "  wrapper (`bench/harness.py:total_cpu`).",
        "",
        f"Run {started:%Y-%m-%d %H:%M}-{finished:%H:%M} UTC, {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()} (noisy shared box). "
        f"Median over {args.runs} fresh process(es) per side, ours and the peer alternating. Command:",
        "",
        "```bash",
        command,
        "# which runs, per run, for .venv/bin/python and then /opt/peer-venv/bin/python:",
    ]
    if any(p != "bedrock" for p in providers):
        lines.append(f"#   <python> -W ignore bench/providers_others/driver.py {per_driver} --transport {args.transport}")
    if "bedrock" in providers:
        lines.append(
            f"#   <python> -W ignore bench/providers_others/driver.py --calls {bedrock_calls} --providers bedrock "
            f"--transport {args.transport}"
        )
    lines += ["```", ""]
    has_peer = "peer" in impls
    head = "| provider / mode | SDK (ours / peer) | ours: bare µs | ours: caller wall | ours: caller CPU | ours: total CPU |"
    rule = "|---|---|---:|---:|---:|---:|"
    if has_peer:
        head += " peer: bare µs | peer: caller wall | peer: caller CPU | peer: total CPU |"
        rule += "---:|---:|---:|---:|"
    lines += [head, rule]
    for (provider, mode), label in LABELS.items():
        if provider not in providers:
            continue
        sdk = ""
        if mode == "nonstream":
            versions = [str(results[name][0].get(provider, {}).get("sdk", "—")) for name in impls]
            sdk = " / ".join(versions)
        row = f"| {label} | {sdk} |"
        for name in impls:
            runs = results[name]
            if cell(runs, provider, mode, "bare") == "unsupported":
                row += " unsupported | — | — | — |"
                continue
            row += f" {cell(runs, provider, mode, 'bare')} | " + " | ".join(
                ("**" + cell(runs, provider, mode, k) + "**") if (k == "wall" and name == "ours") else cell(runs, provider, mode, k)
                for k in ("wall", "cpu", "total")
            ) + " |"
        lines.append(row.replace("**unsupported**", "unsupported"))
    lines += [
        "",
        "Percentages are of the bare SDK call in the same measure; each implementation is compared with the",
        "SDK version its own environment has.",
    ]
    unsupported = sorted(
        {
            f"{name} {provider} {mode}: {entry if isinstance(entry, str) else ''}".strip()
            for name in impls
            for r in results[name]
            for provider in providers
            for mode in ("nonstream", "stream")
            for entry in [r.get(provider, {}).get(mode, r.get(provider, {}).get("error"))]
            if isinstance(entry, str)
        }
    )
    if unsupported:
        lines += ["", "Calls an implementation could not make:", ""] + [f"- {u}" for u in unsupported]
    for block in kept:
        lines += ["", block]
    lines += ["", "Events received by the ingestion server per run (the total-CPU phase drops its events): "
              + "; ".join(f"{name} " + ", ".join(str(r["events_received"]) for r in results[name]) for name in impls) + "."]
    if loopback:
        lines += ["", "Requests answered by the loopback stub server per run, and per reply the TCP connections "
                  "opened (2 = one per client: the pool reused it; one per request: the SDK closed it):", ""]
        for name in impls:
            for r in results[name]:
                lines.append(f"- {name}: `{json.dumps(r.get('stub_requests'))}`")
    lines += ["", "Raw runs:", "", "```json", json.dumps(results, indent=1), "```", ""]
    os.makedirs(os.path.dirname(os.path.abspath(results_path)), exist_ok=True)
    with open(results_path, "w") as fh:
        fh.write("\n".join(lines))
    print("\n".join(line for line in lines[: lines.index("Raw runs:")]))


if __name__ == "__main__":
    main()
