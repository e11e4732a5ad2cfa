"""Provider clients shared by the agents."""

from __future__ import annotations

import amplitude_ai
from amplitude_setup import ai
from amplitude_ai import AsyncOpenAI

openai_client = AsyncOpenAI(amplitude=ai)
gemini_client = amplitude_ai.Gemini(amplitude=ai)

PLANNER_MODEL = "gpt-4o"
WRITER_MODEL = "gpt-4o-mini"
SEARCH_MODEL = "gemini-2.0-flash"
