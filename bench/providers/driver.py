"""Wrapper overhead driver: runs in ONE interpreter (ours or the peer's) and prints JSON.

For each mode (non-streaming, streaming) it times N calls of the bare ``openai.OpenAI`` and N calls
of ``amplitude_ai.OpenAI`` — whichever ``amplitude_ai`` this interpreter has — against the same
in-process stub (``MockTransport``), interleaved in blocks so machine noise hits both alike.
With ``--transport loopback`` the clients use their default HTTP client instead, pointed
(``base_url``) at the same stub's replies served over HTTP/1.1 keep-alive by another process
(``bench/harness.py:StubServerProcess``), so the SDK's own HTTP stack is part of its call time.
Events go through a real ``amplitude.Amplitude`` client to a loopback ingestion server.
Only public API is used, so the same script drives the published peer package.

    python bench/providers/driver.py --calls 2000 [--transport inprocess|loopback]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, REPO)

sys.path.insert(0, os.path.join(REPO, "bench"))
from harness import IngestProcess, StubServerProcess, total_cpu  # noqa: E402
from tests.support.openai_stub import OpenAIStub  # noqa: E402

MESSAGES = [
    {"role": "system", "content": "You are a helpful analytics assistant."},
    {"role": "user", "content": "What is retention?"},
]


def _httpx():
    import openai

    major = int(openai.__version__.split(".")[0])
    if major >= 3:
        import httpx2

        return httpx2
    import httpx

    return httpx


def mock_sink():
    import amplitude_ai

    return amplitude_ai.MockAmplitudeAI()


def loopback_replies(stub) -> dict:
    """The stub's chat-completions replies, rendered once, for ``StubServerProcess``: like the
    in-process stub, a stream carries usage only when the request asks for it."""
    import httpx

    def render(body):
        response = stub.handle(httpx.Request("POST", "http://stub.local/v1/chat/completions", json=body), httpx)
        return (response.status_code, response.headers["content-type"], response.content)

    request = {"model": "gpt-4o", "messages": MESSAGES}
    return {
        "openai-json": render(request),
        "openai-sse": [
            ({"stream_options.include_usage": True},
             render({**request, "stream": True, "stream_options": {"include_usage": True}})),
            ({}, render({**request, "stream": True})),
        ],
    }


def build(stub, wrapped: bool, amp, stream: bool = False, loopback: str | None = None):
    import openai

    if loopback:  # the SDK's default HTTP client, pooled connections to the loopback server
        kwargs = dict(api_key="sk-bench", base_url=f"{loopback}/openai-{'sse' if stream else 'json'}/v1", max_retries=0)
    else:
        httpx = _httpx()
        kwargs = dict(api_key="sk-bench", base_url="http://stub.local/v1", max_retries=0,
                      http_client=httpx.Client(transport=stub.transport(httpx)))
    if not wrapped:
        return openai.OpenAI(**kwargs)
    import amplitude_ai

    return amplitude_ai.OpenAI(amplitude=amp, **kwargs)


def one_call(client, stream: bool, wrapped: bool):
    extra = {"amplitude_user_id": "bench-user"} if wrapped else {}
    if stream:
        for _ in client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True, **extra):
            pass
    else:
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES, **extra)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--block", type=int, default=50)
    ap.add_argument("--transport", choices=("inprocess", "loopback"), default="inprocess",
                    help="in-process MockTransport, or a loopback HTTP server in another process")
    args = ap.parse_args()
    stub = OpenAIStub()
    server = None
    if args.transport == "loopback":  # started first: forked before this process has any threads
        server = StubServerProcess(loopback_replies(stub))
    loopback = server.url if server else None

    import logging

    logging.getLogger("amplitude_ai").setLevel(logging.ERROR)
    logging.getLogger("amplitude-ai").setLevel(logging.ERROR)
    from amplitude import Amplitude, Config

    ingest = IngestProcess()  # its own process: not counted in this process's CPU
    amp = Amplitude("bench-key", Config(server_url=ingest.url, flush_interval_millis=200, flush_queue_size=500))
    out = {"python": sys.executable, "transport": args.transport}
    import amplitude_ai
    import openai

    out["amplitude_ai"] = os.path.dirname(amplitude_ai.__file__)
    out["openai"] = openai.__version__
    for stream in (False, True):
        clients = {
            "bare": build(stub, False, amp, stream, loopback),
            "wrapped": build(stub, True, amp, stream, loopback),
            # the same wrapper with MockAmplitudeAI: events built, not handed to amplitude-analytics
            "wrapped_mock": build(stub, True, mock_sink(), stream, loopback),
        }
        times = {name: [] for name in clients}
        cpu = {name: [] for name in clients}  # this thread's CPU time: immune to other processes' load
        for _ in range(100):  # warm-up
            for name, client in clients.items():
                one_call(client, stream, name != "bare")
        done = 0
        while done < args.calls:
            for name, client in clients.items():
                flag = name != "bare"
                for _ in range(args.block):
                    c0 = time.thread_time_ns()
                    t0 = time.perf_counter_ns()
                    one_call(client, stream, flag)
                    times[name].append(time.perf_counter_ns() - t0)
                    cpu[name].append(time.thread_time_ns() - c0)
            done += args.block
        b = statistics.median(times["bare"]) / 1000
        w = statistics.median(times["wrapped"]) / 1000
        m = statistics.median(times["wrapped_mock"]) / 1000
        out["stream" if stream else "nonstream"] = {
            "calls": len(times["bare"]),
            "bare_median_us": round(b, 1),
            "wrapped_median_us": round(w, 1),
            "overhead_us": round(w - b, 1),
            "overhead_pct": round(100 * (w - b) / b, 1),
            "mock_overhead_us": round(m - b, 1),
            "mock_overhead_pct": round(100 * (m - b) / b, 1),
        }
        cb, cw, cm = (statistics.median(cpu[n]) / 1000 for n in ("bare", "wrapped", "wrapped_mock"))
        out["stream" if stream else "nonstream"].update(
            cpu_bare_us=round(cb, 1),
            cpu_overhead_us=round(cw - cb, 1),
            cpu_overhead_pct=round(100 * (cw - cb) / cb, 1),
            cpu_mock_overhead_us=round(cm - cb, 1),
            cpu_mock_overhead_pct=round(100 * (cm - cb) / cb, 1),
        )
        # CPU of the whole process per call, work after the call returns included (bare vs wrapped)
        process = total_cpu(
            {"bare": clients["bare"], "wrapped": clients["wrapped"]},
            lambda client, name: one_call(client, stream, name != "bare"),
            args.calls, args.block, amp,
        )
        pb, pw = process["bare"], process["wrapped"]
        out["stream" if stream else "nonstream"].update(
            process_cpu_bare_us=round(pb, 1),
            process_cpu_overhead_us=round(pw - pb, 1),
            process_cpu_overhead_pct=round(100 * (pw - pb) / pb, 1),
        )
    amp.shutdown()
    time.sleep(0.5)  # the last batch in flight
    out["events_received"] = ingest.count()
    ingest.stop()
    if server is not None:
        out["stub_requests"] = server.count()  # requests the loopback server answered
        server.stop()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
