"""Integration patterns (data) and ``suggest_instrumentation`` (a plan from the patterns).

The code samples use only the runtime's public API. They are data: the
``get_integration_pattern`` tool and the ``amplitude-ai://integration-patterns``
resource serve them as they are.
"""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

Framework = Literal["fastapi", "starlette", "flask", "django", "aws_lambda", "cli", "script", "other"]
Provider = Literal["openai", "azure_openai", "anthropic", "gemini", "bedrock", "mistral"]
ContentTier = Literal["full", "metadata_only", "customer_enriched"]


class Pattern(TypedDict):
    id: str
    title: str
    use_when: str
    code: str
    notes: list[str]


_BOOTSTRAP = '''\
# amplitude_setup.py (created once by instrument_file / `amplitude-ai fix`; yours to edit)
import os

from amplitude_ai import AIConfig, AmplitudeAI

_api_key = os.environ.get("AMPLITUDE_AI_API_KEY", "").strip()
if _api_key:
    ai = AmplitudeAI(api_key=_api_key, config=AIConfig.from_env())
else:  # dry-run: events are printed, nothing is sent
    ai = AmplitudeAI(api_key="dry-run", config=AIConfig(dry_run=True, debug=True))

agent = ai.agent("support-bot")
'''

PATTERNS: list[Pattern] = [
    {
        "id": "bootstrap",
        "title": "One AmplitudeAI instance per process",
        "use_when": "Always: every other pattern imports `ai` from this module.",
        "code": _BOOTSTRAP,
        "notes": [
            "The API key comes from AMPLITUDE_AI_API_KEY; never write it in code.",
            "Without a key the runtime runs in dry-run mode and prints the events it would send.",
            "Pending events are flushed at interpreter exit.",
        ],
    },
    {
        "id": "provider-wrapper",
        "title": "Swap the provider client for the wrapper",
        "use_when": "You construct the provider client yourself (the common case).",
        "code": (
            "from amplitude_ai import OpenAI  # was: from openai import OpenAI\n"
            "from amplitude_setup import ai\n\n"
            "client = OpenAI(amplitude=ai)  # every other argument unchanged\n"
            "reply = client.chat.completions.create(model=\"gpt-4o-mini\", messages=messages)\n"
        ),
        "notes": [
            "Wrappers: OpenAI, AsyncOpenAI, AzureOpenAI, AsyncAzureOpenAI, Anthropic, AsyncAnthropic, Gemini, Bedrock, Mistral.",
            "The wrapper subclasses the SDK client: responses, streams and types are unchanged.",
            "Each call emits [Agent] AI Response with model, provider, tokens, latency and cost.",
        ],
    },
    {
        "id": "wrap-existing-client",
        "title": "Wrap a client you cannot construct differently",
        "use_when": "The client comes from a factory or another library (boto3 bedrock-runtime, google.genai.Client).",
        "code": (
            "import boto3\n"
            "from amplitude_ai import wrap\n"
            "from amplitude_setup import ai\n\n"
            "bedrock = wrap(boto3.client(\"bedrock-runtime\"), amplitude=ai)\n"
        ),
        "notes": ["wrap() returns an instrumented client; keep using it exactly like the original."],
    },
    {
        "id": "single-request-session",
        "title": "Session per request (Pattern A)",
        "use_when": "A conversation turn starts and ends in one code path: CLI commands, Lambda handlers, sync endpoints.",
        "code": (
            "agent = ai.agent(\"support-bot\")\n\n"
            "def handle(user_id: str, question: str) -> str:\n"
            "    with agent.session(user_id=user_id) as s:\n"
            "        s.new_trace()\n"
            "        s.track_user_message(content=question)\n"
            "        reply = client.chat.completions.create(model=\"gpt-4o-mini\", messages=[{\"role\": \"user\", \"content\": question}])\n"
            "        return reply.choices[0].message.content\n"
        ),
        "notes": [
            "Wrapped provider calls inside the block inherit session, trace, agent and turn ids.",
            "[Agent] Session End is tracked when the block exits, also on exceptions.",
        ],
    },
    {
        "id": "long-lived-conversation",
        "title": "Conversation that spans requests (Pattern B)",
        "use_when": "Chatbots: one conversation id across many HTTP requests, websocket or Slack messages.",
        "code": (
            "def on_message(user_id: str, thread_id: str, text: str) -> None:\n"
            "    agent = ai.agent(\"support-bot\", user_id=user_id, session_id=thread_id)\n"
            "    agent.track_user_message(content=text)\n"
            "    ...  # wrapped provider calls, agent.track_ai_message(...) for non-wrapped models\n\n"
            "def on_conversation_closed(user_id: str, thread_id: str) -> None:\n"
            "    ai.agent(\"support-bot\", user_id=user_id, session_id=thread_id).track_session_end()\n"
        ),
        "notes": [
            "Use the app's own conversation/thread id as session_id so every request lands in one session.",
            "track_session_end() is optional; idle sessions close on their own.",
        ],
    },
    {
        "id": "multi-agent",
        "title": "Orchestrator with sub-agents (Pattern C)",
        "use_when": "Several agents collaborate on one task.",
        "code": (
            "orchestrator = ai.agent(\"orchestrator\")\n"
            "researcher = orchestrator.child(\"researcher\")\n\n"
            "with orchestrator.session(user_id=user_id) as s:\n"
            "    s.track_user_message(content=task)\n"
            "    with s.run_as(researcher):\n"
            "        notes = client.chat.completions.create(model=\"gpt-4o\", messages=research_prompt)\n"
        ),
        "notes": ["child() sets parent_agent_id; run_as() tags wrapped calls with the child's agent id."],
    },
    {
        "id": "fastapi-middleware",
        "title": "Session per HTTP request (FastAPI / Starlette)",
        "use_when": "A FastAPI or Starlette app: one session per request, user id from the request.",
        "code": (
            "from amplitude_ai import AmplitudeAIMiddleware\n"
            "from amplitude_setup import ai\n\n"
            "app = FastAPI()\n"
            "app.add_middleware(\n"
            "    AmplitudeAIMiddleware,\n"
            "    amplitude_ai=ai,\n"
            "    user_id_resolver=lambda request: request.state.user.id,\n"
            ")\n"
        ),
        "notes": [
            "Add the middleware right after the app is created.",
            "Handlers need no change: wrapped provider calls inside them join the request's session.",
        ],
    },
    {
        "id": "tools-and-steps",
        "title": "Tool calls and pipeline steps",
        "use_when": "The model calls your functions (tools), or you want spans for pipeline steps.",
        "code": (
            "from amplitude_ai import observe, tool\n\n"
            "@tool\n"
            "def search_orders(customer_id: str) -> list[dict]:\n"
            "    ...\n\n"
            "@observe\n"
            "def summarize(text: str) -> str:\n"
            "    ...\n"
        ),
        "notes": ["@tool emits [Agent] Tool Call with latency and success; @observe joins or opens a session."],
    },
    {
        "id": "feedback-score",
        "title": "User feedback on an answer",
        "use_when": "The app has thumbs up/down or ratings.",
        "code": (
            "ai_message_id = s.track_ai_message(content=answer, model=\"gpt-4o\", provider=\"openai\", latency_ms=350.0)\n"
            "s.score(name=\"thumbs_up\", value=1.0, target_id=ai_message_id, source=\"user\")\n"
        ),
        "notes": ["Scores are [Agent] Score events tied to the message they rate."],
    },
    {
        "id": "content-tiers",
        "title": "Choose what content leaves the process",
        "use_when": "Privacy requirements decide between full, metadata_only and customer_enriched.",
        "code": (
            "from amplitude_ai import AIConfig, AmplitudeAI, ContentMode\n\n"
            "ai = AmplitudeAI(config=AIConfig(content_mode=ContentMode.METADATA_ONLY))\n"
            "# or: AMPLITUDE_AI_CONTENT_MODE=metadata_only\n"
        ),
        "notes": [
            "full: content is sent and Amplitude enriches sessions.",
            "metadata_only: no text leaves the process (tokens, cost, latency, sessions still tracked).",
            "customer_enriched: no text; send your own labels with track_session_enrichment().",
            "PII redaction (redact_pii=True) works with every tier.",
        ],
    },
    {
        "id": "testing",
        "title": "Assert on events in tests",
        "use_when": "Unit tests of instrumented code; no network.",
        "code": (
            "from amplitude_ai import MockAmplitudeAI\n\n"
            "mock = MockAmplitudeAI()\n"
            "agent = mock.agent(\"test-bot\", user_id=\"u1\")\n"
            "with agent.session(\"s1\") as s:\n"
            "    s.track_user_message(content=\"Hello\")\n"
            "mock.assert_event_tracked(\"[Agent] User Message\", user_id=\"u1\")\n"
            "mock.assert_session_closed(\"s1\")\n"
        ),
        "notes": ["generate_verify_test writes a test of this kind that drives the app's real code."],
    },
]

PATTERN_IDS = [p["id"] for p in PATTERNS]

_WRAPPER = {
    "openai": ("OpenAI", "from openai import OpenAI", "from amplitude_ai import OpenAI"),
    "azure_openai": ("AzureOpenAI", "from openai import AzureOpenAI", "from amplitude_ai import AzureOpenAI"),
    "anthropic": ("Anthropic", "from anthropic import Anthropic", "from amplitude_ai import Anthropic"),
    "gemini": ("Gemini", "from google import genai", "from amplitude_ai import Gemini"),
    "bedrock": ("Bedrock", "import boto3", "from amplitude_ai import Bedrock"),
    "mistral": ("Mistral", "from mistralai import Mistral", "from amplitude_ai import Mistral"),
}
_EXTRA = {"azure_openai": "openai"}

_SESSION_PATTERN = {
    "fastapi": "fastapi-middleware",
    "starlette": "fastapi-middleware",
    "flask": "single-request-session",
    "django": "single-request-session",
    "aws_lambda": "single-request-session",
    "cli": "single-request-session",
    "script": "single-request-session",
    "other": "long-lived-conversation",
}


class Suggestion(TypedDict):
    framework: str
    provider: str
    content_tier: str
    steps: list[str]
    patterns: list[str]
    install: str
    env: dict[str, str]
    code: str
    warnings: list[str]


def get_pattern(pattern_id: str) -> Pattern | None:
    return next((p for p in PATTERNS if p["id"] == pattern_id), None)


def suggest(framework: Framework, provider: Provider, content_tier: ContentTier = "full") -> Suggestion:
    """A concrete plan for this framework/provider/tier, built from the patterns above."""
    wrapper, old_import, new_import = _WRAPPER[provider]
    session_pattern = _SESSION_PATTERN[framework]
    extra = _EXTRA.get(provider, provider)
    steps = [
        f"Run scan_project on the project root; every {provider} call site is listed under call_sites.",
        f"Install the runtime: pip install 'amplitude-ai[{extra}]' (and 'amplitude-ai[instrument]' for the tools).",
        "Preview each file with instrument_file(file_path, agent_id=...) and show the diff to the user; "
        "then call it again with write=True. It creates the bootstrap module (amplitude_setup.py) once.",
    ]
    if provider in ("bedrock",):
        steps.append("boto3 clients cannot be subclassed: the tools rewrite them to wrap(client, amplitude=ai).")
    else:
        steps.append(f"Client constructions become {wrapper}(amplitude=ai, ...) with `{new_import}` (was `{old_import}`).")
    if session_pattern == "fastapi-middleware":
        steps.append(
            "Sessions: add AmplitudeAIMiddleware right after the app is created, with a user_id_resolver "
            "reading the authenticated user from the request."
        )
    elif framework == "other":
        steps.append("Sessions: use the app's conversation id as session_id (ai.agent(..., session_id=thread_id)).")
    else:
        steps.append(
            f"Sessions: wrap each {framework.replace('_', ' ')} entry point in `with agent.session(user_id=...)`; "
            "take the user id from the request or the invoking account, never invent one."
        )
    steps.append("Add s.track_user_message(content) where the user's text arrives and s.score(...) where feedback is collected.")
    if content_tier == "metadata_only":
        steps.append("Set AMPLITUDE_AI_CONTENT_MODE=metadata_only: no prompt or completion text leaves the process.")
    elif content_tier == "customer_enriched":
        steps.append(
            "Set AMPLITUDE_AI_CONTENT_MODE=customer_enriched and send your own labels with "
            "track_session_enrichment() when a session ends."
        )
    steps.append("Run generate_verify_test(root_path, write=True), then pytest: the test drives your real clients offline.")
    steps.append("Ship: set AMPLITUDE_AI_API_KEY in the deployment environment.")

    env = {"AMPLITUDE_AI_API_KEY": "<your Amplitude project API key>"}
    if content_tier != "full":
        env["AMPLITUDE_AI_CONTENT_MODE"] = content_tier
    code_parts = [_BOOTSTRAP]
    provider_pattern = "wrap-existing-client" if provider == "bedrock" else "provider-wrapper"
    if provider != "bedrock":
        code_parts.append(f"{new_import}\nfrom amplitude_setup import ai\n\nclient = {wrapper}(amplitude=ai)\n")
    else:
        code_parts.append(get_pattern("wrap-existing-client")["code"])  # type: ignore[index]
    code_parts.append(get_pattern(session_pattern)["code"])  # type: ignore[index]
    warnings: list[str] = []
    if provider == "gemini":
        warnings.append("google.genai.Client instances built by other code can be wrapped with wrap(client, amplitude=ai).")
    if framework == "aws_lambda":
        warnings.append("Lambda: sessions flush on exit in serverless environments; call ai.flush() if you track outside a session.")
    patterns = ["bootstrap", provider_pattern, session_pattern, "tools-and-steps"]
    if content_tier != "full":
        patterns.append("content-tiers")
    return {
        "framework": framework,
        "provider": provider,
        "content_tier": content_tier,
        "steps": steps,
        "patterns": patterns,
        "install": f"pip install 'amplitude-ai[{extra}]'",
        "env": env,
        "code": "\n# ---\n".join(code_parts),
        "warnings": warnings,
    }
