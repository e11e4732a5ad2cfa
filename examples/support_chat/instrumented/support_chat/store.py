"""In-memory conversation store (a database in production)."""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict


class ConversationStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._turns: dict[str, list[dict[str, str]]] = defaultdict(list)
        self._owners: dict[str, str] = {}

    def open(self, user_id: str, conversation_id: str | None = None) -> str:
        with self._lock:
            cid = conversation_id or uuid.uuid4().hex
            self._owners.setdefault(cid, user_id)
            return cid

    def history(self, conversation_id: str) -> list[dict[str, str]]:
        with self._lock:
            return list(self._turns[conversation_id])

    def append(self, conversation_id: str, role: str, content: str) -> None:
        with self._lock:
            self._turns[conversation_id].append({"role": role, "content": content})

    def transcript(self, conversation_id: str) -> str:
        return "\n".join(f"{t['role']}: {t['content']}" for t in self.history(conversation_id))


store = ConversationStore()
