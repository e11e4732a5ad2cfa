"""Amplitude AI setup for this project (created by `amplitude-ai fix`; yours to edit).

Modules that call an LLM import ``ai`` (the AmplitudeAI instance their provider
clients report to) and ``agent`` (the bound agent their sessions belong to) from here.

- AMPLITUDE_AI_API_KEY set: events are sent to Amplitude. The runtime owns the
  Amplitude client it creates, so it flushes pending events when the process exits.
- No key: dry-run. Every event is printed as a debug line and nothing is sent.
- AIConfig.from_env() reads the other AMPLITUDE_AI_* variables (content mode, debug,
  dry run).
"""

from __future__ import annotations

import os

from amplitude_ai import AIConfig, AmplitudeAI

_api_key = os.environ.get("AMPLITUDE_AI_API_KEY", "").strip()

if _api_key:
    ai = AmplitudeAI(api_key=_api_key, config=AIConfig.from_env())
else:
    ai = AmplitudeAI(api_key="dry-run", config=AIConfig.from_env(dry_run=True, debug=True))

agent = ai.agent("release-notes")
