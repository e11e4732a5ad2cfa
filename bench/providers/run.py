"""Run the wrapper-overhead driver in our venv and in the peer's, write bench/results/providers.md.

    .venv/bin/python bench/providers/run.py --calls 2000 [--repeat 3] [--transport inprocess|loopback]

``--transport loopback`` serves the stub's replies over a loopback HTTP server in another process
(see driver.py) and writes bench/results/providers-loopback.md instead. Paragraphs of the old
results file that were written by hand (``**Status...``, ``Target status...``) are kept.

The peer interpreter is ``$AMPLITUDE_AI_PEER_PYTHON`` (default ``/opt/peer-venv/bin/python``);
its column is skipped when it is missing. Each repeat is a fresh process; the table shows the
median over repeats of each run's median per-call time.
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
    "inprocess": os.path.join(REPO, "bench", "results", "providers.md"),
    "loopback": os.path.join(REPO, "bench", "results", "providers-loopback.md"),
}
sys.path.insert(0, os.path.join(REPO, "bench"))
from harness import hand_written_blocks  # noqa: E402


def run(python: str, calls: int, transport: str = "inprocess") -> dict:
    out = subprocess.run(
        [python, DRIVER, "--calls", str(calls), "--transport", transport],
        capture_output=True, text=True, cwd="/tmp", timeout=1800,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def summarize(runs: list[dict], mode: str) -> dict:
    pick = lambda key: statistics.median(r[mode][key] for r in runs)  # noqa: E731
    return {
        k: pick(k)
        for k in (
            "bare_median_us", "wrapped_median_us", "overhead_us", "overhead_pct", "mock_overhead_us", "mock_overhead_pct",
            "cpu_bare_us", "cpu_overhead_us", "cpu_overhead_pct", "cpu_mock_overhead_us", "cpu_mock_overhead_pct",
            "process_cpu_bare_us", "process_cpu_overhead_us", "process_cpu_overhead_pct",
        )
    }


def table_rows(results: dict[str, list[dict]], modes: tuple, cells) -> list[str]:
    """One markdown row per mode and implementation: ``| mode | impl | cells(summary) |``."""
    return [
        f"| {label} | {name} | {cells(summarize(runs, mode))} |"
        for mode, label in modes
        for name, runs in results.items()
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--transport", choices=("inprocess", "loopback"), default="inprocess")
    ap.add_argument("--out", help="results file (default: bench/results/providers[-loopback].md)")
    args = ap.parse_args()
    loopback = args.transport == "loopback"
    results_path = args.out or RESULTS[args.transport]
    peer = os.environ.get("AMPLITUDE_AI_PEER_PYTHON", "/opt/peer-venv/bin/python")
    impls = {"ours": sys.executable}
    if os.path.exists(peer):
        impls["peer 1.21.0"] = peer
    results: dict[str, list[dict]] = {name: [] for name in impls}
    for _ in range(args.repeat):
        for name, python in impls.items():  # alternate so drift hits both
            results[name].append(run(python, args.calls, args.transport))
    lines = [
        "# Provider wrapper overhead (OpenAI chat completions)" + (", loopback HTTP" if loopback else ""),
        "",
    ]
    if loopback:
        lines += [
            "Loopback: the SDK clients use their own default HTTP client (connection pool, sockets, HTTP "
            "parsing) against a real HTTP/1.1 keep-alive server on 127.0.0.1 that runs in another process "
            "and answers the same canned replies as the in-process stub (`bench/harness.py:StubServerProcess`), "
            "so the SDK's call time includes its HTTP stack and the GIL is released while it waits, as in a "
            "real call. The in-process figures (`MockTransport`, no sockets) are in `providers.md`.",
            "",
        ]
    lines += [
        f"Date: {datetime.date.today().isoformat()} · machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()} (noisy shared box)",
        "",
        f"Command: `.venv/bin/python bench/providers/run.py --calls {args.calls} --repeat {args.repeat}"
        + (" --transport loopback`" if loopback else "`"),
        "",
        "Per call: the bare `openai.OpenAI` vs the wrapper (`amplitude_ai.OpenAI(amplitude=Amplitude(...))`, "
        "`amplitude_user_id` per call) against the same "
        + ("stub served over loopback HTTP by another process (the SDK's default HTTP client, kept-alive connections); "
           if loopback else "in-process stub (`MockTransport`, no sockets); ")
        + "events go through the real amplitude-analytics client to a loopback ingestion server (its own process). "
        f"{args.calls} calls per client per mode, interleaved in blocks of 50, after 100 warm-up calls; "
        f"median per call, then the median over {args.repeat} fresh processes. "
        "Each implementation is compared with the SDK its own environment has (ours: openai "
        f"{results['ours'][0]['openai']}; peer venv: openai "
        f"{results[next(iter(results.keys() - {'ours'}), 'ours')][0]['openai']}).",
        "",
        "Wall time (what the caller waits; noisy on this shared box):",
        "",
        "| mode | implementation | bare SDK µs/call | wrapped µs/call | overhead µs | % of SDK call "
        "| overhead µs, MockAmplitudeAI | % |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    modes = (("nonstream", "non-streaming"), ("stream", "streaming (7 chunks)"))
    lines += table_rows(results, modes, lambda s: (
        f"{s['bare_median_us']:.0f} | {s['wrapped_median_us']:.0f} | {s['overhead_us']:.0f} | "
        f"{s['overhead_pct']:.1f}% | {s['mock_overhead_us']:.0f} | {s['mock_overhead_pct']:.1f}%"
    ))
    lines += [
        "",
        "CPU time of the calling thread (`time.thread_time_ns`; not disturbed by other processes; "
        "excludes amplitude-analytics' own background flush thread):",
        "",
        "| mode | implementation | bare SDK CPU µs/call | overhead CPU µs | % of SDK call | overhead CPU µs, MockAmplitudeAI | % |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    lines += table_rows(results, modes, lambda s: (
        f"{s['cpu_bare_us']:.0f} | {s['cpu_overhead_us']:.0f} | {s['cpu_overhead_pct']:.1f}% | "
        f"{s['cpu_mock_overhead_us']:.0f} | {s['cpu_mock_overhead_pct']:.1f}%"
    ))
    lines += [
        "",
        "Total CPU of the process per call (every thread: work done after the call returns, such as",
        "building events on a background thread, is included; `bench/harness.py:total_cpu` —",
        "each block of calls ends with `flush()`, amplitude-analytics' own sending is switched off for",
        "this phase, the ingestion server runs in another process; median over blocks):",
        "",
        "| mode | implementation | bare SDK µs/call | overhead µs | % of SDK call |",
        "|---|---|---:|---:|---:|",
    ]
    lines += table_rows(results, modes, lambda s: (
        f"{s['process_cpu_bare_us']:.0f} | {s['process_cpu_overhead_us']:.0f} | {s['process_cpu_overhead_pct']:.1f}%"
    ))
    for block in hand_written_blocks(results_path):
        lines += ["", block]
    events = ", ".join(str(r.get("events_received")) for runs in results.values() for r in runs)
    lines += ["", f"Events received by the ingestion server per run: {events}."]
    if loopback:
        served = "; ".join(json.dumps(r.get("stub_requests")) for runs in results.values() for r in runs)
        lines += ["", f"Requests answered by the loopback stub server per run (and TCP connections opened): {served}."]
    lines += ["", "Raw runs:", "", "```json", json.dumps(results, indent=1), "```", ""]
    os.makedirs(os.path.dirname(os.path.abspath(results_path)), exist_ok=True)
    with open(results_path, "w") as fh:
        fh.write("\n".join(lines))
    print("\n".join(line for line in lines if not line.startswith(("{", " ", "}"))))


if __name__ == "__main__":
    main()
