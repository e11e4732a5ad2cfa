"""The orchestrator: plan, research every topic concurrently, write the brief."""

from __future__ import annotations

import argparse
import asyncio

from .agents import plan, research, write_brief


async def run(question: str, user_id: str) -> str:
    topics = await plan(question)
    notes = await asyncio.gather(*(research(topic) for topic in topics))
    return await write_brief(question, [f"## {t}\n{n}" for t, n in zip(topics, notes)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Research a question with a team of agents.")
    parser.add_argument("question")
    parser.add_argument("--user", required=True, help="who is asking (for attribution)")
    args = parser.parse_args(argv)
    print(asyncio.run(run(args.question, args.user)))


if __name__ == "__main__":
    main()
