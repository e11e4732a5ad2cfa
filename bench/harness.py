"""Pieces the wrapper-overhead drivers share (bench/providers, bench/providers_others).

``IngestProcess``: the loopback ingestion server (tests/support/ingest_server.py) in a process
of its own, so that its request handling is not counted in the measured process's CPU time::

    with IngestProcess() as ingest:
        amp = Amplitude("key", Config(server_url=ingest.url))
        ...
        ingest.count()  # events received so far

``total_cpu``: CPU of the whole process per call, work done after the call returns included.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from typing import Any, Callable

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class IngestProcess:
    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.ingest_server"], cwd=REPO, stdout=subprocess.PIPE, text=True
        )
        line = self._proc.stdout.readline().strip() if self._proc.stdout else ""
        if not line.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"ingestion server did not start (got {line!r})")
        self.url = line

    def count(self) -> int:
        with urllib.request.urlopen(self.url.rsplit("/2/", 1)[0] + "/count", timeout=10) as response:
            return int(json.loads(response.read())["events"])

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()

    def __enter__(self) -> "IngestProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def total_cpu(clients: dict[str, Any], call: Callable[[Any, str], None], calls: int, block: int, amp: Any) -> dict[str, float]:
    """CPU time of the whole process per call (µs) for each client, in interleaved blocks.

    ``call(client, name)`` makes one call. Every block ends with ``amp.flush()``, which hands
    whatever a wrapper queued to amplitude-analytics, so work done on background threads after
    the calls returned is counted in the block that caused it. amplitude-analytics' own sending
    is switched off for this phase (``opt_out``: its ``track()`` drops each event): it is the
    same client-library cost for any wrapper, and its HTTP thread would otherwise land in
    whichever block happens to run. The figure is the median over blocks of the block's mean,
    so a rare full garbage collection lands in one block, not in the figure.
    """
    amp.flush()
    time.sleep(0.3)
    amp.configuration.opt_out = True
    try:
        per_block: dict[str, list[float]] = {name: [] for name in clients}
        done = 0
        while done < calls:
            for name, client in clients.items():
                p0 = time.process_time_ns()
                for _ in range(block):
                    call(client, name)
                amp.flush()
                per_block[name].append((time.process_time_ns() - p0) / block / 1000)
            done += block
        return {name: statistics.median(xs) for name, xs in per_block.items()}
    finally:
        amp.configuration.opt_out = False
