"""A small Amplitude-compatible ingestion server on 127.0.0.1 for tests.

It records every batch the real ``amplitude-analytics`` client posts and can be
told to misbehave (answer 500, stall, or refuse connections) to inject faults.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class IngestServer:
    """Loopback HTTP server speaking the subset of Amplitude's HTTP V2 API the client uses."""

    def __init__(self) -> None:
        self.batches: list[dict] = []
        self.mode = "ok"  # ok | error500 | stall | refuse
        self.stall_seconds = 5.0
        self.requests = 0
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):  # noqa: N802 - http.server naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with server._lock:
                    server.requests += 1
                    mode = server.mode
                if mode == "refuse":
                    # Drop the connection without answering: the client sees a network error.
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                if mode == "stall":
                    time.sleep(server.stall_seconds)
                if mode == "error500":
                    self._answer(500, {"code": 500, "error": "injected failure"})
                    return
                try:
                    payload = json.loads(body or b"{}")
                except ValueError:
                    self._answer(400, {"code": 400, "error": "invalid json"})
                    return
                with server._cond:
                    server.batches.append(payload)
                    server._cond.notify_all()
                n = len(payload.get("events", []))
                self._answer(200, {"code": 200, "events_ingested": n, "payload_size_bytes": len(body),
                                   "server_upload_time": int(time.time() * 1000)})

            def do_GET(self):  # noqa: N802 - how many events arrived (for a server run in its own process)
                with server._lock:
                    count = sum(len(b.get("events", [])) for b in server.batches)
                self._answer(200, {"events": count})

            def _answer(self, status: int, obj: dict) -> None:
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        # a short shutdown poll: stop() returns in ~20 ms instead of the default 0.5 s
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/2/httpapi"

    def start(self) -> "IngestServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def events(self) -> list[dict]:
        with self._lock:
            return [e for b in self.batches for e in b.get("events", [])]

    def wait_for_events(self, count: int, timeout: float = 10.0) -> list[dict]:
        """Block until at least ``count`` events arrived (or timeout); return them all."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while sum(len(b.get("events", [])) for b in self.batches) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
        return self.events

    def reset(self) -> None:
        with self._lock:
            self.batches.clear()
            self.requests = 0
            self.mode = "ok"


if __name__ == "__main__":  # manual use: python -m tests.support.ingest_server
    srv = IngestServer().start()
    print(srv.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        srv.stop()
