"""Wall time of the generated verify tests (and of `amplitude-ai verify-test` itself) per example.

    .venv/bin/python bench/verify/run.py [--repeat 3]      # writes bench/results/verify.md

Each run copies examples/<name>/instrumented to a temp dir and runs its verify test in a fresh
pytest process (no plugins), as a user's CI would.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} failed in {cwd}:\n{proc.stdout[-2000:]}")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for example in sorted(p for p in (ROOT / "examples").iterdir() if (p / "example.json").is_file()):
        with tempfile.TemporaryDirectory() as tmp:
            app = Path(tmp) / "app"
            shutil.copytree(example / "instrumented", app, ignore=shutil.ignore_patterns("__pycache__"))
            env = {k: v for k, v in os.environ.items() if not k.startswith("AMPLITUDE_AI_")}
            env.update(PYTHONPATH=str(app), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
            gen = [timed([sys.executable, "-m", "amplitude_ai.cli", "verify-test", ".", "-o", "tests/t_gen.py"], app, env)
                   for _ in range(args.repeat)]
            (app / "tests" / "t_gen.py").unlink()
            run = [timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], app, env)
                   for _ in range(args.repeat)]
        rows.append((example.name, statistics.median(gen), statistics.median(run)))
    lines = [
        "# verify-test timings",
        "",
        f"Command: `.venv/bin/python bench/verify/run.py --repeat {args.repeat}` — {date.today()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs (shared, noisy), Python {platform.python_version()}.",
        "Median wall time of a fresh process: generating the test (`amplitude-ai verify-test`, scan included) "
        "and running it with pytest (no plugins) on the instrumented example.",
        "",
        "| example | generate (s) | run verify test (s) |",
        "|---|---|---|",
        *[f"| {n} | {g:.2f} | {r:.2f} |" for n, g, r in rows],
        "",
        "No peer figure: per issue 6 the published package's generated test does not import or run the app, "
        "so its timing is not comparable (not re-checked here).",
    ]
    out = ROOT / "bench" / "results" / "verify.md"
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
