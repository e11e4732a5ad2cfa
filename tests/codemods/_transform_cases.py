"""The before/after cases of the snapshot suite: every transform's EXAMPLES plus the
fixture folder ``fixtures/transforms/`` (one module per case)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from amplitude_ai.codemods import transforms

FIXTURES = Path(__file__).parent / "fixtures" / "transforms"


@dataclass(frozen=True)
class Case:
    id: str
    before: str
    expected: str | None  # exact output an EXAMPLE promises; None for fixtures (snapshot only)
    origin: str


def example_cases() -> list[Case]:
    cases = []
    for transform in transforms.TRANSFORMS:
        module = __import__(transform.__module__, fromlist=["EXAMPLES"])
        short = transform.__module__.rsplit(".", 1)[-1]
        for name, before, after in module.EXAMPLES:
            cases.append(Case(f"{short}-{name}", before, after, f"{short}.EXAMPLES"))
    return cases


def fixture_cases() -> list[Case]:
    return [
        Case(path.stem, path.read_text(encoding="utf-8"), None, f"fixtures/transforms/{path.name}")
        for path in sorted(FIXTURES.glob("*.py"))
    ]


ALL_CASES = example_cases() + fixture_cases()
