"""``amplitude-ai demo``: one small, realistic agent session on the embedded default.

With no ``AMPLITUDE_AI_API_KEY`` it runs dry: every event is built, validated and printed as
one debug line on stderr, and nothing is sent. With a key (and optionally
``AMPLITUDE_AI_SERVER_URL``) the same events go to Amplitude and are flushed before exit.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Optional

QUESTION = "How do I build a funnel from sign-up to first purchase? My email is jane.doe@example.com."
ANSWER = (
    "Open Charts, pick the Funnel chart, add 'Sign Up' as the first step and 'Purchase Completed' as "
    "the second, then set the conversion window to 7 days."
)


def run(user_id: str = "demo-user-42") -> dict:
    """Run the demo session; return a summary (events tracked, whether they were sent)."""
    from . import AmplitudeAI, SessionEnrichments
    from .config import ENV_API_KEY

    ai = AmplitudeAI()
    agent = ai.agent("demo-support-bot", env="demo", agent_version="1.0", description="amplitude-ai demo agent")
    with agent.session(user_id=user_id) as session:
        session.new_trace()
        session.track_user_message(QUESTION, locale="en-US")
        started = time.perf_counter()
        docs = ["Funnel charts", "Conversion windows"]  # a stubbed knowledge-base lookup
        session.track_tool_call(
            "search_docs", latency_ms=(time.perf_counter() - started) * 1000.0 + 42.0, success=True,
            input={"query": "funnel sign-up purchase"}, output=docs,
        )
        answer_id = session.track_ai_message(  # a stubbed model answer with realistic usage
            ANSWER, model="gpt-4o-mini", provider="openai", latency_ms=812.0, ttfb_ms=190.0,
            input_tokens=1240, output_tokens=96, cache_read_tokens=1024, finish_reason="stop",
            system_prompt="You are a concise Amplitude support agent.", temperature=0.2,
        )
        session.score("user-feedback", 1.0, answer_id, source="user")
        session.set_enrichments(SessionEnrichments(overall_outcome="response_provided", request_complexity="simple"))
    sending = not ai.config.dry_run
    if sending:
        ai.shutdown()
    return {"events": 5, "sent": sending, "key_env": ENV_API_KEY}


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="amplitude-ai demo",
        description="Run a sample agent session. Without AMPLITUDE_AI_API_KEY: dry-run, one line per event on stderr.",
    )
    parser.add_argument("--user-id", default="demo-user-42", help="user id for the demo events")
    args = parser.parse_args(argv)
    summary = run(args.user_id)
    if summary["sent"]:
        print(f"demo: tracked {summary['events']} events and sent them to Amplitude.")
    else:
        print(
            f"demo: tracked {summary['events']} events (dry-run: nothing sent). "
            f"Set {summary['key_env']} to send them to your project."
        )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
