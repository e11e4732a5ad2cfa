"""Differential fuzz: the built-in PII redaction of this checkout against an older copy.

    .venv/bin/python bench/runtime/fuzz_redaction.py /tmp/privacy_old.py [--cases 500000] [--seed 1]

The argument is a copy of ``runtime/core/privacy.py`` taken before a change (``git show
REV:runtime/core/privacy.py > /tmp/privacy_old.py``). Both modules' ``redact_builtin`` run on
the bench contents (``driver.content``), every vector in ``tests/runtime/pii_vectors.json``,
random slices of those, and ``--cases`` random texts glued together from PII-like fragments
(then lightly mutated, character by character). Any input on which the two disagree is printed;
the exit status is 1 when there is at least one. A refactor meant to keep the output must leave
zero differences.

``--ab`` times the two instead: ``Redactor(redact_pii=True).redact`` on the bench contents, old
and new interleaved in one process (medians in µs per call).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import statistics
import string
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from driver import content  # noqa: E402


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


# -- fragments ---------------------------------------------------------------------------
WORDS = ["call", "mail", "SSN", "card", "ip", "host", "v", "ver", "ip6", "fe", "Note", "x", "é", "über",
         "日本", "naïve", "ß", "_id", "ORD", "REF", "tel", "https", "key", "abc", "deadbeef", "Ωmega", "١٢٣"]
SEPARATORS = ["", "", " ", " ", " ", ", ", "; ", ":", "::", "@", ".", "..", "-", "+", "(", ")", "\n", "_",
              "/", "%", "'", "[", "]", "#", "\t", "=", "é", "0"]
TLDS = ["com", "io", "co.uk", "org", "fr", "d", "x1", "museum", "ÉCOLE", "técnico", "c0m", "a-b"]


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def hexgroup(rng: random.Random) -> str:
    n = rng.choice([1, 1, 2, 3, 4, 4, 4, 5])
    g = "".join(rng.choice("0123456789abcdefABCDEF") for _ in range(n))
    return g


def email(rng: random.Random) -> str:
    local_chars = string.ascii_letters + string.digits + "._%+'-" + "éü_"
    local = "".join(rng.choice(local_chars) for _ in range(rng.choice([1, 2, 5, 12, 63, 64, 65, 70])))
    labels = []
    for _ in range(rng.randint(1, 3)):
        label = "".join(rng.choice(string.ascii_letters + string.digits + "-_é") for _ in range(rng.randint(1, 8)))
        labels.append(label)
    domain = ".".join(labels) + "." + rng.choice(TLDS)
    if rng.random() < 0.1:
        domain += rng.choice([".", "-", "_", ".x", ".9", "a" * 30])
    return f"{local}@{domain}"


def octet(rng: random.Random) -> str:
    return rng.choice([str(rng.randint(0, 255)), str(rng.randint(0, 999)), "0" + str(rng.randint(0, 99)), "255", "256"])


def ipv4(rng: random.Random) -> str:
    return ".".join(octet(rng) for _ in range(rng.choice([2, 3, 4, 4, 4, 4, 5])))


def ipv6(rng: random.Random) -> str:
    n = rng.choice([8, 8, 8, 7, 9, 6])
    groups = [hexgroup(rng) if rng.random() < 0.9 else "0" for _ in range(n)]
    if rng.random() < 0.2:  # IPv4 tail
        groups = groups[: max(1, n - 2)] + [ipv4(rng)]
    if rng.random() < 0.7:  # compress a run
        i = rng.randrange(len(groups) + 1)
        j = rng.randrange(i, len(groups) + 1)
        text = ":".join(groups[:i]) + "::" + ":".join(groups[j:])
    else:
        text = ":".join(groups)
    if rng.random() < 0.05:
        text = text.replace("::", ":::", 1)
    if rng.random() < 0.15:
        text += "%" + rng.choice(["eth0", "1", "en0.1", "x" * 16, ""])
    if rng.random() < 0.1:
        text = rng.choice(["ip6:", "v6:", "fe:", "addr:", "::"]) + text
    if rng.random() < 0.1:  # glued to what comes before: a word, a fifth hex digit, a token character
        text = rng.choice(["a", "g", "_", "1", "ffff1", ".", "%", ":", "-", "é"]) + text
    if rng.random() < 0.15:  # ... or to what follows: full stops, a zone sign, a colon, a word
        text += rng.choice([".", "..", ".x", ".:", ":", "::", "%", "_", "g", "-", "é", ". x"])
    return text


def luhn_complete(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return body + str((10 - total % 10) % 10)


def card(rng: random.Random) -> str:
    prefix = rng.choice(["4", "51", "55", "2221", "2720", "2800", "34", "37", "30", "36", "38", "35", "6011", "65",
                         "50", "56", "1", "9", "0", "33"])
    length = rng.choice([12, 13, 14, 15, 16, 16, 16, 17, 18, 19, 20])
    body = prefix + digits(rng, max(0, length - 1 - len(prefix)))
    number = luhn_complete(body) if rng.random() < 0.7 else body + digits(rng, 1)
    style = rng.random()
    if style < 0.4:
        return number
    sep = rng.choice([" ", "-", ".", "  "])
    if style < 0.7:
        return sep.join(number[i : i + 4] for i in range(0, len(number), 4))
    return sep.join([number[:4], number[4:10], number[10:]])


def phone(rng: random.Random) -> str:
    area = rng.choice([digits(rng, 3), "555", "015", "212"])
    sep = rng.choice(["", " ", "-", ".", "  ", "/"])
    body = f"{digits(rng, 3)}{sep}{digits(rng, 4)}"
    forms = [
        f"({area}) {body}", f"({area}){body}", f"{area}{sep}{body}", f"+1 {area} {body}", f"+1{area}{body}",
        f"1-{area}-{body}", f"1{area}{body}", f"+1 ({area}) {body}", f"++1 {area} {body}", f"+{digits(rng, rng.randint(1, 4))} {digits(rng, rng.randint(1, 5))} {digits(rng, rng.randint(2, 6))}",
        f"+{digits(rng, 2)} ({digits(rng, 1)}) {digits(rng, 4)} {digits(rng, 4)}", f"+{digits(rng, rng.randint(6, 16))}",
        f"+{digits(rng, 2)}-{digits(rng, 3)}-{digits(rng, 3)}-{digits(rng, 3)}", digits(rng, rng.choice([7, 10, 11, 12])),
    ]
    return rng.choice(forms)


def misc(rng: random.Random) -> str:
    forms = [
        f"{digits(rng, 3)}-{digits(rng, 2)}-{digits(rng, 4)}", f"{digits(rng, 3)} {digits(rng, 2)} {digits(rng, 4)}",
        f"{digits(rng, 4)}-{digits(rng, 2)}-{digits(rng, 2)}", f"{rng.randint(0, 30)}.{rng.randint(0, 99)}.{rng.randint(0, 999)}",
        f"{digits(rng, 2)}:{digits(rng, 2)}:{digits(rng, 2)}", "0x" + hexgroup(rng) * 3, hexgroup(rng) + ":" + hexgroup(rng),
        digits(rng, rng.randint(1, 22)), f"v{rng.randint(0, 9)}.{rng.randint(0, 9)}", "$1,249.00", "(" + digits(rng, 3) + ")",
        rng.choice(WORDS), rng.choice(WORDS) + rng.choice(WORDS), "::", ":" * rng.randint(1, 8), "@" * rng.randint(1, 2),
        "".join(rng.choice("0123456789abcdef:.%") for _ in range(rng.randint(1, 20))),
        "".join(rng.choice("0123456789 -.()+") for _ in range(rng.randint(1, 20))),
    ]
    return rng.choice(forms)


def soup(rng: random.Random) -> str:
    """Characters the detectors care about, in random order (long runs sometimes)."""
    alphabet = rng.choice(["0123456789 -.()+", "0123456789abcdefABCDEF:.%g", "ab-_.é1@ Z", "0123456789:@.-+ x"])
    text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
    return text.replace("Z", "z" * rng.randint(1, 70))


MAKERS = [email, ipv4, ipv6, card, phone, phone, misc, misc, misc, soup]
PRINTABLE = string.ascii_letters + string.digits + " .:-@()+_%'\n é日"


def random_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 8)):
        parts.append(rng.choice(MAKERS)(rng))
        parts.append(rng.choice(SEPARATORS))
    text = "".join(parts)
    for _ in range(rng.choice([0, 0, 0, 1, 2, 4])):  # point mutations
        if not text:
            break
        i = rng.randrange(len(text))
        op = rng.random()
        if op < 0.33:
            text = text[:i] + text[i + 1 :]
        elif op < 0.66:
            text = text[:i] + rng.choice(PRINTABLE) + text[i:]
        else:
            text = text[:i] + rng.choice(PRINTABLE) + text[i + 1 :]
    return text


def ab(old, new, rounds: int = 400, inner: int = 20) -> None:
    """Old and new in turns (which one goes first alternates), so machine noise hits both alike."""
    clock = time.perf_counter_ns
    for kind in ("dense", "realistic"):
        text = content(kind)
        redact = {"old": old.Redactor(redact_pii=True).redact, "new": new.Redactor(redact_pii=True).redact}
        times: dict[str, list[float]] = {"old": [], "new": []}
        for r in range(rounds):
            for name in ("old", "new") if r % 2 else ("new", "old"):
                fn = redact[name]
                t0 = clock()
                for _ in range(inner):
                    fn(text)
                times[name].append((clock() - t0) / inner / 1000)
        o, n = statistics.median(times["old"]), statistics.median(times["new"])
        print(f"{kind:10s} old {o:6.2f} µs  new {n:6.2f} µs  saved {o - n:5.2f} µs ({n / o:.3f}x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path, help="path of an older copy of runtime/core/privacy.py")
    parser.add_argument("--new", type=Path, default=ROOT / "runtime" / "core" / "privacy.py")
    parser.add_argument("--cases", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ab", action="store_true", help="time old vs new instead of comparing outputs")
    args = parser.parse_args()
    for path in (args.old, args.new):
        if not path.is_file():
            parser.error(f"no such file: {path}")
    old, new = load(args.old, "privacy_old"), load(args.new, "privacy_new")
    if args.ab:
        ab(old, new)
        return 0
    rng = random.Random(args.seed)

    fixed = [content("dense"), content("realistic")]
    vectors = json.loads((ROOT / "tests" / "runtime" / "pii_vectors.json").read_text(encoding="utf-8"))["vectors"]
    fixed += [v["input"] for v in vectors] + [v["expected"] for v in vectors]
    for base in list(fixed[:2]):
        for _ in range(2000):
            i = rng.randrange(len(base))
            fixed.append(base[i : i + rng.randint(1, 120)])

    started = time.perf_counter()
    differences = 0
    checked = 0

    def compare(text: str) -> None:
        nonlocal differences, checked
        checked += 1
        a, b = old.redact_builtin(text), new.redact_builtin(text)
        if a != b:
            differences += 1
            if differences <= 20:
                print(f"DIFF input={text!r}\n     old={a!r}\n     new={b!r}")

    for text in fixed:
        compare(text)
    for _ in range(args.cases):
        compare(random_text(rng))
    elapsed = time.perf_counter() - started
    print(f"{checked} inputs, {differences} differences, {elapsed:.1f} s (seed {args.seed})")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
