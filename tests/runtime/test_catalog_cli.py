"""amplitude-ai-register-catalog against a loopback Taxonomy API that keeps state."""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from amplitude_ai import catalog
from amplitude_ai.catalog_cli import main

AUTH = "Basic " + base64.b64encode(b"key:secret").decode()


class Taxonomy:
    """Events, properties and categories in memory; 409 on duplicates like the real API."""

    def __init__(self) -> None:
        self.events: dict[str, dict] = {}
        self.props: dict[tuple[str, str], dict] = {}
        self.categories: set[str] = set()
        self.requests: list[tuple[str, str]] = []
        owner = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _form(self):
                n = int(self.headers.get("Content-Length") or 0)
                return dict(urllib.parse.parse_qsl(self.rfile.read(n).decode()))

            def _reply(self, status, obj):
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method):
                form = self._form()
                path = urllib.parse.unquote(self.path.split("/api/2/taxonomy", 1)[-1])
                owner.requests.append((method, path))
                if self.headers.get("Authorization") != AUTH:
                    return self._reply(401, {"success": False, "errors": [{"message": "Invalid credentials"}]})
                dup = (409, {"success": False, "errors": [{"message": "Attempted to add an item that already exists."}]})
                if method == "POST" and path == "/category":
                    if form["category_name"] in owner.categories:
                        return self._reply(*dup)
                    owner.categories.add(form["category_name"])
                elif method == "POST" and path == "/event":
                    if form["event_type"] in owner.events:
                        return self._reply(*dup)
                    owner.events[form["event_type"]] = form
                elif method == "PUT" and path.startswith("/event/"):
                    name = path[len("/event/"):]
                    if name not in owner.events:
                        return self._reply(404, {"success": False})
                    owner.events[name] = {**owner.events[name], **form}
                elif method == "POST" and path == "/event-property":
                    key = (form["event_type"], form["event_property"])
                    if key in owner.props:
                        return self._reply(*dup)
                    owner.props[key] = form
                elif method == "PUT" and path.startswith("/event-property/"):
                    key = (form["event_type"], path[len("/event-property/"):])
                    if key not in owner.props:
                        return self._reply(404, {"success": False})
                    owner.props[key] = {**owner.props[key], **form}
                else:
                    return self._reply(404, {"success": False})
                self._reply(200, {"success": True})

            def do_POST(self):  # noqa: N802
                self._handle("POST")

            def do_PUT(self):  # noqa: N802
                self._handle("PUT")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/2/taxonomy"

    def snapshot(self):
        return json.dumps([sorted(self.categories), self.events, sorted(map(list, self.props.items()), key=str)], sort_keys=True)


@pytest.fixture
def taxonomy():
    server = Taxonomy()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def _expected_counts():
    schema = catalog.get_event_schema()
    return len(schema["events"]), sum(len(e["properties"]) for e in schema["events"].values())


def test_registers_the_whole_catalog_then_is_idempotent(taxonomy, capsys):
    n_events, n_props = _expected_counts()
    args = ["--api-key", "key", "--secret-key", "secret", "--server-url", taxonomy.url]
    assert main(args) == 0
    assert len(taxonomy.events) == n_events and len(taxonomy.props) == n_props
    assert len(taxonomy.requests) == 1 + n_events + n_props
    prop = taxonomy.props[("[Agent] AI Response", "[Agent] Model Name")]
    assert prop["type"] == "string" and prop["is_required"] in ("true", "false")
    first = taxonomy.snapshot()
    taxonomy.requests.clear()
    assert main(args) == 0
    assert taxonomy.snapshot() == first  # nothing changed
    # every item answered 409 and was updated in place (the category needs no update)
    assert sum(1 for m, _ in taxonomy.requests if m == "PUT") == n_events + n_props
    assert f"0 created, {1 + n_events + n_props} already present" in capsys.readouterr().out


def test_wrong_credentials_fail_with_a_fix_line(taxonomy, capsys):
    assert main(["--api-key", "key", "--secret-key", "nope", "--server-url", taxonomy.url]) == 1
    err = capsys.readouterr().err
    assert "HTTP 401" in err and "fix:" in err
    assert len(taxonomy.requests) == 1  # stops at the first auth failure


def test_dry_run_sends_nothing_and_lists_every_request(capsys):
    n_events, n_props = _expected_counts()
    assert main(["--dry-run", "--eu"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 + n_events + n_props
    assert all(line.startswith("POST https://analytics.eu.amplitude.com/api/2/taxonomy/") for line in out)


def test_missing_keys_is_a_usage_error(capsys, monkeypatch):
    monkeypatch.delenv("AMPLITUDE_API_KEY", raising=False)
    monkeypatch.delenv("AMPLITUDE_SECRET_KEY", raising=False)
    assert main([]) == 2
    assert "--api-key and --secret-key are required" in capsys.readouterr().err


def test_unreachable_server_is_one_clear_line(capsys):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    assert main(["--api-key", "k", "--secret-key", "s", "--server-url", f"http://127.0.0.1:{port}"]) == 1
    assert "cannot reach" in capsys.readouterr().err
