"""Wrapper overhead for Anthropic, Mistral, Gemini and Bedrock: runs in ONE interpreter (ours or
the peer's) and prints JSON.

For each provider and mode (non-streaming, streaming) it times N calls through the bare SDK
client and N through ``amplitude_ai.<Provider>`` — whichever ``amplitude_ai`` this interpreter
has — against the same stub, interleaved in blocks so machine noise hits both alike. The
HTTP-based SDKs use an in-process ``MockTransport`` (``--transport inprocess``, the default) or,
with ``--transport loopback``, their default HTTP client pointed (``base_url``) at the same canned
replies served over HTTP/1.1 keep-alive by another process (``bench/harness.py:StubServerProcess``),
so the SDK's own connection pool, socket I/O and HTTP parsing are part of its call time. Bedrock
always uses the loopback event-stream server (so its figures include a real local HTTP round trip). Events go through a real
``amplitude.Amplitude`` client to a loopback ingestion server. Only public API is used, so the
same script drives the published peer package; a provider the peer cannot build is reported
as ``unsupported``.

    python bench/providers_others/driver.py --calls 1000 [--providers anthropic,mistral,gemini,bedrock]
        [--transport inprocess|loopback]
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

from tests.support import provider_stubs_bedrock as bed  # noqa: E402
from tests.support import provider_stubs_http as web  # noqa: E402
sys.path.insert(0, os.path.join(REPO, "bench"))
from harness import IngestProcess, StubServerProcess, total_cpu  # noqa: E402


def _major(module) -> int:
    return int(module.__version__.split(".")[0])


# --------------------------------------------------------------------------- per provider

# set by main() with --transport loopback: the stub server's URL (None: in-process MockTransport)
LOOPBACK_URL: str | None = None


def loopback_base(provider: str, stream: bool) -> str:
    return f"{LOOPBACK_URL}/{provider}-{'sse' if stream else 'json'}"


def canned_replies() -> dict[str, dict[bool, web.Reply]]:
    """The replies of the HTTP SDKs, by provider and streaming flag (both transports serve these)."""
    return {
        "anthropic": {
            False: web.Reply.json(web.anthropic_message()),
            True: web.Reply.sse(web.anthropic_stream_events(), named=True),
        },
        "mistral": {False: web.Reply.json(web.mistral_response()), True: web.Reply.sse(web.mistral_stream_chunks(), done=True)},
        "gemini": {False: web.Reply.json(web.gemini_response()), True: web.Reply.sse(web.gemini_stream_chunks())},
    }



def anthropic_setup(amp):
    import anthropic

    httpx = __import__("httpx2" if _major(anthropic) >= 2 else "httpx")
    replies = canned_replies()["anthropic"]

    def make(wrapped, stream):
        if LOOPBACK_URL:
            kwargs = dict(api_key="k", base_url=loopback_base("anthropic", stream), max_retries=0)
        else:
            stub = web.StubTransport(httpx, replies[stream], repeat=True)
            kwargs = dict(api_key="k", http_client=httpx.Client(transport=stub.transport()), max_retries=0)
        if wrapped:
            import amplitude_ai

            return amplitude_ai.Anthropic(amplitude=amp, **kwargs)
        return anthropic.Anthropic(**kwargs)

    def call(client, stream, wrapped):
        extra = {"amplitude_user_id": "bench-user"} if wrapped else {}
        msgs = [{"role": "user", "content": "Explain funnels"}]
        if stream:
            for _ in client.messages.create(model=web.CLAUDE, max_tokens=64, messages=msgs, stream=True, **extra):
                pass
        else:
            client.messages.create(model=web.CLAUDE, max_tokens=64, messages=msgs, **extra)

    return make, call, anthropic.__version__


def mistral_setup(amp):
    import httpx

    try:
        from mistralai.client import Mistral as Vendor
    except ImportError:
        from mistralai import Mistral as Vendor
    import importlib.metadata

    replies = canned_replies()["mistral"]

    def make(wrapped, stream):
        if LOOPBACK_URL:
            kwargs = dict(api_key="k", server_url=loopback_base("mistral", stream))
        else:
            stub = web.StubTransport(httpx, replies[stream], repeat=True)
            kwargs = dict(api_key="k", client=httpx.Client(transport=stub.transport()))
        if wrapped:
            import amplitude_ai

            return amplitude_ai.Mistral(amplitude=amp, **kwargs)
        return Vendor(**kwargs)

    def call(client, stream, wrapped):
        extra = {"amplitude_user_id": "bench-user"} if wrapped else {}
        msgs = [{"role": "user", "content": "What are cohorts?"}]
        if stream:
            for _ in client.chat.stream(model=web.MISTRAL, messages=msgs, **extra):
                pass
        else:
            client.chat.complete(model=web.MISTRAL, messages=msgs, **extra)

    return make, call, importlib.metadata.version("mistralai")


def gemini_setup(amp):
    import httpx
    from google import genai
    from google.genai import types

    replies = canned_replies()["gemini"]

    def make(wrapped, stream):
        if LOOPBACK_URL:
            options = types.HttpOptions(base_url=loopback_base("gemini", stream))
        else:
            stub = web.StubTransport(httpx, replies[stream], repeat=True)
            options = types.HttpOptions(httpx_client=httpx.Client(transport=stub.transport()))
        if wrapped:
            import amplitude_ai

            return amplitude_ai.Gemini(amplitude=amp, api_key="k", model_name=web.GEMINI, http_options=options)
        return genai.Client(api_key="k", http_options=options)

    def call(client, stream, wrapped):
        if wrapped:  # the spec's facade: Gemini(model_name=...).generate_content(contents, amplitude_user_id=)
            if stream:
                for _ in client.generate_content_stream("What are cohorts?", amplitude_user_id="bench-user"):
                    pass
            else:
                client.generate_content("What are cohorts?", amplitude_user_id="bench-user")
        elif stream:
            for _ in client.models.generate_content_stream(model=web.GEMINI, contents="What are cohorts?"):
                pass
        else:
            client.models.generate_content(model=web.GEMINI, contents="What are cohorts?")

    return make, call, genai.__version__


_bedrock_server = None


def bedrock_setup(amp):
    global _bedrock_server
    import boto3

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    server = _bedrock_server = bed.BedrockServer().start()
    # botocore's per-service endpoint variable: works for any wrapper that builds a boto3 client
    os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = server.url
    json_reply = bed.BedrockReply.json(bed.converse_response())
    stream_reply = bed.BedrockReply.stream(bed.converse_stream_events())

    class Forever:  # the loopback server pops replies: hand out the same one forever
        def __init__(self, reply):
            self.reply = reply

        def popleft(self):
            return self.reply

        def __bool__(self):
            return True

    def make(wrapped, stream):
        kwargs = dict(region_name="us-east-1")
        if wrapped:
            import amplitude_ai

            return amplitude_ai.Bedrock(amplitude=amp, **kwargs)
        return boto3.client("bedrock-runtime", **kwargs)

    msgs = [{"role": "user", "content": [{"text": "Explain funnels"}]}]

    def call(client, stream, wrapped):
        server.replies = Forever(stream_reply if stream else json_reply)
        extra = {"amplitude_user_id": "bench-user"} if wrapped else {}
        if stream:
            for _ in client.converse_stream(modelId=bed.CLAUDE_ON_BEDROCK, messages=msgs, **extra)["stream"]:
                pass
        else:
            client.converse(modelId=bed.CLAUDE_ON_BEDROCK, messages=msgs, **extra)

    return make, call, boto3.__version__


SETUPS = {"anthropic": anthropic_setup, "mistral": mistral_setup, "gemini": gemini_setup, "bedrock": bedrock_setup}


def measure(make, call, stream, calls, block, warmup, amp):
    bare = make(False, stream)
    wrapped = make(True, stream)
    for _ in range(warmup):
        call(bare, stream, False)
        call(wrapped, stream, True)
    times = {"bare": [], "wrapped": []}
    cpu = {"bare": [], "wrapped": []}
    done = 0
    clock, thread_clock = time.perf_counter_ns, time.thread_time_ns
    while done < calls:
        for name, client in (("bare", bare), ("wrapped", wrapped)):
            for _ in range(block):
                c0 = thread_clock()
                t0 = clock()
                call(client, stream, name == "wrapped")
                t1 = clock()
                c1 = thread_clock()
                times[name].append(t1 - t0)
                cpu[name].append(c1 - c0)
        done += block
    process = total_cpu(
        {"bare": bare, "wrapped": wrapped}, lambda client, name: call(client, stream, name == "wrapped"), calls, block, amp
    )
    b = statistics.median(times["bare"]) / 1000
    w = statistics.median(times["wrapped"]) / 1000
    cb = statistics.median(cpu["bare"]) / 1000
    cw = statistics.median(cpu["wrapped"]) / 1000
    n = len(times["bare"])
    pb = process["bare"]
    pw = process["wrapped"]
    return {
        "calls": n,
        "bare_median_us": round(b, 1),
        "wrapped_median_us": round(w, 1),
        "overhead_us": round(w - b, 1),
        "overhead_pct": round(100 * (w - b) / b, 1),
        # the calling thread's CPU time per call (medians)
        "cpu_bare_us": round(cb, 1),
        "cpu_overhead_us": round(cw - cb, 1),
        "cpu_overhead_pct": round(100 * (cw - cb) / cb, 1),
        # CPU of every thread of this process per call (median over blocks of the block's mean),
        # work done after the call returns included; amplitude-analytics' sending excluded
        "process_cpu_bare_us": round(pb, 1),
        "process_cpu_overhead_us": round(pw - pb, 1),
        "process_cpu_overhead_pct": round(100 * (pw - pb) / pb, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=1000)
    ap.add_argument("--block", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--providers", default="anthropic,mistral,gemini,bedrock")
    ap.add_argument("--transport", choices=("inprocess", "loopback"), default="inprocess",
                    help="HTTP SDKs: in-process MockTransport, or a loopback HTTP server in another process")
    args = ap.parse_args()

    global LOOPBACK_URL
    stubs = None
    wanted = args.providers.split(",")
    if args.transport == "loopback" and set(wanted) & set(canned_replies()):  # Bedrock has its own server
        # started first: forked before this process has any threads
        stubs = StubServerProcess({
            f"{provider}-{'sse' if stream else 'json'}": (reply.status, reply.content_type, reply.body)
            for provider, by_mode in canned_replies().items()
            for stream, reply in by_mode.items()
        })
        LOOPBACK_URL = stubs.url

    import logging

    logging.getLogger("amplitude_ai").setLevel(logging.ERROR)
    logging.getLogger("amplitude-ai").setLevel(logging.CRITICAL)
    from amplitude import Amplitude, Config

    ingest = IngestProcess()  # its own process: not counted in this process's CPU
    amp = Amplitude("bench-key", Config(server_url=ingest.url, flush_interval_millis=200, flush_queue_size=500))
    import amplitude_ai

    out: dict = {"python": sys.executable, "amplitude_ai": os.path.dirname(amplitude_ai.__file__), "transport": args.transport}
    for name in wanted:
        entry: dict = {}
        try:
            make, call, version = SETUPS[name](amp)
            entry["sdk"] = version
            for stream in (False, True):
                try:
                    entry["stream" if stream else "nonstream"] = measure(
                        make, call, stream, args.calls, args.block, args.warmup, amp
                    )
                except Exception as exc:  # the peer may not support this call
                    entry["stream" if stream else "nonstream"] = f"unsupported: {type(exc).__name__}: {str(exc)[:120]}"
        except Exception as exc:
            entry["error"] = f"unsupported: {type(exc).__name__}: {str(exc)[:120]}"
        out[name] = entry
    amp.shutdown()
    time.sleep(0.5)  # the last batch in flight
    out["events_received"] = ingest.count()
    ingest.stop()
    if _bedrock_server is not None:
        _bedrock_server.stop()
    if stubs is not None:
        out["stub_requests"] = stubs.count()  # requests the loopback server answered, per reply
        stubs.stop()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
