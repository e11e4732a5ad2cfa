"""Instructions per call (callgrind), wrapper vs bare SDK: the total work, without timing noise.

    .venv/bin/python bench/instructions/run.py [--calls 300] [--configs openai:0,openai:1,anthropic:0,...]

Timing on this 2-core shared box moves by ±2 points between runs, which is the size of the
margin at the 10% line; instruction counts do not move. For each provider and mode, four runs
of ``calls.py`` under ``valgrind --tool=callgrind``: bare and wrapped, with 0 and ``--calls``
counted calls; the difference divided by ``--calls`` is the count per call (startup and
warm-up cancel out). Every thread is counted: the calling thread and our dispatcher thread,
which builds the events. (Not split by thread: under valgrind's serialized scheduler the share
of builds done by the dispatcher vs the exit-time drain on the main thread varies from run to
run; only the sum is stable.) Instructions are not time (our code runs colder than the SDK's,
so it costs more time per instruction): read these beside the timings in ``providers.md`` /
``providers-others.md``. Writes ``bench/results/instructions.md``. Needs valgrind (Debian:
``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import glob
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RESULTS = os.path.join(REPO, "bench", "results", "instructions.md")
LABELS = {
    "openai": ("OpenAI `chat.completions.create`", "OpenAI `create(stream=True)`"),
    "anthropic": ("Anthropic `messages.create`", "Anthropic `create(stream=True)`"),
    "gemini": ("Gemini `generate_content` (facade)", "Gemini `generate_content_stream`"),
    "mistral": ("Mistral `chat.complete`", "Mistral `chat.stream`"),
}


def count(mode: str, provider: str, stream: bool, calls: int) -> int:
    """Instructions of one run of calls.py, all threads."""
    out = tempfile.mkdtemp(prefix="amp-cg-")
    try:
        env = {**os.environ, "PYTHONHASHSEED": "0", "MODE": mode, "PROVIDER": provider,
               "STREAM": "1" if stream else "0", "N": str(calls)}
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/cg.out",
             sys.executable, "-W", "ignore", os.path.join(HERE, "calls.py")],
            env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO,
        )
        with open(os.path.join(out, "cg.out")) as handle:
            for line in handle:
                if line.startswith(("summary:", "totals:")):
                    return int(line.split()[1])
        raise RuntimeError("callgrind wrote no totals")
    finally:
        shutil.rmtree(out, ignore_errors=True)


def measure(provider: str, stream: bool, calls: int) -> dict[str, float]:
    jobs = {(mode, n): (mode, provider, stream, n) for mode in ("bare", "wrapped") for n in (0, calls)}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:  # one valgrind per core
        done = {key: pool.submit(count, *args) for key, args in jobs.items()}
        got = {key: future.result() for key, future in done.items()}
    bare = (got[("bare", calls)] - got[("bare", 0)]) / calls
    wrapped = (got[("wrapped", calls)] - got[("wrapped", 0)]) / calls
    return {"bare": bare, "overhead": wrapped - bare}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=300)
    ap.add_argument("--configs", default="openai:0,openai:1,anthropic:0,anthropic:1,gemini:0,gemini:1")
    ap.add_argument("--out", default=RESULTS)
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("bench/instructions: valgrind is not installed (apt-get install valgrind)")
    rows = []
    for config in args.configs.split(","):
        provider, stream = config.split(":")
        figures = measure(provider, stream == "1", args.calls)
        rows.append((LABELS[provider][stream == "1"], figures))
        print(config, {k: round(v) for k, v in figures.items()}, flush=True)
    lines = [
        "# Instructions per call: the wrapper's total work without the timing noise",
        "",
        "Timing on this 2-core shared box moves by several points between runs, more than the margin",
        "at the 10% line; instruction counts (valgrind's callgrind) barely move. Same in-process stubs",
        "and calls as the timing benchmarks, every thread counted: the calling thread and our dispatcher",
        "thread building both events, handed to a real amplitude-analytics client with `opt_out` (its",
        "`track()` drops them). This is the total-work view (like the timed \"total CPU\" columns), not",
        "the caller's path: under valgrind's serialized scheduler the split between threads varies.",
        "Garbage collection the calls trigger is counted; a full collection of the long-lived heap is",
        "not (`gc.freeze()` after the warm-up), since its cost depends on the host app's heap size.",
        "Instructions are not time: our code runs colder than the SDK's and costs more time per",
        "instruction, so these percentages are lower than the timed ones.",
        "",
        f"Run {datetime.date.today().isoformat()}, CPython {sys.version.split()[0]}. Command: "
        f"`.venv/bin/python bench/instructions/run.py --calls {args.calls} --configs {args.configs}`",
        "",
        "| provider / mode | bare SDK, instructions per call | ours: overhead (all threads) |",
        "|---|---:|---:|",
    ]
    for label, f in rows:
        lines.append(f"| {label} | {f['bare']:,.0f} | +{f['overhead']:,.0f} ({100 * f['overhead'] / f['bare']:.1f}%) |")
    lines.append("")
    with open(args.out, "w") as handle:
        handle.write("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
