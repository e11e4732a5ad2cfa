"""The before/after cases of the snapshot suite: every transform's EXAMPLES plus the
fixture folder ``fixtures/transforms/`` (one module per case)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from amplitude_ai.codemods import transforms

FIXTURES = Path(__file__).resolve().parents[1] / "codemods" / "fixtures" / "transforms"


@dataclass(frozen=True)
class Case:
    id: str
    before: str
    expected: str | None  # exact output an EXAMPLE promises; None for fixtures (snapshot only)
    origin: str
    path: str = ""  # the file name the case is instrumented as (some frameworks go by file name)


def example_cases() -> list[Case]:
    cases = []
    for transform in transforms.TRANSFORMS:
        module = __import__(transform.__module__, fromlist=["EXAMPLES"])
        short = transform.__module__.rsplit(".", 1)[-1]
        for name, before, after in module.EXAMPLES:
            cases.append(Case(f"{short}-{name}", before, after, f"{short}.EXAMPLES", "example.py"))
    return cases


PATH_HEADER = "# fixture-path: "


def fixture_cases() -> list[Case]:
    """Fixture modules; a first line ``# fixture-path: shop/views.py`` sets the file name."""
    cases = []
    for path in sorted(FIXTURES.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        first = text.split("\n", 1)[0]
        as_path = first[len(PATH_HEADER):].strip() if first.startswith(PATH_HEADER) else f"{path.stem}.py"
        cases.append(Case(path.stem, text, None, f"fixtures/transforms/{path.name}", as_path))
    return cases


ALL_CASES = example_cases() + fixture_cases()
