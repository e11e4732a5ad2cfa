"""``[Agent] Model Tier`` from a model name: "fast", "standard" or "reasoning".

The spec's anchors: GPT-4o-mini / Haiku / Flash are fast, GPT-4o / Sonnet / Pro are standard,
o1 / o3 / DeepSeek-R1 are reasoning. Our rules, checked in this order on the lower-cased name
(anywhere in it, so provider and region prefixes such as "us.anthropic." or "models/" don't matter):

1. reasoning: the OpenAI o-series (o1, o3, o4-mini, ... including their -mini variants: they are
   reasoning models first), DeepSeek-R1 / deepseek-reasoner, QwQ, Magistral, and any name that
   says "reason" or "thinking".
2. fast: names marked mini / nano / haiku / flash / lite / small / tiny / instant / micro, single-digit
   parameter sizes ("8b", "7b", "1.5b"), Mistral's "ministral", Gemma.
3. standard: any other known family (gpt-*, claude, gemini, mistral, llama, command, grok, nova,
   deepseek-chat/v3 ...). Opus is "standard": a large chat model, not a reasoning model.

An empty or missing name, or one from no family we know, gives ``None``. ``track_ai_message(model_tier=...)`` overrides this.
"""

from __future__ import annotations

import re
from functools import lru_cache

FAST = "fast"
STANDARD = "standard"
REASONING = "reasoning"

_REASONING = re.compile(
    r"(?:^|[^a-z0-9])o[1-9](?:$|[^a-z0-9])"  # o1, o3, o4-mini, o1-preview, o3-pro
    r"|deepseek-r\d|deepseek-reasoner|(?:^|[^a-z])r1(?:$|[^a-z0-9])"
    r"|qwq|magistral|reason|thinking"
)
_FAST = re.compile(
    r"(?<![a-z])(?:mini|nano|haiku|flash|lite|small|tiny|instant|micro|gemma)"  # not the "mini" in "gemini"
    r"|(?:^|[^0-9.])[0-9](?:\.[0-9])?b(?:$|[^a-z0-9])"  # 1b, 3b, 7b, 8b, 1.5b
)
_KNOWN = re.compile(
    r"gpt|claude|sonnet|opus|gemini|mistral|mixtral|codestral|pixtral|llama|command|grok|nova|titan"
    r"|deepseek|qwen|phi|jamba|palm|chatgpt|text-|embed"
)


@lru_cache(maxsize=1024)
def _infer(name: str) -> str | None:
    if _REASONING.search(name):
        return REASONING
    if _FAST.search(name):
        return FAST
    if _KNOWN.search(name):
        return STANDARD
    return None


def infer_model_tier(model: str | None) -> str | None:
    """The tier of ``model`` ("fast", "standard", "reasoning"), or ``None`` when unknown."""
    if not model or not isinstance(model, str):
        return None
    name = model.strip().lower()
    if not name:
        return None
    return _infer(name)
