"""HTTP API: POST /chat answers a question, POST /conversations/{id}/close summarizes it."""

from __future__ import annotations

from fastapi import FastAPI, Header
from pydantic import BaseModel

from .llm import answer, summarize
from .store import store

app = FastAPI(title="Acme support chat")


class ChatRequest(BaseModel):
    message: str
    conversation_id: str | None = None


class ChatReply(BaseModel):
    conversation_id: str
    reply: str


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/chat", response_model=ChatReply)
def chat(request: ChatRequest, user_id: str = Header(alias="X-User-Id")) -> ChatReply:
    """The gateway authenticates the caller and forwards its id in X-User-Id."""
    conversation_id = store.open(user_id, request.conversation_id)
    reply = answer(store.history(conversation_id), request.message)
    store.append(conversation_id, "user", request.message)
    store.append(conversation_id, "assistant", reply)
    return ChatReply(conversation_id=conversation_id, reply=reply)


@app.post("/conversations/{conversation_id}/close")
def close_conversation(conversation_id: str, user_id: str = Header(alias="X-User-Id")) -> dict[str, str]:
    return {"conversation_id": conversation_id, "summary": summarize(store.transcript(conversation_id))}
