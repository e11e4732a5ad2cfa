"""Rebuild every ``examples/<name>/instrumented/`` from ``original/`` (and check them).

    python examples/build.py            # rewrite instrumented/ + its verify test
    python examples/build.py --check    # exit 1 when a committed instrumented/ is stale

Steps per example: copy ``original/`` → run the engine (``fix_paths``, agent id from
``example.json``) → apply the documented hand edits (``example.json`` ``hand_edits``: exact
string replacements a user makes after the engine's TODOs) → generate the verify test into
``tests/test_amplitude_verify.py``. tests/e2e compares the result with what is committed.
"""

from __future__ import annotations

import filecmp
import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
IGNORE = shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.pyc")


def examples() -> list[Path]:
    return sorted(p for p in HERE.iterdir() if (p / "example.json").is_file())


def build(example: Path, dest: Path) -> list[str]:
    """Produce the instrumented app of ``example`` in ``dest`` (must not exist); return warnings."""
    from amplitude_ai.codemods.instrument import fix_paths
    from amplitude_ai.codemods.verify import generate_verify_test

    meta = json.loads((example / "example.json").read_text())
    shutil.copytree(example / "original", dest, ignore=IGNORE)
    (dest / "README.md").unlink(missing_ok=True)
    fix_paths([dest], agent_id=meta["agent_id"])
    for edit in meta.get("hand_edits", []):
        path = dest / edit["file"]
        text = path.read_text()
        if text.count(edit["old"]) != 1:
            raise SystemExit(f"{example.name}: hand edit for {edit['file']} no longer applies: {edit['old']!r}")
        path.write_text(text.replace(edit["old"], edit["new"]))
    return generate_verify_test(dest, write=True)["warnings"]


def differences(a: Path, b: Path) -> list[str]:
    out: list[str] = []
    cmp = filecmp.dircmp(a, b, ignore=["__pycache__", ".pytest_cache", "README.md"])

    def walk(c: filecmp.dircmp, prefix: str) -> None:
        out.extend(prefix + n for n in c.left_only + c.right_only)
        out.extend(prefix + n for n in c.diff_files)
        for name, sub in c.subdirs.items():
            walk(sub, prefix + name + "/")

    walk(cmp, "")
    return out


def main(argv: list[str]) -> int:
    check = "--check" in argv
    status = 0
    for example in examples():
        with tempfile.TemporaryDirectory() as tmp:
            built = Path(tmp) / "instrumented"
            warnings = build(example, built)
            target = example / "instrumented"
            if check:
                diff = differences(built, target)
                if diff:
                    print(f"{example.name}: instrumented/ is stale: {', '.join(diff)}")
                    status = 1
                continue
            readme = target / "README.md"
            saved = readme.read_text() if readme.exists() else None
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(built, target)
            if saved is not None:
                readme.write_text(saved)
            print(f"{example.name}: rebuilt" + "".join(f"\n  warning: {w}" for w in warnings))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
