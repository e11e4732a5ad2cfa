"""The sub-agents: a planner (OpenAI), researchers (Gemini) and a writer (OpenAI, streamed)."""

from __future__ import annotations

import json

from .clients import PLANNER_MODEL, SEARCH_MODEL, WRITER_MODEL, gemini_client, openai_client


async def plan(question: str, max_topics: int = 3) -> list[str]:
    """Split a question into at most ``max_topics`` research topics."""
    completion = await openai_client.chat.completions.create(
        model=PLANNER_MODEL,
        messages=[
            {"role": "system", "content": 'Reply with JSON: {"topics": [string, ...]}'},
            {"role": "user", "content": f"Split into at most {max_topics} research topics: {question}"},
        ],
        response_format={"type": "json_object"},
    )
    try:
        topics = json.loads(completion.choices[0].message.content or "{}").get("topics", [])
    except json.JSONDecodeError:
        topics = []
    return [str(t) for t in topics][:max_topics] or [question]


async def research(topic: str) -> str:
    """Collect facts about one topic."""
    response = await gemini_client.aio.models.generate_content(
        model=SEARCH_MODEL,
        contents=f"List the five most important facts about: {topic}",
    )
    return response.text or ""


async def write_brief(question: str, notes: list[str]) -> str:
    """Turn the researchers' notes into a short brief, streamed."""
    stream = await openai_client.chat.completions.create(
        model=WRITER_MODEL,
        messages=[
            {"role": "system", "content": "Write a five-sentence brief from the notes. Cite topics."},
            {"role": "user", "content": question + "\n\n" + "\n\n".join(notes)},
        ],
        stream=True,
    )
    parts: list[str] = []
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    return "".join(parts)
