"""Download the pinned accuracy corpus and lay out one source tree per package.

    .venv/bin/python bench/accuracy/fetch.py

Artifacts go to ``bench/.cache/dl/`` (pip download, no dependencies, wheels only) and are
checked against the sha256 in ``corpus.toml``; the selected ``.py`` files of each wheel are
extracted to ``bench/.cache/corpus/<name>/`` (paths as inside the wheel). Idempotent: an
artifact with the right hash is not downloaded again, and a package tree whose stamp matches
is not extracted again. Any mismatch is an error (exit 1) naming the package.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
CACHE = BENCH / ".cache"
DL = CACHE / "dl"
CORPUS = CACHE / "corpus"
DEFAULT_INCLUDE = ["**/*.py"]


def load_corpus() -> list[dict]:
    with open(HERE / "corpus.toml", "rb") as fh:
        return tomllib.load(fh)["package"]


def glob_to_regex(glob: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif glob[i] == "*":
            out += "[^/]*"
            i += 1
        elif glob[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(glob[i])
            i += 1
    return re.compile(out + r"\Z")


def selected(name: str, include: list[str], exclude: list[str]) -> bool:
    if not name.endswith(".py"):
        return False
    if not any(glob_to_regex(g).match(name) for g in include):
        return False
    return not any(glob_to_regex(g).match(name) for g in exclude)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def package_root(pkg: dict) -> Path:
    return CORPUS / pkg["name"]


def ensure_artifact(pkg: dict) -> Path:
    DL.mkdir(parents=True, exist_ok=True)
    art = DL / pkg["file"]
    if art.exists() and sha256(art) == pkg["sha256"]:
        return art
    if art.exists():
        art.unlink()
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
        "--quiet", "-d", str(DL), f"{pkg['name']}=={pkg['version']}",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not art.exists():
        raise SystemExit(f"fetch: could not download {pkg['name']}=={pkg['version']}:\n{proc.stderr[-2000:]}")
    got = sha256(art)
    if got != pkg["sha256"]:
        raise SystemExit(f"fetch: sha256 mismatch for {pkg['file']}: expected {pkg['sha256']}, got {got}")
    return art


def ensure_tree(pkg: dict, art: Path) -> int:
    root = package_root(pkg)
    stamp = root / ".stamp.json"
    include = pkg.get("include", DEFAULT_INCLUDE)
    exclude = pkg.get("exclude", [])
    want = {"sha256": pkg["sha256"], "include": include, "exclude": exclude}
    if stamp.exists() and json.loads(stamp.read_text()) == want:
        return sum(1 for _ in root.rglob("*.py"))
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    n = 0
    with zipfile.ZipFile(art) as zf:
        for info in zf.infolist():
            if info.is_dir() or not selected(info.filename, include, exclude):
                continue
            dest = root / info.filename
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(zf.read(info))
            n += 1
    stamp.write_text(json.dumps(want))
    return n


def main() -> int:
    total = 0
    for pkg in load_corpus():
        art = ensure_artifact(pkg)
        n = ensure_tree(pkg, art)
        total += n
        print(f"{pkg['name']}=={pkg['version']}: {n} files")
    print(f"corpus: {total} files in {CORPUS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
