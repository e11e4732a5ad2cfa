"""One side of the runtime benchmark. Runs under either interpreter (ours or the peer's) and
uses only the public API both share (the spec's): ``AmplitudeAI``, ``AIConfig``,
``MockAmplitudeAI``, ``track_user_message``, ``track_ai_message``.

    python driver.py events  --server-url URL --reps N --warmup W --content realistic|dense
    python driver.py pii     --vectors tests/runtime/pii_vectors.json
    python driver.py profile --server-url URL --reps N --content realistic

Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

# -- content: ~2 KB, the same on both sides ----------------------------------------------
_REALISTIC = (
    "Hi team, I'm following up on ticket 48213 from last week. My name is Dana Whitfield and the "
    "account email is dana.whitfield@example-corp.com (the old one, dana.w@oldmail.net, should be "
    "closed). You can reach me at (415) 555-0132 during the day or +44 20 7946 0958 when I'm in "
    "London. The charge I'm disputing was on the card ending 4111 1111 1111 1111, dated 2024-03-18, "
    "amount $1,249.00, order ORD-2024-77812. Our admin console logs show the request came from "
    "203.0.113.42 and, after the VPN switch, from 2001:db8:85a3::8a2e:370:7334. For the tax form you "
    "asked for, my SSN is 123-45-6789. We run version 4.2.1 of the desktop app on Windows 10.0.19045 "
    "and the issue appears every time the nightly sync starts at 02:30:00 UTC. Steps to reproduce: open "
    "the billing page, choose 'Export invoices', pick the range 2024-01-01 to 2024-03-31 and press "
    "Download. The spinner runs for about 45 seconds and then the page shows error code 5003 without "
    "any details. Clearing the cache did not help, neither did signing out and in again. Two of my "
    "colleagues see the same thing on macOS 14.4, so it does not look like a local problem. Could you "
    "check whether the export job is stuck on your side, refund the duplicate charge, and confirm by "
    "email once it is done? If a call is easier, 555-867-5309 is my direct line. Thanks a lot for the "
    "help, and sorry for the long message; I wanted to give you everything in one go so we do not "
    "need another round trip. Best regards, Dana. P.S. the reference number on the bank statement is "
    "REF 9920 1187 6635, in case that helps to find the transaction on your end. One more thing: the "
    "invoice PDFs that did download earlier list our old billing address, so please update them to "
    "the new office before you send the corrected copies, and copy our accountant at "
    "books@whitfield-accounting.co.uk on the reply. Our billing cycle closes on the 28th, so anything "
    "you can do before then would be hugely appreciated by the whole finance team here."
)
_DENSE_UNIT = (
    "Reach jane.doe@example.com or (555) 123-4567; card 4111 1111 1111 1111, SSN 123-45-6789, "
    "hosts 192.168.1.20 and 2001:db8::1. Plain words follow to pad the sentence out a little more. "
)


def content(kind: str) -> str:
    if kind == "dense":
        return (_DENSE_UNIT * 20)[:2048]
    return _REALISTIC


# -- setup --------------------------------------------------------------------------------
def make_ai(server_url: str):
    """An AmplitudeAI over a real amplitude.Amplitude whose sending is switched off (opt_out)."""
    from amplitude import Amplitude, Config

    from amplitude_ai import AIConfig, AmplitudeAI

    amp = Amplitude("bench-key", Config(server_url=server_url))
    amp.configuration.opt_out = True  # the timeline drops every event before any plugin runs
    ai = AmplitudeAI(amplitude=amp, config=AIConfig(redact_pii=True))
    return ai, amp


def calls(ai, text: str):
    def user():
        ai.track_user_message(user_id="bench-user-1", content=text, session_id="bench-session-1")

    def assistant():
        ai.track_ai_message(
            user_id="bench-user-1",
            content=text,
            session_id="bench-session-1",
            model="gpt-4o",
            provider="openai",
            latency_ms=350.0,
            input_tokens=1200,
            output_tokens=450,
        )

    return {"track_user_message": user, "track_ai_message": assistant}


def timed(fn, reps: int) -> tuple[list[float], list[float]]:
    """Per-call wall and thread-CPU times in µs."""
    wall, cpu = time.perf_counter_ns, time.thread_time_ns
    walls, cpus = [], []
    for _ in range(reps):
        c0 = cpu()
        t0 = wall()
        fn()
        t1 = wall()
        c1 = cpu()
        walls.append((t1 - t0) / 1000.0)
        cpus.append((c1 - c0) / 1000.0)
    return walls, cpus


def cmd_events(args) -> dict:
    import amplitude_ai

    ai, amp = make_ai(args.server_url)
    text = content(args.content)
    result = {
        "module": amplitude_ai.__file__,
        "python": sys.version.split()[0],
        "content_chars": len(text),
        "medians_us": {},
        "cpu_medians_us": {},
        "total_cpu_us": {},
    }
    for name, fn in calls(ai, text).items():
        timed(fn, args.warmup)
        walls, cpus = timed(fn, args.reps)
        result["medians_us"][name] = statistics.median(walls)
        result["cpu_medians_us"][name] = statistics.median(cpus)
        result["total_cpu_us"][name] = total_cpu(ai, fn, args.reps)
    amp.shutdown()
    return result


def total_cpu(ai, fn, reps: int) -> float:
    """CPU of the whole process (every thread) per call, flush included, in µs (a mean).

    What a call costs wherever the work happens: work an implementation does after the call
    returns (ours builds events on a background thread) is counted here, not in the per-call
    caller-thread times.
    """
    ai.flush()
    p0 = time.process_time_ns()
    for _ in range(reps):
        fn()
    ai.flush()
    return (time.process_time_ns() - p0) / reps / 1000.0


def cmd_profile(args) -> dict:
    import cProfile
    import io
    import pstats

    ai, amp = make_ai(args.server_url)
    text = content(args.content)
    out = {}
    for name, fn in calls(ai, text).items():
        timed(fn, args.warmup)
        prof = cProfile.Profile()
        prof.enable()
        timed(fn, args.reps)
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(18)
        out[name] = buf.getvalue()
    amp.shutdown()
    return out


def _event_text(event) -> str | None:
    props = getattr(event, "event_properties", None)
    if props is None and isinstance(event, dict):
        props = event.get("event_properties", event)
    message = (props or {}).get("$llm_message")
    return message.get("text") if isinstance(message, dict) else None


def cmd_pii(args) -> dict:
    vectors = json.load(open(args.vectors, encoding="utf-8"))["vectors"]
    import amplitude_ai

    via = "MockAmplitudeAI(config=AIConfig(redact_pii=True)).track_user_message -> $llm_message.text"
    try:
        from amplitude_ai import AIConfig, MockAmplitudeAI

        mock = MockAmplitudeAI(config=AIConfig(redact_pii=True))

        def redact(text: str) -> str | None:
            mock.reset()
            mock.track_user_message(user_id="bench-user-1", content=text, session_id="bench-session-1")
            return _event_text(mock.events[-1])

    except (ImportError, AttributeError):  # our MockAmplitudeAI not written yet
        from amplitude_ai.core.privacy import Redactor

        via = "amplitude_ai.core.privacy.Redactor().redact (MockAmplitudeAI not available yet)"
        redact = Redactor().redact
    return {
        "module": amplitude_ai.__file__,
        "via": via,
        "results": {v["id"]: redact(v["input"]) for v in vectors},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["events", "pii", "profile"])
    parser.add_argument("--server-url", default="http://127.0.0.1:9/2/httpapi")
    parser.add_argument("--reps", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--content", choices=["realistic", "dense"], default="realistic")
    parser.add_argument("--vectors", default="tests/runtime/pii_vectors.json")
    args = parser.parse_args()
    result = {"events": cmd_events, "pii": cmd_pii, "profile": cmd_profile}[args.command](args)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
