"""Pieces the wrapper-overhead drivers share (bench/providers, bench/providers_others).

``IngestProcess``: the loopback ingestion server (tests/support/ingest_server.py) in a process
of its own, so that its request handling is not counted in the measured process's CPU time::

    with IngestProcess() as ingest:
        amp = Amplitude("key", Config(server_url=ingest.url))
        ...
        ingest.count()  # events received so far

``StubServerProcess``: canned provider replies over real HTTP/1.1 keep-alive on 127.0.0.1, in a
process of its own (its CPU is not the measured process's). Each reply is chosen by the first
path segment, so an SDK pointed at ``f"{server.url}/anthropic-sse"`` gets that reply for
whatever path and query it appends::

    with StubServerProcess({"anthropic-sse": (200, "text/event-stream", body)}) as server:
        client = anthropic.Anthropic(base_url=server.url + "/anthropic-sse", ...)
        server.count()  # {"anthropic-sse": requests answered}

A value can also be a list of ``(when, reply)`` where ``when`` maps dotted JSON paths of the
request body to required values (the first match wins; ``{}`` always matches), for replies
that depend on the request as the in-process stubs' do (OpenAI's ``include_usage``).

``total_cpu``: CPU of the whole process per call, work done after the call returns included.

``hand_written_blocks``: the paragraphs of a results file written by hand after a run (they
start with ``**Status`` or ``Target status``), so a run script that rewrites the file keeps them.
"""

from __future__ import annotations

import json
import multiprocessing
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


HAND_WRITTEN = ("**Status", "Target status")


def hand_written_blocks(path: str) -> list[str]:
    """Blocks (up to a blank line) of ``path`` that start with one of ``HAND_WRITTEN``, each with
    the list that follows it (blocks starting with ``- ``)."""
    try:
        with open(path) as fh:
            blocks = fh.read().split("\n\n")
    except OSError:
        return []
    kept: list[str] = []
    taking = False
    for block in blocks:
        if block.lstrip().startswith(HAND_WRITTEN):
            kept.append(block.strip("\n"))
            taking = True
        elif taking and block.startswith(("- ", "* ")):
            kept[-1] += "\n\n" + block.strip("\n")
        else:
            taking = False
    return kept


# (status, content type, body); a key's value: one of these, or [(when, reply), ...]
CannedReply = tuple[int, str, bytes]


def _pick(choices: Any, raw: bytes) -> CannedReply:
    if isinstance(choices, tuple):
        return choices
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        body = {}
    for when, reply in choices:
        ok = True
        for path, want in when.items():
            value: Any = body
            for part in path.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            ok = ok and value == want
        if ok:
            return reply
    return (599, "application/json", b'{"error": "no canned reply matches this request"}')


def _serve_canned(replies: dict[str, Any], port_out: Any) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    import threading

    counts = {key: 0 for key in replies}
    connections = {key: 0 for key in replies}  # by the first request's key: few when pools reuse them
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the SDKs' connection pools reuse connections
        disable_nagle_algorithm = True  # no Nagle / delayed-ACK stall per response

        def log_message(self, *args: Any) -> None:
            pass

        def _body(self) -> bytes:
            if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
                parts = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return b"".join(parts)
                    parts.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("content-length") or 0)
            return self.rfile.read(length) if length else b""

        def _answer(self) -> None:
            raw = self._body()
            key = self.path.lstrip("/").split("/", 1)[0].split("?", 1)[0]
            if key == "count" and "count" not in replies:
                with lock:
                    status, ctype, body = 200, "application/json", json.dumps({**counts, "connections": connections}).encode()
            elif key in replies:
                status, ctype, body = _pick(replies[key], raw)
                with lock:
                    counts[key] += 1
                    if not getattr(self, "_counted", False):  # this connection's first request
                        self._counted = True
                        connections[key] += 1
            else:
                status, ctype, body = 404, "application/json", b'{"error": "no canned reply for this path"}'
            self.send_response(status)
            self.send_header("content-type", ctype)
            self.send_header("content-length", str(len(body)))  # SSE too: the whole pre-rendered stream
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer  # noqa: N815

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 64

    httpd = Server(("127.0.0.1", 0), Handler)
    port_out.send(httpd.server_address[1])
    port_out.close()
    httpd.serve_forever()


class StubServerProcess:
    """Canned replies over loopback HTTP/1.1 keep-alive, served from another process (see above)."""

    def __init__(self, replies: dict[str, Any]) -> None:
        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        receive, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_serve_canned, args=(replies, send), daemon=True)
        self._proc.start()
        send.close()
        if not receive.poll(20):
            self.stop()
            raise RuntimeError("stub server did not start")
        self.url = f"http://127.0.0.1:{receive.recv()}"

    def count(self) -> dict[str, int]:
        """Requests answered so far per reply key, and ``connections``: per key, the TCP
        connections whose first request it was (1 when the SDK's pool reuses its connection)."""
        with urllib.request.urlopen(self.url + "/count", timeout=10) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(5)
            if self._proc.is_alive():
                self._proc.kill()

    def __enter__(self) -> "StubServerProcess":
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
