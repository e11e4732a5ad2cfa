"""The provider wrapper tests, run on the previous major of each SDK in its own cached venv.

See ``_majors.py`` for the pins and the cache location. The current majors run in the main suite.
"""

from __future__ import annotations

import pytest

from tests.compat import _majors


@pytest.mark.parametrize("target", _majors.TARGETS, ids=lambda t: t.id)
def test_provider_tests_pass_on_previous_major(target, compat_outcomes):
    outcome = compat_outcomes[target.id].result()
    _majors.OUTCOMES.append(outcome)
    if outcome.status == "skipped":
        pytest.skip(outcome.detail)
    assert outcome.status == "passed", f"{target.requirement}: {outcome.counts}\n{outcome.detail}"
