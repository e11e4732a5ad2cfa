"""Runs every previous-major target once per session, in parallel, and reports what each ran."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.compat import _majors


@pytest.fixture(scope="session")
def compat_outcomes(tmp_path_factory):
    """Target id -> Future[Outcome]; builds (or reuses) each venv and runs its provider tests."""
    _majors.prune()
    shim = _majors.make_shim(tmp_path_factory.mktemp("compat-shim"))
    need_build = any(not _majors._ready(_majors.venv_dir(t)) for t in _majors.TARGETS)
    can_build = not need_build or _majors.index_reachable()
    pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="compat")
    futures = {t.id: pool.submit(_majors.run, t, shim, can_build) for t in _majors.TARGETS}
    yield futures
    pool.shutdown(wait=True)


def pytest_terminal_summary(terminalreporter):
    if not _majors.OUTCOMES:
        return
    terminalreporter.section("previous SDK majors")
    for o in _majors.OUTCOMES:
        counts = ", ".join(f"{n} {k}" for k, n in o.counts.items()) or (o.detail.splitlines() or [""])[0]
        how = "built" if o.built else "cached venv"
        terminalreporter.write_line(f"{o.target.requirement:<24} {o.status:<8} {counts} ({how}, {o.seconds:.0f}s)")
