"""The ``[Agent]`` event catalog, as data.

One source of truth for event types, their properties, property types and required flags.
It drives validation, :func:`get_event_schema`, the catalog registration CLI and the
conformance tests. Names are a contract with Amplitude's backend (they come from the
spec's Event Property Reference); the descriptions are our own words.

Code that builds events uses the ``EVENT_*`` and ``PROP_*`` constants below, never string
literals. Naming scheme: ``EVENT_`` / ``PROP_`` + the name without its ``[Agent] `` prefix,
upper snake case (``"[Agent] TTFB Ms"`` → ``PROP_TTFB_MS``). Two names without the prefix:
``PROP_SESSION_REPLAY_ID`` (``"[Amplitude] Session Replay ID"``) and ``PROP_LLM_MESSAGE``
(``"$llm_message"``, the full-length message content).

Property types and what :func:`check_event` expects in Python:

=============  ==========================================================================
``string``     ``str``
``number``     ``int`` or ``float`` (not ``bool``)
``boolean``    ``bool``
``string[]``   a ``str`` holding a JSON array of strings, e.g. ``'["pdf", "image"]'``: the
               spec sends these properties as serialized JSON arrays
``object``     a ``dict``; the only one is ``$llm_message``: ``{"text": str}``
=============  ==========================================================================

This module imports only the standard library's ``json`` (lazily) and ``typing``.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

PropertyType = Literal["string", "number", "boolean", "string[]", "object"]

# --------------------------------------------------------------------------------------
# Event types
# --------------------------------------------------------------------------------------
EVENT_USER_MESSAGE = "[Agent] User Message"
EVENT_AI_RESPONSE = "[Agent] AI Response"
EVENT_TOOL_CALL = "[Agent] Tool Call"
EVENT_EMBEDDING = "[Agent] Embedding"
EVENT_SPAN = "[Agent] Span"
EVENT_SESSION_END = "[Agent] Session End"
EVENT_SESSION_ENRICHMENT = "[Agent] Session Enrichment"
EVENT_SCORE = "[Agent] Score"
# emitted by Amplitude's enrichment pipeline, never by the SDK
EVENT_SESSION_EVALUATION = "[Agent] Session Evaluation"
EVENT_TOPIC_CLASSIFICATION = "[Agent] Topic Classification"

# --------------------------------------------------------------------------------------
# Property names
# --------------------------------------------------------------------------------------
# common to every SDK event
PROP_SESSION_ID = "[Agent] Session ID"
PROP_TRACE_ID = "[Agent] Trace ID"
PROP_TURN_ID = "[Agent] Turn ID"
PROP_AGENT_ID = "[Agent] Agent ID"
PROP_PARENT_AGENT_ID = "[Agent] Parent Agent ID"
PROP_CUSTOMER_ORG_ID = "[Agent] Customer Org ID"
PROP_AGENT_VERSION = "[Agent] Agent Version"
PROP_AGENT_DESCRIPTION = "[Agent] Agent Description"
PROP_CONTEXT = "[Agent] Context"
PROP_ENV = "[Agent] Env"
PROP_SDK_VERSION = "[Agent] SDK Version"
PROP_RUNTIME = "[Agent] Runtime"
# messages
PROP_MESSAGE_ID = "[Agent] Message ID"
PROP_COMPONENT_TYPE = "[Agent] Component Type"
PROP_LOCALE = "[Agent] Locale"
PROP_SESSION_REPLAY_ID = "[Amplitude] Session Replay ID"
PROP_IS_REGENERATION = "[Agent] Is Regeneration"
PROP_IS_EDIT = "[Agent] Is Edit"
PROP_EDITED_MESSAGE_ID = "[Agent] Edited Message ID"
PROP_HAS_ATTACHMENTS = "[Agent] Has Attachments"
PROP_ATTACHMENT_TYPES = "[Agent] Attachment Types"
PROP_ATTACHMENT_COUNT = "[Agent] Attachment Count"
PROP_TOTAL_ATTACHMENT_SIZE_BYTES = "[Agent] Total Attachment Size Bytes"
PROP_ATTACHMENTS = "[Agent] Attachments"
PROP_MESSAGE_LABELS = "[Agent] Message Labels"
PROP_MESSAGE_LABEL_MAP = "[Agent] Message Label Map"
PROP_MESSAGE_SOURCE = "[Agent] Message Source"
PROP_LLM_MESSAGE = "$llm_message"
# model calls
PROP_MODEL_NAME = "[Agent] Model Name"
PROP_PROVIDER = "[Agent] Provider"
PROP_LATENCY_MS = "[Agent] Latency Ms"
PROP_IS_ERROR = "[Agent] Is Error"
PROP_ERROR_MESSAGE = "[Agent] Error Message"
PROP_SPAN_KIND = "[Agent] Span Kind"
PROP_TTFB_MS = "[Agent] TTFB Ms"
PROP_INPUT_TOKENS = "[Agent] Input Tokens"
PROP_OUTPUT_TOKENS = "[Agent] Output Tokens"
PROP_TOTAL_TOKENS = "[Agent] Total Tokens"
PROP_REASONING_TOKENS = "[Agent] Reasoning Tokens"
PROP_CACHE_READ_TOKENS = "[Agent] Cache Read Tokens"
PROP_CACHE_CREATION_TOKENS = "[Agent] Cache Creation Tokens"
PROP_COST_USD = "[Agent] Cost USD"
PROP_FINISH_REASON = "[Agent] Finish Reason"
PROP_TOOL_CALLS = "[Agent] Tool Calls"
PROP_HAS_REASONING = "[Agent] Has Reasoning"
PROP_REASONING_CONTENT = "[Agent] Reasoning Content"
PROP_SYSTEM_PROMPT = "[Agent] System Prompt"
PROP_SYSTEM_PROMPT_LENGTH = "[Agent] System Prompt Length"
PROP_TOOL_DEFINITIONS = "[Agent] Tool Definitions"
PROP_TOOL_DEFINITIONS_COUNT = "[Agent] Tool Definitions Count"
PROP_TOOL_DEFINITIONS_HASH = "[Agent] Tool Definitions Hash"
PROP_TEMPERATURE = "[Agent] Temperature"
PROP_MAX_OUTPUT_TOKENS = "[Agent] Max Output Tokens"
PROP_TOP_P = "[Agent] Top P"
PROP_IS_STREAMING = "[Agent] Is Streaming"
PROP_PROMPT_ID = "[Agent] Prompt ID"
PROP_WAS_COPIED = "[Agent] Was Copied"
PROP_WAS_CACHED = "[Agent] Was Cached"
PROP_MODEL_TIER = "[Agent] Model Tier"
# tool calls
PROP_INVOCATION_ID = "[Agent] Invocation ID"
PROP_TOOL_NAME = "[Agent] Tool Name"
PROP_TOOL_SUCCESS = "[Agent] Tool Success"
PROP_TOOL_INPUT = "[Agent] Tool Input"
PROP_TOOL_OUTPUT = "[Agent] Tool Output"
PROP_PARENT_MESSAGE_ID = "[Agent] Parent Message ID"
# embeddings and spans
PROP_SPAN_ID = "[Agent] Span ID"
PROP_EMBEDDING_DIMENSIONS = "[Agent] Embedding Dimensions"
PROP_SPAN_NAME = "[Agent] Span Name"
PROP_PARENT_SPAN_ID = "[Agent] Parent Span ID"
PROP_INPUT_STATE = "[Agent] Input State"
PROP_OUTPUT_STATE = "[Agent] Output State"
# sessions
PROP_ENRICHMENTS = "[Agent] Enrichments"
PROP_ABANDONMENT_TURN = "[Agent] Abandonment Turn"
PROP_SESSION_IDLE_TIMEOUT_MINUTES = "[Agent] Session Idle Timeout Minutes"
# scores
PROP_SCORE_NAME = "[Agent] Score Name"
PROP_SCORE_VALUE = "[Agent] Score Value"
PROP_TARGET_ID = "[Agent] Target ID"
PROP_TARGET_TYPE = "[Agent] Target Type"
PROP_EVALUATION_SOURCE = "[Agent] Evaluation Source"
PROP_COMMENT = "[Agent] Comment"
PROP_TAXONOMY_VERSION = "[Agent] Taxonomy Version"
PROP_EVALUATED_AT = "[Agent] Evaluated At"
PROP_SCORE_LABEL = "[Agent] Score Label"
# server-side evaluation and topic events
PROP_OVERALL_OUTCOME = "[Agent] Overall Outcome"
PROP_TURN_COUNT = "[Agent] Turn Count"
PROP_SESSION_TOTAL_TOKENS = "[Agent] Session Total Tokens"
PROP_SESSION_AVG_LATENCY_MS = "[Agent] Session Avg Latency Ms"
PROP_REQUEST_COMPLEXITY = "[Agent] Request Complexity"
PROP_HAS_TASK_FAILURE = "[Agent] Has Task Failure"
PROP_HAS_NEGATIVE_FEEDBACK = "[Agent] Has Negative Feedback"
PROP_HAS_TECHNICAL_FAILURE = "[Agent] Has Technical Failure"
PROP_HAS_DATA_QUALITY_ISSUES = "[Agent] Has Data Quality Issues"
PROP_MODELS_USED = "[Agent] Models Used"
PROP_ROOT_AGENT_NAME = "[Agent] Root Agent Name"
PROP_AGENT_CHAIN_DEPTH = "[Agent] Agent Chain Depth"
PROP_TASK_FAILURE_TYPE = "[Agent] Task Failure Type"
PROP_TECHNICAL_ERROR_COUNT = "[Agent] Technical Error Count"
PROP_ERROR_CATEGORIES = "[Agent] Error Categories"
PROP_BEHAVIORAL_PATTERNS = "[Agent] Behavioral Patterns"
PROP_SESSION_COST_USD = "[Agent] Session Cost USD"
PROP_ENRICHMENT_COST_USD = "[Agent] Enrichment Cost USD"
PROP_QUALITY_SCORE = "[Agent] Quality Score"
PROP_SENTIMENT_SCORE = "[Agent] Sentiment Score"
PROP_TASK_FAILURE_REASON = "[Agent] Task Failure Reason"
PROP_AGENT_CHAIN = "[Agent] Agent Chain"
PROP_PROJECT_ID = "[Agent] Project ID"
PROP_HAS_USER_FEEDBACK = "[Agent] Has User Feedback"
PROP_USER_SCORE = "[Agent] User Score"
PROP_TOPIC = "[Agent] Topic"
PROP_SELECTION_MODE = "[Agent] Selection Mode"
PROP_PRIMARY = "[Agent] Primary"
PROP_SECONDARY = "[Agent] Secondary"
PROP_SUBCATEGORIES = "[Agent] Subcategories"


class PropertySpec(NamedTuple):
    name: str
    type: PropertyType
    required: bool
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "required": self.required, "description": self.description}


class EventSpec(NamedTuple):
    event_type: str
    description: str
    properties: tuple[PropertySpec, ...]
    sdk_emitted: bool
    #: Amplitude's enrichment pipeline also emits this event type (only ``[Agent] Score``
    #: is emitted by both sides; the two server-only events have ``sdk_emitted=False``).
    server_emitted: bool = False

    def get_property(self, name: str) -> PropertySpec | None:
        return _PROPERTY_INDEX[self.event_type].get(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_type": self.event_type,
            "description": self.description,
            "sdk_emitted": self.sdk_emitted,
            "server_emitted": self.server_emitted,
            "properties": [p.to_dict() for p in self.properties],
        }


# --------------------------------------------------------------------------------------
# Property definitions: each property's type and default description, written once.
# An event may give a property a more specific description (see _ev below).
# --------------------------------------------------------------------------------------
_S, _N, _B, _SA, _O = "string", "number", "boolean", "string[]", "object"

_DEFS: dict[str, tuple[PropertyType, str]] = {
    PROP_SESSION_ID: (_S, "Identifier of the conversation; every event of one session carries the same value."),
    PROP_TRACE_ID: (_S, "Groups one user message with the AI work it triggered inside a session."),
    PROP_TURN_ID: (_N, "Counter that increases with each event of a session, for ordering."),
    PROP_AGENT_ID: (_S, "Which AI agent handled the interaction, e.g. 'support-bot'."),
    PROP_PARENT_AGENT_ID: (_S, "In multi-agent flows, the agent that handed the work to this one."),
    PROP_CUSTOMER_ORG_ID: (_S, "The customer organization (tenant) the event belongs to; enables account-level analytics."),
    PROP_AGENT_VERSION: (_S, "Version of the agent's code, e.g. 'v4.2', for comparing releases."),
    PROP_AGENT_DESCRIPTION: (_S, "Plain-language summary of what the agent does; feeds an agent registry built from events."),
    PROP_CONTEXT: (_S, "JSON object (as a string) of free-form segmentation keys such as experiment variant or surface."),
    PROP_ENV: (_S, "Deployment environment: 'production', 'staging' or 'dev'."),
    PROP_SDK_VERSION: (_S, "Version of the amplitude-ai package that built the event."),
    PROP_RUNTIME: (_S, "Language runtime of the SDK: 'python' or 'node'."),
    PROP_MESSAGE_ID: (_S, "UUID of this message; scores and tool calls point back to it."),
    PROP_COMPONENT_TYPE: (_S, "Kind of component behind the event: 'user_input', 'llm', 'tool' or 'embedding'."),
    PROP_LOCALE: (_S, "The user's locale, e.g. 'en-US'."),
    PROP_SESSION_REPLAY_ID: (_S, "Link to Amplitude Session Replay, formatted device_id/session_id."),
    PROP_IS_REGENERATION: (_B, "True when the user asked for a previous answer to be generated again."),
    PROP_IS_EDIT: (_B, "True when the user changed an earlier message and sent it again."),
    PROP_EDITED_MESSAGE_ID: (_S, "Message ID of the original message that this edit replaces."),
    PROP_HAS_ATTACHMENTS: (_B, "True when files (uploads, images, ...) came with the message."),
    PROP_ATTACHMENT_TYPES: (_SA, "The distinct kinds of attachment, e.g. 'pdf', 'image'; sent as a JSON array string."),
    PROP_ATTACHMENT_COUNT: (_N, "How many attachments came with the message."),
    PROP_TOTAL_ATTACHMENT_SIZE_BYTES: (_N, "Combined size of the attachments, in bytes."),
    PROP_ATTACHMENTS: (_S, "JSON array (as a string) describing each attachment: type, name, size_bytes, mime_type. Never file contents."),
    PROP_MESSAGE_LABELS: (_S, "JSON array (as a string) of MessageLabel objects: key, value and optional confidence."),
    PROP_MESSAGE_LABEL_MAP: (_S, "JSON object (as a string) mapping each label key to its value, for quick filtering."),
    PROP_MESSAGE_SOURCE: (_S, "Who wrote the message: 'user' for a person, 'agent' when a parent agent instructs a child agent."),
    PROP_LLM_MESSAGE: (_O, "The message text as {\"text\": ...}, kept at full length; only present in full content mode."),
    PROP_MODEL_NAME: (_S, "Model identifier, e.g. 'gpt-4o'."),
    PROP_PROVIDER: (_S, "Model provider, e.g. 'openai', 'anthropic', 'google', 'mistral', 'bedrock'."),
    PROP_LATENCY_MS: (_N, "Wall-clock duration of the operation, in milliseconds."),
    PROP_IS_ERROR: (_B, "True when the operation failed."),
    PROP_ERROR_MESSAGE: (_S, "What went wrong, when Is Error is true."),
    PROP_SPAN_KIND: (_S, "Span category, kept for compatibility with the OpenTelemetry bridge."),
    PROP_TTFB_MS: (_N, "Milliseconds until the first token or byte arrived (streaming responsiveness)."),
    PROP_INPUT_TOKENS: (_N, "Prompt (input) tokens used by the call."),
    PROP_OUTPUT_TOKENS: (_N, "Completion (output) tokens produced by the call."),
    PROP_TOTAL_TOKENS: (_N, "Input plus output tokens."),
    PROP_REASONING_TOKENS: (_N, "Tokens spent on reasoning or extended thinking."),
    PROP_CACHE_READ_TOKENS: (_N, "Input tokens answered from the provider's prompt cache (billed at a lower rate)."),
    PROP_CACHE_CREATION_TOKENS: (_N, "Input tokens written into the provider's prompt cache."),
    PROP_COST_USD: (_N, "Estimated price of the call in US dollars; accounts for cache tokens when they are known."),
    PROP_FINISH_REASON: (_S, "Why generation stopped, e.g. 'stop', 'length', 'tool_use', 'content_filter'."),
    PROP_TOOL_CALLS: (_S, "JSON array (as a string) of the tool calls the model asked for."),
    PROP_HAS_REASONING: (_B, "True when the response came with reasoning or thinking content."),
    PROP_REASONING_CONTENT: (_S, "The model's reasoning text, when available and the content mode allows it."),
    PROP_SYSTEM_PROMPT: (_S, "System prompt of the call, when the content mode allows it; long prompts are split."),
    PROP_SYSTEM_PROMPT_LENGTH: (_N, "Length of the system prompt in characters."),
    PROP_TOOL_DEFINITIONS: (_S, "JSON array (as a string) of the tools offered to the model (name, description, parameter schema), when the content mode allows it."),
    PROP_TOOL_DEFINITIONS_COUNT: (_N, "How many tools were offered to the model."),
    PROP_TOOL_DEFINITIONS_HASH: (_S, "SHA-256 of the normalized tool definitions; sent in every content mode so toolset changes show without the schemas."),
    PROP_TEMPERATURE: (_N, "Sampling temperature of the call."),
    PROP_MAX_OUTPUT_TOKENS: (_N, "Output token limit set for the call."),
    PROP_TOP_P: (_N, "Nucleus sampling (top-p) setting of the call."),
    PROP_IS_STREAMING: (_B, "True when the response was streamed."),
    PROP_PROMPT_ID: (_S, "Identifier of the prompt template or its version."),
    PROP_WAS_COPIED: (_B, "True when the user copied the response: an implicit sign it was useful."),
    PROP_WAS_CACHED: (_B, "True when a semantic or whole-response cache served the answer (not token-level prompt caching)."),
    PROP_MODEL_TIER: (_S, "Model class inferred from its name unless overridden: 'fast', 'standard' or 'reasoning'."),
    PROP_INVOCATION_ID: (_S, "UUID of this tool invocation."),
    PROP_TOOL_NAME: (_S, "Name of the tool or function that ran, e.g. 'search_docs'."),
    PROP_TOOL_SUCCESS: (_B, "True when the tool finished without failing."),
    PROP_TOOL_INPUT: (_S, "JSON (as a string) of the tool's arguments; only in full content mode."),
    PROP_TOOL_OUTPUT: (_S, "JSON (as a string) of the tool's result; only in full content mode."),
    PROP_PARENT_MESSAGE_ID: (_S, "Message ID of the user message that led to this tool call."),
    PROP_SPAN_ID: (_S, "UUID of this span."),
    PROP_EMBEDDING_DIMENSIONS: (_N, "Length of the returned embedding vectors."),
    PROP_SPAN_NAME: (_S, "Name of the operation, e.g. 'vector_search'."),
    PROP_PARENT_SPAN_ID: (_S, "Span ID of the enclosing span, for nested pipeline steps."),
    PROP_INPUT_STATE: (_S, "JSON (as a string) of the span's input; only in full content mode."),
    PROP_OUTPUT_STATE: (_S, "JSON (as a string) of the span's output; only in full content mode."),
    PROP_ENRICHMENTS: (_S, "JSON (as a string) of a SessionEnrichments object."),
    PROP_ABANDONMENT_TURN: (_N, "Turn ID of the last answered user message before the user left; low values point at a disappointing first answer."),
    PROP_SESSION_IDLE_TIMEOUT_MINUTES: (_N, "Minutes of inactivity after which the server closes this session (30 when not set)."),
    PROP_SCORE_NAME: (_S, "What the score measures, e.g. 'user-feedback', 'accuracy'."),
    PROP_SCORE_VALUE: (_N, "The score: binary 0/1, a fraction 0.0-1.0 or a rating such as 1-5."),
    PROP_TARGET_ID: (_S, "Message ID or session ID that the score is about."),
    PROP_TARGET_TYPE: (_S, "Kind of target: 'message' or 'session'."),
    PROP_EVALUATION_SOURCE: (_S, "Who evaluated: 'user' (end user), 'ai' (automated) or 'reviewer' (human expert)."),
    PROP_COMMENT: (_S, "Free-text reason for the score; follows the content mode."),
    PROP_TAXONOMY_VERSION: (_S, "Version of the taxonomy configuration that produced the evaluation."),
    PROP_EVALUATED_AT: (_N, "When the evaluation was computed, in epoch milliseconds."),
    PROP_SCORE_LABEL: (_S, "Magnitude bucket derived from the value (very_low .. very_high); filled in by the server."),
    PROP_OVERALL_OUTCOME: (_S, "How the session ended, e.g. 'success', 'partial_success', 'failure', 'abandoned'."),
    PROP_TURN_COUNT: (_N, "Number of conversation turns in the session."),
    PROP_SESSION_TOTAL_TOKENS: (_N, "Tokens used by all model calls of the session."),
    PROP_SESSION_AVG_LATENCY_MS: (_N, "Mean AI response latency over the session, in milliseconds."),
    PROP_REQUEST_COMPLEXITY: (_S, "How hard the request was: 'simple', 'moderate', 'complex' or 'ambiguous'."),
    PROP_HAS_TASK_FAILURE: (_B, "True when the agent did not accomplish what the user asked."),
    PROP_HAS_NEGATIVE_FEEDBACK: (_B, "True when the user showed dissatisfaction in the session."),
    PROP_HAS_TECHNICAL_FAILURE: (_B, "True when technical errors happened (timeouts, API failures, ...)."),
    PROP_HAS_DATA_QUALITY_ISSUES: (_B, "True when answers contained wrong or invented data."),
    PROP_MODELS_USED: (_SA, "Models called during the session, as a JSON array of strings."),
    PROP_ROOT_AGENT_NAME: (_S, "The agent where a multi-agent flow started."),
    PROP_AGENT_CHAIN_DEPTH: (_N, "How many agents the delegation chain contains."),
    PROP_TASK_FAILURE_TYPE: (_S, "Kind of task failure, e.g. 'wrong_answer', 'unable_to_complete'."),
    PROP_TECHNICAL_ERROR_COUNT: (_N, "How many technical errors occurred in the session."),
    PROP_ERROR_CATEGORIES: (_SA, "Categories of the errors seen, as a JSON array of strings."),
    PROP_BEHAVIORAL_PATTERNS: (_SA, "Detected problem patterns such as 'retry_storm', as a JSON array of strings."),
    PROP_SESSION_COST_USD: (_N, "Sum of the model call costs of the session, in US dollars."),
    PROP_ENRICHMENT_COST_USD: (_N, "What running the enrichment pipeline on this session cost, in US dollars (separate from the session's own cost)."),
    PROP_QUALITY_SCORE: (_N, "Overall quality of the session, 0.0-1.0, from the enrichment pipeline."),
    PROP_SENTIMENT_SCORE: (_N, "Inferred user sentiment, 0.0-1.0, from the enrichment pipeline."),
    PROP_TASK_FAILURE_REASON: (_S, "Why the task failed, in words."),
    PROP_AGENT_CHAIN: (_SA, "Agent IDs along the delegation chain, as a JSON array of strings."),
    PROP_PROJECT_ID: (_S, "The Amplitude project that owns the evaluated session."),
    PROP_HAS_USER_FEEDBACK: (_B, "True when the user gave explicit feedback such as a rating."),
    PROP_USER_SCORE: (_N, "Combined explicit user feedback for the session, 0.0-1.0; only with user feedback."),
    PROP_TOPIC: (_S, "The topic model this classification belongs to, e.g. 'product_area'."),
    PROP_SELECTION_MODE: (_S, "'single' (one category) or 'multiple' (several labels) for this topic model."),
    PROP_PRIMARY: (_S, "The main category assigned."),
    PROP_SECONDARY: (_SA, "Further categories for multi-label topics, as a JSON array of strings."),
    PROP_SUBCATEGORIES: (_SA, "Finer-grained codes under the primary category, as a JSON array of strings."),
}

_REQ, _OPT = True, False


def _props(*entries: tuple[str, bool] | tuple[str, bool, str]) -> tuple[PropertySpec, ...]:
    out = []
    for entry in entries:
        name, required = entry[0], entry[1]
        ptype, description = _DEFS[name]
        if len(entry) == 3:
            description = entry[2]  # type: ignore[misc]
        out.append(PropertySpec(name, ptype, required, description))
    return tuple(out)


COMMON_PROPERTIES: tuple[PropertySpec, ...] = _props(
    (PROP_SESSION_ID, _REQ),
    (PROP_TRACE_ID, _OPT),
    (PROP_TURN_ID, _OPT),
    (PROP_AGENT_ID, _OPT),
    (PROP_PARENT_AGENT_ID, _OPT),
    (PROP_CUSTOMER_ORG_ID, _OPT),
    (PROP_AGENT_VERSION, _OPT),
    (PROP_AGENT_DESCRIPTION, _OPT),
    (PROP_CONTEXT, _OPT),
    (PROP_ENV, _OPT),
    (PROP_SDK_VERSION, _REQ),
    (PROP_RUNTIME, _REQ),
)

_USER_MESSAGE = _props(
    (PROP_MESSAGE_ID, _REQ),
    (PROP_COMPONENT_TYPE, _REQ),
    (PROP_LOCALE, _OPT),
    (PROP_SESSION_REPLAY_ID, _OPT),
    (PROP_IS_REGENERATION, _OPT),
    (PROP_IS_EDIT, _OPT),
    (PROP_EDITED_MESSAGE_ID, _OPT),
    (PROP_HAS_ATTACHMENTS, _OPT),
    (PROP_ATTACHMENT_TYPES, _OPT),
    (PROP_ATTACHMENT_COUNT, _OPT),
    (PROP_TOTAL_ATTACHMENT_SIZE_BYTES, _OPT),
    (PROP_ATTACHMENTS, _OPT),
    (PROP_MESSAGE_LABELS, _OPT),
    (PROP_MESSAGE_SOURCE, _OPT),
    (PROP_LLM_MESSAGE, _OPT, "The user's message as {\"text\": ...}, at full length; only in full content mode."),
)

_AI_RESPONSE = _props(
    (PROP_MESSAGE_ID, _REQ),
    (PROP_COMPONENT_TYPE, _REQ),
    (PROP_MODEL_NAME, _REQ),
    (PROP_PROVIDER, _REQ),
    (PROP_LATENCY_MS, _REQ),
    (PROP_IS_ERROR, _REQ),
    (PROP_ERROR_MESSAGE, _OPT),
    (PROP_LOCALE, _OPT),
    (PROP_SPAN_KIND, _OPT),
    (PROP_SESSION_REPLAY_ID, _OPT),
    (PROP_TTFB_MS, _OPT),
    (PROP_INPUT_TOKENS, _OPT),
    (PROP_OUTPUT_TOKENS, _OPT),
    (PROP_TOTAL_TOKENS, _OPT),
    (PROP_REASONING_TOKENS, _OPT),
    (PROP_CACHE_READ_TOKENS, _OPT),
    (PROP_CACHE_CREATION_TOKENS, _OPT),
    (PROP_COST_USD, _OPT),
    (PROP_FINISH_REASON, _OPT),
    (PROP_TOOL_CALLS, _OPT),
    (PROP_HAS_REASONING, _OPT),
    (PROP_REASONING_CONTENT, _OPT),
    (PROP_SYSTEM_PROMPT, _OPT),
    (PROP_SYSTEM_PROMPT_LENGTH, _OPT),
    (PROP_TOOL_DEFINITIONS, _OPT),
    (PROP_TOOL_DEFINITIONS_COUNT, _OPT),
    (PROP_TOOL_DEFINITIONS_HASH, _OPT),
    (PROP_TEMPERATURE, _OPT),
    (PROP_MAX_OUTPUT_TOKENS, _OPT),
    (PROP_TOP_P, _OPT),
    (PROP_IS_STREAMING, _OPT),
    (PROP_PROMPT_ID, _OPT),
    (PROP_WAS_COPIED, _OPT),
    (PROP_WAS_CACHED, _OPT),
    (PROP_MODEL_TIER, _OPT),
    (PROP_HAS_ATTACHMENTS, _OPT, "True when the response includes generated files (images, charts, documents)."),
    (PROP_ATTACHMENT_TYPES, _OPT, "The distinct kinds of generated attachment; sent as a JSON array string."),
    (PROP_ATTACHMENT_COUNT, _OPT, "How many attachments the model generated."),
    (PROP_TOTAL_ATTACHMENT_SIZE_BYTES, _OPT, "Combined size of the generated attachments, in bytes."),
    (PROP_ATTACHMENTS, _OPT, "JSON array (as a string) describing each generated attachment. Never file contents."),
    (PROP_MESSAGE_LABELS, _OPT),
    (PROP_MESSAGE_LABEL_MAP, _OPT),
    (PROP_LLM_MESSAGE, _OPT, "The model's answer as {\"text\": ...}, at full length; only in full content mode."),
)

_TOOL_CALL = _props(
    (PROP_COMPONENT_TYPE, _REQ),
    (PROP_LATENCY_MS, _REQ),
    (PROP_IS_ERROR, _REQ),
    (PROP_ERROR_MESSAGE, _OPT),
    (PROP_LOCALE, _OPT),
    (PROP_SPAN_KIND, _OPT),
    (PROP_SESSION_REPLAY_ID, _OPT),
    (PROP_INVOCATION_ID, _REQ),
    (PROP_TOOL_NAME, _REQ),
    (PROP_TOOL_SUCCESS, _REQ),
    (PROP_TOOL_INPUT, _OPT),
    (PROP_TOOL_OUTPUT, _OPT),
    (PROP_PARENT_MESSAGE_ID, _OPT),
)

_EMBEDDING = _props(
    (PROP_COMPONENT_TYPE, _REQ),
    (PROP_MODEL_NAME, _REQ, "Embedding model identifier, e.g. 'text-embedding-3-small'."),
    (PROP_PROVIDER, _REQ),
    (PROP_LATENCY_MS, _REQ),
    (PROP_SPAN_ID, _REQ, "UUID of this embedding operation."),
    (PROP_INPUT_TOKENS, _OPT, "Tokens the embedding model processed."),
    (PROP_EMBEDDING_DIMENSIONS, _OPT),
    (PROP_COST_USD, _OPT, "Estimated price of the embedding call in US dollars."),
)

_SPAN = _props(
    (PROP_LATENCY_MS, _REQ),
    (PROP_IS_ERROR, _REQ),
    (PROP_ERROR_MESSAGE, _OPT),
    (PROP_SPAN_ID, _REQ),
    (PROP_SPAN_NAME, _REQ),
    (PROP_PARENT_SPAN_ID, _OPT),
    (PROP_INPUT_STATE, _OPT),
    (PROP_OUTPUT_STATE, _OPT),
)

_SESSION_END = _props(
    (PROP_ENRICHMENTS, _OPT, "JSON (as a string) of the SessionEnrichments given when the session was closed."),
    (PROP_ABANDONMENT_TURN, _OPT),
    (PROP_SESSION_IDLE_TIMEOUT_MINUTES, _OPT),
)

_SESSION_ENRICHMENT = _props(
    (PROP_ENRICHMENTS, _REQ, "JSON (as a string) of SessionEnrichments: topics, rubric scores, outcome, scores, flags, agent chain and message labels."),
)

_SCORE = _props(
    (PROP_SCORE_NAME, _REQ),
    (PROP_SCORE_VALUE, _REQ),
    (PROP_TARGET_ID, _REQ),
    (PROP_TARGET_TYPE, _REQ),
    (PROP_EVALUATION_SOURCE, _REQ),
    (PROP_COMMENT, _OPT),
    (PROP_TAXONOMY_VERSION, _OPT),
    (PROP_EVALUATED_AT, _OPT),
    (PROP_SCORE_LABEL, _OPT),
)

_SERVER_IDENTITY = (
    (PROP_SESSION_ID, _REQ),
    (PROP_AGENT_ID, _REQ),
    (PROP_CUSTOMER_ORG_ID, _REQ),
    (PROP_EVALUATION_SOURCE, _REQ),
    (PROP_TAXONOMY_VERSION, _REQ),
    (PROP_EVALUATED_AT, _REQ),
)

_SESSION_EVALUATION = _props(
    *_SERVER_IDENTITY,
    (PROP_OVERALL_OUTCOME, _REQ),
    (PROP_TURN_COUNT, _REQ),
    (PROP_SESSION_TOTAL_TOKENS, _OPT),
    (PROP_SESSION_AVG_LATENCY_MS, _OPT),
    (PROP_REQUEST_COMPLEXITY, _OPT),
    (PROP_HAS_TASK_FAILURE, _REQ),
    (PROP_HAS_NEGATIVE_FEEDBACK, _REQ),
    (PROP_HAS_TECHNICAL_FAILURE, _REQ),
    (PROP_HAS_DATA_QUALITY_ISSUES, _REQ),
    (PROP_MODELS_USED, _OPT),
    (PROP_ROOT_AGENT_NAME, _OPT),
    (PROP_AGENT_CHAIN_DEPTH, _OPT),
    (PROP_TASK_FAILURE_TYPE, _OPT),
    (PROP_TECHNICAL_ERROR_COUNT, _OPT),
    (PROP_ERROR_CATEGORIES, _OPT),
    (PROP_BEHAVIORAL_PATTERNS, _OPT),
    (PROP_SESSION_COST_USD, _OPT),
    (PROP_ENRICHMENT_COST_USD, _OPT),
    (PROP_QUALITY_SCORE, _OPT),
    (PROP_SENTIMENT_SCORE, _OPT),
    (PROP_TASK_FAILURE_REASON, _OPT),
    (PROP_AGENT_CHAIN, _OPT),
    (PROP_PROJECT_ID, _OPT),
    (PROP_HAS_USER_FEEDBACK, _REQ),
    (PROP_USER_SCORE, _OPT),
    (PROP_AGENT_VERSION, _OPT),
    (PROP_AGENT_DESCRIPTION, _OPT),
)

_TOPIC_CLASSIFICATION = _props(
    *_SERVER_IDENTITY,
    (PROP_TOPIC, _REQ),
    (PROP_SELECTION_MODE, _REQ),
    (PROP_PRIMARY, _OPT),
    (PROP_SECONDARY, _OPT),
    (PROP_SUBCATEGORIES, _OPT),
)


def _sdk(event_type: str, description: str, specific: tuple[PropertySpec, ...], **kw: Any) -> EventSpec:
    return EventSpec(event_type, description, COMMON_PROPERTIES + specific, True, **kw)


EVENTS: dict[str, EventSpec] = {
    spec.event_type: spec
    for spec in (
        _sdk(EVENT_USER_MESSAGE, "A message a user (or a delegating agent) sent to the AI: IDs, optional content, implicit feedback, attachment metadata, labels.", _USER_MESSAGE),
        _sdk(EVENT_AI_RESPONSE, "One answer produced by a model: model and provider, latency, tokens, cost, finish reason, reasoning, model settings, optional content.", _AI_RESPONSE),
        _sdk(EVENT_TOOL_CALL, "One run of a tool or function by the agent: name, success, latency and, in full mode, its input and output.", _TOOL_CALL),
        _sdk(EVENT_EMBEDDING, "One embedding request: model, provider, latency, tokens, vector size, cost.", _EMBEDDING),
        _sdk(EVENT_SPAN, "Any other timed step of a pipeline (retrieval, reranking, ...), nestable through parent span IDs.", _SPAN),
        _sdk(EVENT_SESSION_END, "Marks a session as finished (optionally with enrichments); the server then queues it for evaluation.", _SESSION_END),
        _sdk(EVENT_SESSION_ENRICHMENT, "Session classifications computed by the customer's own pipeline; each call adds one event.", _SESSION_ENRICHMENT),
        _sdk(EVENT_SCORE, "A quality signal about a message or a session, from a user, an automated evaluator or a human reviewer.", _SCORE, server_emitted=True),
        EventSpec(EVENT_SESSION_EVALUATION, "Summary of a closed session written by Amplitude's enrichment pipeline (outcome, turn count, flags). Never sent by the SDK.", _SESSION_EVALUATION, False),
        EventSpec(EVENT_TOPIC_CLASSIFICATION, "One classification per configured topic model per session, written by Amplitude's enrichment pipeline. Never sent by the SDK.", _TOPIC_CLASSIFICATION, False),
    )
}

SDK_EVENT_TYPES: tuple[str, ...] = tuple(t for t, s in EVENTS.items() if s.sdk_emitted)
SERVER_EVENT_TYPES: tuple[str, ...] = tuple(t for t, s in EVENTS.items() if not s.sdk_emitted)

_PROPERTY_INDEX: dict[str, dict[str, PropertySpec]] = {
    t: {p.name: p for p in s.properties} for t, s in EVENTS.items()
}


def get_event_schema(event_type: str | None = None) -> dict[str, Any]:
    """The catalog as plain JSON-ready data.

    With no argument: every event type, plus the common properties and the type legend.
    With an event type: that event's description, flags and properties.
    An unknown event type raises ``ValueError`` naming the known ones.
    """
    if event_type is None:
        return {
            "property_types": {
                "string": "text",
                "number": "integer or decimal number",
                "boolean": "true or false",
                "string[]": "a JSON array of strings, sent serialized as a string",
                "object": "a nested object ($llm_message: {\"text\": ...})",
            },
            "common_properties": [p.to_dict() for p in COMMON_PROPERTIES],
            "events": {t: s.to_dict() for t, s in EVENTS.items()},
        }
    spec = EVENTS.get(event_type)
    if spec is None:
        raise ValueError(f"unknown event type {event_type!r}; known event types: {', '.join(EVENTS)}")
    return spec.to_dict()


def _type_problem(spec: PropertySpec, value: Any) -> str | None:
    kind = spec.type
    if kind == "string":
        ok = isinstance(value, str)
    elif kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "string[]":
        if not isinstance(value, str):
            return f"{spec.name}: expected a JSON array of strings serialized as a string, got {type(value).__name__}"
        import json

        try:
            decoded = json.loads(value)
        except ValueError:
            return f"{spec.name}: expected a JSON array of strings, got a string that is not JSON"
        ok = isinstance(decoded, list) and all(isinstance(item, str) for item in decoded)
        if not ok:
            return f"{spec.name}: expected a JSON array of strings, got {value[:80]!r}"
        return None
    else:  # object: only $llm_message
        if not isinstance(value, dict) or not isinstance(value.get("text"), str) or set(value) != {"text"}:
            return f'{spec.name}: expected {{"text": <string>}}, got {type(value).__name__}'
        return None
    if not ok:
        return f"{spec.name}: expected {kind}, got {type(value).__name__}"
    return None


def check_event(event_type: str, properties: dict[str, Any]) -> list[str]:
    """Conformance problems of one event against the catalog, in words; empty when it conforms.

    Reports a missing required property, a property the event type does not define, a
    value of the wrong type (see the module docstring for the Python type of each catalog
    type) and a ``None`` value (omit the property instead).
    """
    spec = EVENTS.get(event_type)
    if spec is None:
        return [f"unknown event type {event_type!r}"]
    index = _PROPERTY_INDEX[event_type]
    problems: list[str] = []
    for prop in spec.properties:
        if prop.required and properties.get(prop.name) is None:
            problems.append(f"{prop.name}: required on {event_type} but missing")
    for name, value in properties.items():
        prop = index.get(name)
        if prop is None:
            problems.append(f"{name}: not a property of {event_type}")
        elif value is None:
            if not prop.required:
                problems.append(f"{name}: value is None (leave the property out instead)")
        else:
            problem = _type_problem(prop, value)
            if problem:
                problems.append(problem)
    return problems
