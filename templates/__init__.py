"""jinja2 templates shipped with amplitude-ai (bootstrap module, verify test, snippets).

``render(name, **vars)`` loads ``<name>`` (``.j2`` appended when missing) from this
package through ``importlib.resources``, so it works from a wheel, a zip or a checkout.
jinja2 is imported only inside ``render``: ``import amplitude_ai`` never loads it.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

__all__ = ["render", "template_names"]


def _source(name: str) -> tuple[str, str]:
    base = resources.files(__name__)
    for candidate in (name, f"{name}.j2"):
        entry = base.joinpath(candidate)
        if entry.is_file():
            return candidate, entry.read_text(encoding="utf-8")
    raise LookupError(f"no template named {name!r} in amplitude_ai.templates")


def template_names() -> list[str]:
    """The templates this package ships (file names, ``.j2`` included)."""
    return sorted(e.name for e in resources.files(__name__).iterdir() if e.name.endswith(".j2"))


def render(name: str, **variables: Any) -> str:
    """Render template ``name`` with ``variables``; undefined variables are an error."""
    import jinja2  # lazy: only the engine and MCP server render templates

    filename, text = _source(name)
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # we render Python, YAML and dotenv, never HTML
    )
    env.filters["pyrepr"] = repr
    # a double-quoted Python string literal (JSON string syntax is valid Python) for user input
    env.filters["pystr"] = lambda value: json.dumps(str(value))
    return env.from_string(text, globals={"template_name": filename}).render(**variables)
