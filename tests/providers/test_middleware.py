"""AmplitudeAIMiddleware on a real Starlette app: one session per request, inherited by wrappers."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from amplitude_ai.middleware import AmplitudeAIMiddleware
from amplitude_ai.providers.openai import OpenAI
from tests.providers.conftest import make_openai
from tests.support.provider_stubs_http import events_of

MESSAGES = [{"role": "user", "content": "What is retention?"}]


def _app(client, mock_ai, **middleware_kwargs):
    def ask(request):
        completion = client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
        return JSONResponse({"answer": completion.choices[0].message.content})

    def ask_stream(request):
        def body():
            for chunk in client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True):
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content

        return StreamingResponse(body(), media_type="text/plain")

    def boom(request):
        raise RuntimeError("handler failed")

    app = Starlette(routes=[Route("/ask", ask), Route("/stream", ask_stream), Route("/boom", boom)])
    app.add_middleware(
        AmplitudeAIMiddleware,
        amplitude_ai=mock_ai,
        user_id_resolver=lambda request: request.headers.get("x-user"),
        **middleware_kwargs,
    )
    return app


def test_each_request_gets_its_own_session_with_the_resolved_user(stub, mock_ai):
    client = make_openai(OpenAI, stub, amplitude=mock_ai)
    with TestClient(_app(client, mock_ai)) as http:
        assert http.get("/ask", headers={"x-user": "u-1"}).json() == {"answer": "Retention is users coming back."}
        http.get("/ask", headers={"x-user": "u-2"})
    ai = events_of(mock_ai, "[Agent] AI Response")
    assert [e["user_id"] for e in ai] == ["u-1", "u-2"]
    sessions = [e["[Agent] Session ID"] for e in ai]
    assert sessions[0] and sessions[1] and sessions[0] != sessions[1]
    ends = events_of(mock_ai, "[Agent] Session End")
    assert sorted(e["[Agent] Session ID"] for e in ends) == sorted(sessions)
    assert [e["[Agent] Agent ID"] for e in ai] == ["http-app", "http-app"]


def test_streaming_response_passes_through_and_stays_in_the_session(stub, mock_ai):
    client = make_openai(OpenAI, stub, amplitude=mock_ai)
    with TestClient(_app(client, mock_ai)) as http:
        response = http.get("/stream", headers={"x-user": "u-s"})
    assert response.text == "Retention is users coming back."
    ai = events_of(mock_ai, "[Agent] AI Response")
    assert len(ai) == 1
    assert ai[0]["user_id"] == "u-s"
    assert ai[0]["[Agent] Output Tokens"] == 5
    end = events_of(mock_ai, "[Agent] Session End")
    assert [e["[Agent] Session ID"] for e in end] == [ai[0]["[Agent] Session ID"]]


def test_failing_resolver_and_failing_handler(stub, mock_ai):
    client = make_openai(OpenAI, stub, amplitude=mock_ai)

    def bad_resolver(request):
        raise KeyError("no user")

    app = _app(client, mock_ai)
    app.user_middleware.clear()
    app.add_middleware(AmplitudeAIMiddleware, amplitude_ai=mock_ai, user_id_resolver=bad_resolver)
    with TestClient(app, raise_server_exceptions=False) as http:
        assert http.get("/ask").status_code == 200
        assert http.get("/boom").status_code == 500
    assert len(events_of(mock_ai, "[Agent] AI Response")) == 1
    assert len(events_of(mock_ai, "[Agent] Session End")) == 2


def test_incoming_session_header_continues_the_callers_session(stub, mock_ai):
    client = make_openai(OpenAI, stub, amplitude=mock_ai)
    with TestClient(_app(client, mock_ai)) as http:
        http.get("/ask", headers={"x-user": "u-1", "x-amplitude-session-id": "upstream-session"})
    assert events_of(mock_ai, "[Agent] AI Response")[0]["[Agent] Session ID"] == "upstream-session"


def test_non_http_scopes_pass_through(mock_ai):
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    import asyncio

    asyncio.run(AmplitudeAIMiddleware(app, amplitude_ai=mock_ai)({"type": "lifespan"}, None, None))
    assert seen == ["lifespan"]
    assert list(mock_ai.events) == []
