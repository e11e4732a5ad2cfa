"""The worker that records streams freed by the cyclic collector: started on demand, the
collector hook registered only then, and a forked child starts afresh."""

import os
import subprocess
import sys
import textwrap

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, capture_output=True, text=True, timeout=60
    )


def test_importing_a_wrapper_adds_no_hook_to_the_collector_until_a_stream_exists():
    out = _run(
        """
        import gc
        import amplitude_ai.providers.openai  # noqa: F401
        from amplitude_ai.providers import _base
        before = _base._gc_phase in gc.callbacks
        _base._ensure_worker()  # what the first stream proxy does
        print(before, _base._gc_phase in gc.callbacks, gc.callbacks.count(_base._gc_phase))
        """
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True", "1"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_starts_its_own_worker_and_leaves_the_parents_queue_alone():
    out = _run(
        """
        import os
        from amplitude_ai.providers import _base
        _base._ensure_worker()
        parent_queue = _base._deferred
        pid = os.fork()
        if pid == 0:
            fresh = _base._worker is None and _base._deferred is not parent_queue
            _base._ensure_worker()
            alive = _base._worker.is_alive()
            os._exit(0 if fresh and alive and _base.wait_for_deferred(1.0) else 3)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status), _base._worker.is_alive())
        """
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0", "True"]
