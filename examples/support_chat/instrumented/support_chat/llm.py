"""The OpenAI client and the prompts the service uses."""

from __future__ import annotations

import os

from amplitude_ai import OpenAI
from amplitude_setup import ai

MODEL = os.environ.get("SUPPORT_CHAT_MODEL", "gpt-4o-mini")

SYSTEM_PROMPT = (
    "You are the support assistant of Acme Analytics. Answer briefly, cite the relevant "
    "docs page when you know it, and never promise refunds."
)

client = OpenAI(amplitude=ai)


def answer(history: list[dict[str, str]], question: str) -> str:
    """Ask the model for the next assistant turn of a support conversation."""
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": question}]
    completion = client.chat.completions.create(model=MODEL, messages=messages, temperature=0.2)
    return completion.choices[0].message.content or ""


def summarize(transcript: str) -> str:
    """One-line summary of a finished conversation, stored with the ticket."""
    completion = client.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": "Summarize this support conversation in one sentence."},
            {"role": "user", "content": transcript},
        ],
    )
    return completion.choices[0].message.content or ""
