"""N wrapped (or bare) SDK calls on the in-process stub, for counting instructions under callgrind.

Run by ``run.py`` (not directly): ``MODE=bare|wrapped PROVIDER=openai|anthropic|gemini
STREAM=0|1 N=300``. Warm-up calls come first, then ``gc.collect(); gc.freeze()`` (so a full
collection of the interpreter's long-lived objects, whose cost depends on the heap size of the
host app, does not land at random in the counted window), then ``N`` calls. Events go to a real
``amplitude.Amplitude`` client with ``opt_out`` on (its ``track()`` drops them; its HTTP sending
is the same library cost for any wrapper), so our dispatcher thread still builds every event;
the exit hook builds whatever is still queued.
"""

from __future__ import annotations

import gc
import importlib.util
import logging
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [REPO, os.path.join(REPO, "bench"), os.path.join(REPO, "bench", "providers_others")]


def _load(name: str, path: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def main() -> None:
    logging.getLogger("amplitude_ai").setLevel(logging.ERROR)
    from amplitude import Amplitude, Config

    amp = Amplitude("bench-key", Config(server_url="http://127.0.0.1:9/", flush_interval_millis=10**7, flush_queue_size=10**7))
    amp.configuration.opt_out = True
    provider = os.environ["PROVIDER"]
    stream = os.environ.get("STREAM", "0") == "1"
    wrapped = os.environ.get("MODE") == "wrapped"
    if provider == "openai":
        from tests.support.openai_stub import OpenAIStub

        driver = _load("openai_driver", os.path.join(REPO, "bench", "providers", "driver.py"))
        stub = OpenAIStub()
        client = driver.build(stub, wrapped, amp, stream=stream)

        def call() -> None:
            driver.one_call(client, stream, wrapped)
    else:
        driver = _load("others_driver", os.path.join(REPO, "bench", "providers_others", "driver.py"))
        make, one, _ = driver.SETUPS[provider](amp)
        client = make(wrapped, stream)

        def call() -> None:
            one(client, stream, wrapped)

    for _ in range(50):
        call()
    gc.collect()
    gc.freeze()
    for _ in range(int(os.environ.get("N", "0"))):
        call()


if __name__ == "__main__":
    main()
