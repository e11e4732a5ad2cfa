"""Provider clients shared by the agents."""

from __future__ import annotations

from google import genai
from openai import AsyncOpenAI

openai_client = AsyncOpenAI()
gemini_client = genai.Client()

PLANNER_MODEL = "gpt-4o"
WRITER_MODEL = "gpt-4o-mini"
SEARCH_MODEL = "gemini-2.0-flash"
