"""``amplitude-ai-register-catalog``: push the runtime's ``[Agent]`` catalog to Amplitude's Taxonomy API.

    amplitude-ai-register-catalog --api-key KEY --secret-key SECRET [--eu] [--server-url URL]
    amplitude-ai-register-catalog --dry-run        # print every request, send nothing

Requests (HTTP basic auth ``api_key:secret_key``, form-encoded bodies), under
``https://amplitude.com/api/2/taxonomy`` (``--eu``: ``https://analytics.eu.amplitude.com/api/2/taxonomy``;
``--server-url`` or ``AMPLITUDE_AI_TAXONOMY_URL`` override it):

- ``POST /category`` ``category_name``;
- ``POST /event`` ``event_type, category, description`` — on "already exists" (HTTP 409 or that
  message) ``PUT /event/{event_type}`` ``category, description``;
- ``POST /event-property`` ``event_type, event_property, description, type, is_array_type,
  is_required`` — on "already exists" ``PUT /event-property/{event_property}`` with the same fields.

Idempotent: an existing item is updated to the same values, so a second run changes nothing.
Exit 0 when every item is registered, 1 when some failed, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterator

US_URL = "https://amplitude.com/api/2/taxonomy"
EU_URL = "https://analytics.eu.amplitude.com/api/2/taxonomy"
ENV_URL = "AMPLITUDE_AI_TAXONOMY_URL"
CATEGORY = "Agent Analytics"

# catalog type -> (Taxonomy API type, is_array_type)
_TYPES = {
    "string": ("string", False),
    "number": ("number", False),
    "boolean": ("boolean", False),
    "string[]": ("string", True),
    "object": ("any", False),
}


def planned_requests() -> Iterator[tuple[str, str, dict[str, str], tuple[str, str] | None]]:
    """``(method, path, form, update)`` for the whole catalog; ``update`` is the (method, path)
    to use when the item already exists."""
    from .catalog import get_event_schema

    schema = get_event_schema()
    yield "POST", "/category", {"category_name": CATEGORY}, None
    for event_type, spec in schema["events"].items():
        quoted = urllib.parse.quote(event_type, safe="")
        form = {"event_type": event_type, "category": CATEGORY, "description": spec.get("description", "")}
        yield "POST", "/event", form, ("PUT", f"/event/{quoted}")
        for prop in spec.get("properties", []):
            kind, is_array = _TYPES.get(prop.get("type", "string"), ("any", False))
            pform = {
                "event_type": event_type,
                "event_property": prop["name"],
                "description": prop.get("description", ""),
                "type": kind,
                "is_array_type": "true" if is_array else "false",
                "is_required": "true" if prop.get("required") else "false",
            }
            yield "POST", "/event-property", pform, ("PUT", f"/event-property/{urllib.parse.quote(prop['name'], safe='')}")


def _already_exists(status: int, body: str) -> bool:
    return status == 409 or "already exist" in body.lower()


class Client:
    def __init__(self, base_url: str, api_key: str, secret_key: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        token = base64.b64encode(f"{api_key}:{secret_key}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Content-Type": "application/x-www-form-urlencoded"}
        self.timeout = timeout

    def send(self, method: str, path: str, form: dict[str, str]) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - https/loopback only
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")


def register(client: Client, out: Any = None) -> dict[str, int]:
    counts = {"created": 0, "updated": 0, "failed": 0}
    for method, path, form, update in planned_requests():
        status, body = client.send(method, path, form)
        if 200 <= status < 300:
            counts["created"] += 1
            continue
        if _already_exists(status, body):
            if update is None:  # the category: nothing to update
                counts["updated"] += 1
                continue
            u_status, u_body = client.send(update[0], update[1], {k: v for k, v in form.items() if k != "event_property"})
            if 200 <= u_status < 300:
                counts["updated"] += 1
                continue
            status, body = u_status, u_body
        counts["failed"] += 1
        name = form.get("event_property") or form.get("event_type") or form.get("category_name")
        print(f"failed: {method} {path} {name}: HTTP {status} {body[:200]}", file=sys.stderr)
        if status in (401, 403):
            print("  fix: check --api-key/--secret-key (the Taxonomy API needs an Enterprise plan)", file=sys.stderr)
            break
    print(f"registered: {counts['created']} created, {counts['updated']} already present (updated), {counts['failed']} failed", file=out or sys.stdout)
    return counts


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # piped into `head`
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return 0


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(
        prog="amplitude-ai-register-catalog",
        description="Register the [Agent] event types and properties in your Amplitude data catalog.",
    )
    parser.add_argument("--api-key", default=os.environ.get("AMPLITUDE_API_KEY"))
    parser.add_argument("--secret-key", default=os.environ.get("AMPLITUDE_SECRET_KEY"))
    parser.add_argument("--eu", action="store_true", help="use the EU data-residency endpoint")
    parser.add_argument("--server-url", default=os.environ.get(ENV_URL), help=f"Taxonomy API base URL (env {ENV_URL})")
    parser.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    base = args.server_url or (EU_URL if args.eu else US_URL)
    if args.dry_run:
        n = 0
        for method, path, form, _update in planned_requests():
            print(f"{method} {base}{path} {json.dumps(form, ensure_ascii=False)}")
            n += 1
        print(f"dry run: {n} request(s) would be sent to {base}", file=sys.stderr)
        return 0
    if not args.api_key or not args.secret_key:
        print("amplitude-ai-register-catalog: --api-key and --secret-key are required (or --dry-run)", file=sys.stderr)
        return 2
    try:
        counts = register(Client(base, args.api_key, args.secret_key))
    except (urllib.error.URLError, OSError) as exc:
        print(f"amplitude-ai-register-catalog: cannot reach {base}: {getattr(exc, 'reason', exc)}", file=sys.stderr)
        return 1
    return 1 if counts["failed"] else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
