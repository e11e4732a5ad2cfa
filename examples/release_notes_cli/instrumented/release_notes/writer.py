"""The Claude calls: group commits into sections, then polish the draft."""

from __future__ import annotations

import amplitude_ai
from amplitude_setup import ai

MODEL = "claude-sonnet-4-20250514"

STYLE = (
    "You write release notes for developers. Group changes under Features, Fixes and "
    "Internal. One line per change, imperative mood, no marketing language."
)


class NotesWriter:
    def __init__(self, model: str = MODEL) -> None:
        self.client = amplitude_ai.Anthropic(amplitude=ai)
        self.model = model

    def draft(self, version: str, bullets: str) -> str:
        message = self.client.messages.create(
            model=self.model,
            max_tokens=1024,
            system=STYLE,
            messages=[{"role": "user", "content": f"Release {version}. Commits:\n{bullets}"}],
        )
        return "".join(block.text for block in message.content if block.type == "text")

    def polish(self, draft: str, audience: str) -> str:
        """Rewrite the draft for an audience, streaming the answer to the terminal."""
        pieces: list[str] = []
        with self.client.messages.stream(
            model=self.model,
            max_tokens=1024,
            messages=[{"role": "user", "content": f"Rewrite for {audience}:\n\n{draft}"}],
        ) as stream:
            for text in stream.text_stream:
                pieces.append(text)
        return "".join(pieces)
