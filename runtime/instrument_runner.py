"""``amplitude-ai-instrument CMD ...``: run a program with its LLM clients patched, no code changes.

The runner puts a tiny ``sitecustomize`` directory in front of ``PYTHONPATH`` and then replaces
itself with ``CMD``. Every Python interpreter the command starts (``python app.py``,
``uvicorn app:app``, ``python -m pkg``, subprocesses too) runs our bootstrap at startup: it builds
an ``AmplitudeAI`` from the environment, calls ``patch()``, then loads any ``sitecustomize`` that
was already there. Programs that are not Python run unchanged.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

USAGE = """\
usage: amplitude-ai-instrument COMMAND [ARGS ...]

Run COMMAND with every OpenAI, Azure OpenAI, Anthropic, Gemini and Mistral client it creates
tracked by amplitude-ai (the same as calling amplitude_ai.patch() at the top of the program),
without changing its source.

environment:
  AMPLITUDE_AI_API_KEY       Amplitude API key (without it: dry run, events printed, nothing sent)
  AMPLITUDE_AI_AUTO_PATCH    must be "true" to patch; otherwise COMMAND runs untouched
  AMPLITUDE_AI_CONTENT_MODE  "full" (default), "metadata_only" or "customer_enriched"
  AMPLITUDE_AI_DEBUG         "true" prints a summary of every event on stderr

example:
  AMPLITUDE_AI_API_KEY=... AMPLITUDE_AI_AUTO_PATCH=true amplitude-ai-instrument python app.py

Only [Agent] AI Response events without user identity come out of this mode; use sessions and
the provider wrappers for per-user analytics.
"""

_BOOT_MARK = "AMPLITUDE_AI_INSTRUMENT_BOOT"
_SITECUSTOMIZE = """\
# written by amplitude-ai-instrument: patch LLM clients, then load the original sitecustomize
try:
    from amplitude_ai.instrument_runner import _bootstrap
    _bootstrap(__file__)
except Exception as _exc:  # never stop the program from starting
    import sys as _sys
    print(f"amplitude-ai-instrument: not instrumenting ({_exc})", file=_sys.stderr)
"""


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _boot_dir() -> str:
    """A directory holding our ``sitecustomize.py`` (reused across runs of the same user)."""
    base = os.path.join(tempfile.gettempdir(), f"amplitude-ai-instrument-{os.getuid() if hasattr(os, 'getuid') else 'u'}")
    os.makedirs(base, exist_ok=True)
    path = os.path.join(base, "sitecustomize.py")
    try:
        with open(path, encoding="utf-8") as fh:
            current = fh.read()
    except OSError:
        current = None
    if current != _SITECUSTOMIZE:
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(_SITECUSTOMIZE)
        os.replace(tmp, path)
    return base


def _bootstrap(boot_file: str) -> None:
    """Runs inside the instrumented interpreter, from our sitecustomize."""
    boot_dir = os.path.dirname(os.path.abspath(boot_file))
    try:
        if _truthy(os.environ.get("AMPLITUDE_AI_AUTO_PATCH")):
            import amplitude_ai

            ai = amplitude_ai.AmplitudeAI()  # configured from the AMPLITUDE_AI_* environment
            amplitude_ai.patch(amplitude=ai)
    finally:
        _chain_sitecustomize(boot_dir)


def _chain_sitecustomize(boot_dir: str) -> None:
    """Import the ``sitecustomize`` ours shadowed, if the environment has one."""
    ours = sys.modules.pop("sitecustomize", None)
    saved = list(sys.path)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != boot_dir]
    try:
        import importlib

        importlib.import_module("sitecustomize")
    except ImportError:
        pass
    except Exception as exc:
        print(f"amplitude-ai-instrument: the original sitecustomize failed: {exc}", file=sys.stderr)
    finally:
        sys.path[:] = saved
        if "sitecustomize" not in sys.modules and ours is not None:
            sys.modules["sitecustomize"] = ours


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0 if args else 2
    if args[0] == "--":
        args = args[1:]
        if not args:
            print(USAGE, end="", file=sys.stderr)
            return 2
    command = args[0]
    executable = shutil.which(command) or (command if os.path.exists(command) else None)
    if executable is None:
        print(f"amplitude-ai-instrument: command not found: {command}", file=sys.stderr)
        return 127
    env = dict(os.environ)
    if not _truthy(env.get("AMPLITUDE_AI_AUTO_PATCH")):
        print(
            'amplitude-ai-instrument: AMPLITUDE_AI_AUTO_PATCH is not "true"; running the command without patching',
            file=sys.stderr,
        )
    else:
        if not env.get("AMPLITUDE_AI_API_KEY"):
            print(
                "amplitude-ai-instrument: AMPLITUDE_AI_API_KEY is not set; dry run (events are printed, nothing is sent)",
                file=sys.stderr,
            )
        boot = _boot_dir()
        env["PYTHONPATH"] = os.pathsep.join([boot, *(p for p in [env.get("PYTHONPATH")] if p)])
        env[_BOOT_MARK] = "1"
    try:
        os.execvpe(executable, args, env)
    except OSError as exc:
        print(f"amplitude-ai-instrument: cannot run {command}: {exc.strerror or exc}", file=sys.stderr)
        return 126
    return 0  # pragma: no cover - exec does not return


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
