"""Where the server may read and write: roots, path resolution and input bounds.

A path is allowed when, after resolving every symlink, it lies inside one of:
the client's roots (MCP roots capability, when the client offers it), the server's
working directory, or a directory listed in ``AMPLITUDE_AI_MCP_ROOTS``
(``os.pathsep``-separated; ``--root`` on the command line adds to it).
Everything else is refused with a :class:`ToolError` that says why.
"""

from __future__ import annotations

import io
import os
import tokenize
from collections.abc import Iterable
from typing import NamedTuple
from pathlib import Path
from urllib.parse import unquote, urlparse

from mcp.server.mcpserver.exceptions import ToolError

ROOTS_ENV = "AMPLITUDE_AI_MCP_ROOTS"

MAX_SOURCE_BYTES = 2 * 1024 * 1024  # `source=` arguments
MAX_FILE_BYTES = 2 * 1024 * 1024  # files read from disk
MAX_SCAN_FILES = 50_000  # Python files in one scan_project call
MAX_PATH_CHARS = 4096
MAX_QUERY_CHARS = 500

# Folders the scanner always skips (besides hidden ones); the scanner's own list is added by callers.
_SKIP_DIRS = frozenset({"node_modules", "__pycache__", "site-packages"})


def _file_uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


def configured_roots() -> list[Path]:
    """The server's own roots: its working directory and ``AMPLITUDE_AI_MCP_ROOTS``.

    A working directory that is the filesystem root (``/``: how some desktop clients start
    servers) is not a root: it would allow every path. List directories explicitly instead.
    """
    cwd = Path.cwd()
    roots = [] if Path(os.path.realpath(cwd)) == Path(cwd.anchor) else [cwd]
    for item in os.environ.get(ROOTS_ENV, "").split(os.pathsep):
        if item.strip():
            roots.append(Path(item.strip()).expanduser())
    return roots


def allowed_roots(client_root_uris: Iterable[str] = ()) -> list[Path]:
    """Every allowed root, symlinks resolved, duplicates removed, order kept."""
    candidates = configured_roots()
    for uri in client_root_uris:
        path = _file_uri_to_path(uri)
        if path is not None:
            candidates.append(path)
    out: list[Path] = []
    for root in candidates:
        try:
            resolved = Path(os.path.realpath(root))
        except (OSError, ValueError):
            continue
        if resolved not in out:
            out.append(resolved)
    return out


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def resolve_path(
    raw: str,
    roots: list[Path],
    *,
    kind: str = "file",
    must_exist: bool = True,
    argument: str = "file_path",
) -> Path:
    """Resolve ``raw`` (symlinks included) and require it to lie inside ``roots``.

    ``kind`` is ``"file"`` or ``"dir"``. Relative paths are taken from the server's
    working directory.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise ToolError(f"{argument} is empty: pass a path to a {'directory' if kind == 'dir' else 'file'}")
    if "\x00" in raw:
        raise ToolError(f"{argument} contains a NUL byte")
    if len(raw) > MAX_PATH_CHARS:
        raise ToolError(f"{argument} is longer than {MAX_PATH_CHARS} characters")
    candidate = Path(raw)
    if not candidate.is_absolute():
        candidate = Path.cwd() / candidate
    try:
        resolved = Path(os.path.realpath(candidate))
    except (OSError, ValueError) as exc:
        raise ToolError(f"{argument} {raw!r} cannot be resolved: {exc}") from None
    if not any(_inside(resolved, root) for root in roots):
        listed = ", ".join(str(r) for r in roots) or "(none)"
        raise ToolError(
            f"{argument} {raw!r} resolves to {resolved}, which is outside the allowed roots ({listed}). "
            f"Start the server in the project directory, add the directory to {ROOTS_ENV}, "
            "or expose it as a client root."
        )
    if must_exist:
        if not resolved.exists():
            raise ToolError(f"{argument} {raw!r} does not exist")
        if kind == "dir" and not resolved.is_dir():
            raise ToolError(f"{argument} {raw!r} is not a directory")
        if kind == "file" and not resolved.is_file():
            raise ToolError(f"{argument} {raw!r} is not a regular file")
    return resolved


def check_source(source: str, argument: str = "source") -> str:
    """Bound and sanity-check source text passed inline."""
    if len(source) > MAX_SOURCE_BYTES or len(source.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        raise ToolError(f"{argument} is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MB; pass a smaller file")
    if "\x00" in source:
        raise ToolError(f"{argument} contains NUL bytes: it looks binary, not Python source")
    return source


def read_source_file(path: Path, argument: str = "file_path") -> tuple[str, str]:
    """Read a Python source file as ``(text, encoding)`` (PEP 263 cookie and BOM honoured, newlines
    kept), refusing large and binary files with a clear message."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ToolError(f"{argument} {path} cannot be read: {exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise ToolError(
            f"{argument} {path} is {size:,} bytes, over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ToolError(f"{argument} {path} cannot be read: {exc.strerror or exc}") from None
    if b"\x00" in data:
        raise ToolError(f"{argument} {path} is a binary file, not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding), encoding
    except (SyntaxError, LookupError, UnicodeDecodeError):
        raise ToolError(
            f"{argument} {path} is not decodable Python source (binary file or wrong encoding declaration)"
        ) from None


class TreeSurvey(NamedTuple):
    python_files: int  # stops counting past the limit
    escaping_links: list[str]  # root-relative paths of file symlinks that resolve outside every root


def survey_tree(root: Path, roots: list[Path], skip_dirs: Iterable[str] = (), limit: int = MAX_SCAN_FILES) -> TreeSurvey:
    """Count ``*.py`` files under ``root`` and find symlinked files that lead out of the roots.

    Skips only folders the scanner skips too (hidden ones, ``skip_dirs``, virtualenvs), so every
    file the scanner could open is looked at. Directory symlinks are never followed (by either).
    """
    skip = set(skip_dirs) | set(_SKIP_DIRS)
    count = 0
    escaping: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        if "pyvenv.cfg" in filenames and Path(dirpath) != root:
            dirnames[:] = []
            continue
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in skip and not d.endswith(".egg-info")]
        for name in filenames:
            if not name.endswith(".py"):
                continue
            count += 1
            full = os.path.join(dirpath, name)
            if os.path.islink(full):
                real = Path(os.path.realpath(full))
                if not any(_inside(real, r) for r in roots):
                    escaping.append(Path(full).relative_to(root).as_posix())
        if count > limit:
            break
    return TreeSurvey(count, escaping)


def count_python_files(root: Path, limit: int = MAX_SCAN_FILES) -> int:
    return survey_tree(root, [Path(os.path.realpath(root))], limit=limit).python_files
