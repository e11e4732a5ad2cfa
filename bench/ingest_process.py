"""The loopback ingestion server (tests/support/ingest_server.py) in a process of its own.

Benchmarks that report the CPU time of their whole process use it, so that the server's
request handling is not counted as the measured code's work.

    with IngestProcess() as ingest:
        amp = Amplitude("key", Config(server_url=ingest.url))
        ...
        ingest.count()  # events received so far
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

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
