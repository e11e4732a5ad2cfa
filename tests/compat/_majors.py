"""Build (once, cached) an isolated venv per pinned previous-major SDK and run provider tests in it.

Each venv holds only third-party packages: the pinned SDK, our runtime dependencies and the test
tools. ``amplitude_ai`` comes from this checkout through a symlink on ``PYTHONPATH`` (made per run),
so a cached venv never points at a stale clone. Venvs live under
``$AMPLITUDE_AI_COMPAT_CACHE`` (default ``$XDG_CACHE_HOME/amplitude-ai-compat``, else
``~/.cache/amplitude-ai-compat``), one folder per requirement set, reused between runs.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[2]
PROVIDERS = "tests/providers"

# What every compat venv gets besides the SDK under test (same floors as pyproject.toml).
COMMON = ("amplitude-analytics>=1.1", "genai-prices>=0.0.30", "pytest>=8", "pytest-asyncio>=0.23", "httpx>=0.27")

OPENAI_MODULES = ("test_openai.py", "test_transparency_openai.py", "test_parity.py", "test_wrap.py", "test_patching.py")


@dataclass(frozen=True)
class Target:
    requirement: str  # exact pin, e.g. "openai==2.54.0"
    modules: tuple[str, ...]
    extra: tuple[str, ...] = field(default=())

    @property
    def dist(self) -> str:
        return self.requirement.split("==", 1)[0]

    @property
    def version(self) -> str:
        return self.requirement.split("==", 1)[1]

    @property
    def id(self) -> str:
        return self.requirement.replace("==", "-")


# The latest release of each previous major (bump the pins when a newer one ships).
TARGETS = (
    Target("openai==2.54.0", OPENAI_MODULES),
    Target("openai==1.109.1", OPENAI_MODULES),
    Target("anthropic==1.17.0", ("test_anthropic.py",)),
    Target("anthropic==0.125.0", ("test_anthropic.py",)),
    Target("mistralai==2.10.1", ("test_mistral.py",)),
    Target("mistralai==1.12.4", ("test_mistral.py",)),
    Target("google-genai==2.34.0", ("test_gemini.py",)),
)


@dataclass
class Outcome:
    target: Target
    status: str  # "passed" | "failed" | "skipped"
    detail: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    built: bool = False
    seconds: float = 0.0


OUTCOMES: list[Outcome] = []  # filled by the tests, printed in the terminal summary


def cache_root() -> Path:
    explicit = os.environ.get("AMPLITUDE_AI_COMPAT_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "amplitude-ai-compat"


def _requirements(target: Target) -> list[str]:
    return [target.requirement, *COMMON, *target.extra]


def venv_dir(target: Target) -> Path:
    key = "\n".join([sys.version.split()[0], sys.base_prefix, *_requirements(target)])
    digest = hashlib.sha256(key.encode()).hexdigest()[:10]
    return cache_root() / f"{target.id}-py{sys.version_info[0]}{sys.version_info[1]}-{digest}"


def _python(venv: Path) -> Path:
    return venv / "bin" / "python"


def _ready(venv: Path) -> bool:
    marker = venv / ".complete"
    if not marker.is_file():
        return False
    probe = subprocess.run([str(_python(venv)), "-c", "import pytest"], capture_output=True)
    if probe.returncode != 0:
        return False
    marker.touch()  # last use, for prune()
    return True


def prune(max_age_days: float = 14) -> None:
    """Drop cached venvs (and abandoned half-built ones) that no current target used for a while."""
    root = cache_root()
    if not root.is_dir():
        return
    keep = {venv_dir(t).name for t in TARGETS}
    cutoff = time.time() - max_age_days * 86400
    for entry in root.iterdir():
        if entry.name in keep or not entry.is_dir():
            continue
        marker = entry / ".complete"
        last_used = (marker if marker.exists() else entry).stat().st_mtime
        if last_used < cutoff:
            shutil.rmtree(entry, ignore_errors=True)


def _index_hosts() -> list[tuple[str, int]]:
    hosts = []
    for url in (os.environ.get("PIP_INDEX_URL") or "https://pypi.org/simple").split():
        parsed = urlparse(url)
        if parsed.hostname:
            hosts.append((parsed.hostname, parsed.port or (443 if parsed.scheme == "https" else 80)))
    return hosts


def index_reachable() -> bool:
    for host, port in _index_hosts():
        try:
            socket.create_connection((host, port), timeout=5).close()
            return True
        except OSError:
            continue
    return False


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def build(target: Target) -> tuple[Path, str | None]:
    """The target's venv, built if missing. Returns (venv, error output or None)."""
    venv = venv_dir(target)
    if _ready(venv):
        return venv, None
    venv.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{venv.name}.", dir=venv.parent))
    try:
        # no pip inside the venv (ensurepip is slow); this interpreter's pip installs into it
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(staging)], check=True, capture_output=True)
        pip = [sys.executable, "-m", "pip", "--python", str(_python(staging)), "install", "--quiet",
               "--disable-pip-version-check", "--only-binary", ":all:", *_requirements(target)]
        done = subprocess.run(pip, capture_output=True, text=True)
        if done.returncode != 0:
            return venv, _tail(done.stdout + done.stderr)
        (staging / ".complete").write_text("\n".join(_requirements(target)) + "\n")
        try:
            staging.rename(venv)
        except OSError:  # a concurrent run finished the same venv first
            if not _ready(venv):
                shutil.rmtree(venv, ignore_errors=True)
                staging.rename(venv)
        return venv, None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


_SUMMARY = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected)")


def _counts(output: str) -> dict[str, int]:
    for line in reversed(output.strip().splitlines()):
        found = _SUMMARY.findall(line)
        if found:
            return {kind.rstrip("s") if kind.startswith("error") else kind: int(n) for n, kind in found}
    return {}


def run(target: Target, shim: Path, can_build: bool) -> Outcome:
    started = time.monotonic()
    venv = venv_dir(target)
    built = not _ready(venv)
    if built and not can_build:
        return Outcome(target, "skipped", f"no package index reachable to build the {target.requirement} venv")
    venv, error = build(target)
    if error is not None:
        if not index_reachable():
            return Outcome(target, "skipped", f"package index unreachable; cannot install {target.requirement}")
        return Outcome(target, "failed", f"installing {target.requirement} failed:\n{error}")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") and not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(shim)
    check = (f"import sys; from importlib.metadata import version; v = version({target.dist!r}); "
             f"sys.exit(0 if v == {target.version!r} else 'installed ' + v + ', pinned {target.version}')")
    probe = subprocess.run([str(_python(venv)), "-c", check], cwd=REPO, env=env, capture_output=True, text=True)
    if probe.returncode != 0:
        return Outcome(target, "failed", f"{target.requirement} not installed as pinned:\n{_tail(probe.stderr)}",
                       built=built, seconds=time.monotonic() - started)
    cmd = [str(_python(venv)), "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
           *(f"{PROVIDERS}/{m}" for m in target.modules)]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    counts = _counts(output)
    outcome = Outcome(target, "passed", _tail(output), counts, built, time.monotonic() - started)
    # a module-level importorskip would silently drop a whole module: that is a failure here
    whole_module_skips = [line for line in output.splitlines() if "could not import" in line]
    if done.returncode != 0 or counts.get("failed") or counts.get("error") or not counts.get("passed"):
        outcome.status = "failed"
    elif whole_module_skips:
        outcome.status = "failed"
        outcome.detail = "a test module was skipped whole:\n" + "\n".join(whole_module_skips)
    return outcome


def make_shim(where: Path) -> Path:
    """A folder holding ``amplitude_ai`` -> this checkout's ``runtime/`` (the package-dir mapping)."""
    where.mkdir(parents=True, exist_ok=True)
    link = where / "amplitude_ai"
    if not link.exists():
        link.symlink_to(REPO / "runtime", target_is_directory=True)
    return where
