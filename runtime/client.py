"""The public client: :class:`AmplitudeAI`, :class:`BoundAgent`, :class:`Session`, :class:`TenantHandle`.

Every event goes ``AmplitudeAI.track_*`` → ``core/events.py`` (build, privacy, validation)
→ ``core/delivery.py`` (amplitude-analytics, a recorder, or dry-run). ``BoundAgent`` and
``Session`` only pre-fill arguments; ``AmplitudeAI.track_*`` fill whatever is still missing
from the active :class:`~amplitude_ai.context.SessionContext`.

What belongs to the moment of a call — context, session, trace, turn, time, IDs, argument
checks — is resolved in the caller's thread (``_resolve``). For User Message, AI Response and
Embedding (and every provider-wrapper event) the build itself may then run on the dispatcher
thread (``_submit`` → ``Delivery.defer``); see docs/ARCHITECTURE.md, "Deferred build".
"""

from __future__ import annotations

import copy
import functools
import logging
import os
import threading
import time
import weakref
from dataclasses import replace
from typing import Any, Callable, Optional

from .config import ENV_API_KEY, ENV_SERVER_URL, AIConfig
from .context import (
    SessionContext,
    TurnCounter,
    _ACTIVE,
    dumps_context,
    reset_active_context,
    set_active_context,
)
from .core.delivery import Delivery, FlushFutures, create_amplitude_client
from .core.events import AgentEvent, EventBuilder, Resolved, new_id, normalize_usage
from .core.validation import (
    check_choice,
    check_count,
    check_name,
    check_non_negative,
    check_number,
    check_score_value,
    check_user,
)
from .exceptions import ValidationError

logger = logging.getLogger("amplitude_ai")

__all__ = ["AmplitudeAI", "BoundAgent", "Session", "TenantHandle", "coerce_ai", "is_serverless", "default_ai"]

_MAX_TRACKED_SESSIONS = 10_000
_TARGET_TYPES = ("message", "session")

# environment variables that mean "this process is a serverless function"
_SERVERLESS_ENV = (
    "AWS_LAMBDA_FUNCTION_NAME",  # AWS Lambda
    "LAMBDA_TASK_ROOT",
    "FUNCTION_TARGET",  # Google Cloud Functions
    "K_SERVICE",  # Cloud Functions gen2 / Cloud Run
    "VERCEL",  # Vercel
    "NETLIFY",  # Netlify
    "FUNCTIONS_WORKER_RUNTIME",  # Azure Functions
    "CF_PAGES",  # Cloudflare Pages
)


def is_serverless() -> bool:
    """True when running in AWS Lambda, Vercel, Netlify, Google Cloud/Azure Functions or Cloudflare Pages."""
    env = os.environ
    return any(env.get(name) for name in _SERVERLESS_ENV)


def _opt_count(name: str, value: Any) -> Optional[int]:
    """``check_count`` for an optional argument: ``None`` stays ``None``."""
    return None if value is None else check_count(name, value)


_new_resolved = object.__new__
_now = time.time


_SCALARS = (str, int, float, bool, type(None))


def _copied(value: Any) -> Any:
    """A copy of a dict or list argument as it is at the call, for an event built later on the
    dispatcher thread (the caller may reuse and change its containers right after the call).

    Flat containers of scalars are copied shallowly; anything nested (labels, tool definitions,
    attachments, tool calls, nested event properties) is deep-copied — only calls that pass such
    arguments pay for it. Objects that cannot be deep-copied are kept as they are.
    """
    if value is None:
        return None
    kind = type(value)
    if kind is dict:
        for item in value.values():
            if not isinstance(item, _SCALARS):
                return _deep(value)
        return dict(value)
    if kind is list or kind is tuple:
        for item in value:
            if not isinstance(item, _SCALARS):
                return _deep(value)
        return list(value) if kind is list else value
    return _deep(value)


def _deep(value: Any) -> Any:
    try:
        return copy.deepcopy(value)
    except Exception:  # an object that refuses copying: it is read as it is when built
        return value


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


# ======================================================================================
# AmplitudeAI
# ======================================================================================
class AmplitudeAI:
    """Tracks ``[Agent]`` events through an Amplitude client.

    ``AmplitudeAI(amplitude=existing_client)`` shares your pipeline; ``AmplitudeAI(api_key=...)``
    (or ``AMPLITUDE_AI_API_KEY``) creates a client, sends to ``AMPLITUDE_AI_SERVER_URL`` when set
    (or the EU endpoint with ``server_zone="EU"``) and flushes it at interpreter exit. With no
    client and no key the instance runs dry: it builds and prints every event and sends nothing.
    """

    def __init__(
        self,
        amplitude: Any = None,
        *,
        api_key: Optional[str] = None,
        config: Optional[AIConfig] = None,
        server_url: Optional[str] = None,
        server_zone: Optional[str] = None,
        _sink: Optional[Callable[[AgentEvent], None]] = None,
    ) -> None:
        if config is None:
            config = AIConfig.from_env()
            embedded_default = True
        elif isinstance(config, AIConfig):
            embedded_default = False
        else:
            raise TypeError(f"config must be an AIConfig, got {type(config).__name__}")
        owns = False
        provider = hook = None
        if amplitude is None and _sink is None and not config.dry_run:
            key = api_key or os.environ.get(ENV_API_KEY) or None
            if key:
                amplitude, provider, hook = create_amplitude_client(
                    key, server_url=server_url or os.environ.get(ENV_SERVER_URL) or None, server_zone=server_zone
                )
                owns = True
            else:
                # The embedded default: no key anywhere -> build and print events, send nothing.
                config = replace(config, dry_run=True, debug=True if embedded_default else config.debug)
                logger.info("amplitude-ai: no API key (%s): dry-run, events are printed, not sent", ENV_API_KEY)
        elif amplitude is not None and server_zone:
            amplitude.configuration.server_zone = server_zone.upper()
        self.config = config
        self.amplitude = amplitude
        self._builder = EventBuilder(config)
        self._delivery = Delivery(
            amplitude, config, owns_client=owns, storage_provider=provider, exit_hook=hook, sink=_sink
        )
        self._turns: dict[str, TurnCounter] = {}
        self._turns_lock = threading.Lock()

    # -- internals -----------------------------------------------------------------------
    def _turn_counter(self, session_id: str) -> TurnCounter:
        counter = self._turns.get(session_id)
        if counter is None:
            with self._turns_lock:
                counter = self._turns.get(session_id)
                if counter is None:
                    if len(self._turns) >= _MAX_TRACKED_SESSIONS:
                        self._turns.pop(next(iter(self._turns)))
                    counter = self._turns[session_id] = TurnCounter()
        return counter

    def _resolve(
        self,
        user_id: Any,
        session_id: Any,
        trace_id: Any,
        turn_id: Any,
        agent_id: Any,
        parent_agent_id: Any,
        customer_org_id: Any,
        agent_version: Any,
        description: Any,
        context: Any,
        env: Any,
        device_id: Any,
        browser_session_id: Any,
        groups: Any,
        count_turn: bool,
    ) -> Resolved:
        ctx = _ACTIVE.get()
        context_json = dumps_context(context) if context is not None else None
        if ctx is not None:
            if user_id is None:
                user_id = ctx.user_id
            if session_id is None:
                session_id = ctx.session_id
            if trace_id is None and session_id == ctx.session_id:
                trace_id = ctx.trace_id
            if agent_id is None:  # agent identity comes as a whole: caller's, or the context's
                agent_id = ctx.agent_id
                if parent_agent_id is None:
                    parent_agent_id = ctx.parent_agent_id
                if agent_version is None:
                    agent_version = ctx.agent_version
                if description is None:
                    description = ctx.description
            if customer_org_id is None:
                customer_org_id = ctx.customer_org_id
            if env is None:
                env = ctx.env
            if context is None:
                context_json = ctx.context_json
            if device_id is None:
                device_id = ctx.device_id
            if browser_session_id is None:
                browser_session_id = ctx.browser_session_id
            if groups is None:
                groups = ctx.groups
        r = _new_resolved(Resolved)  # every field is set below
        r.time = int(_now() * 1000)
        r.user_id = check_user(user_id, device_id)
        if session_id is not None:
            session_id = str(session_id)
        r.session_id = session_id
        r.trace_id = None if trace_id is None else str(trace_id)
        r.turn_id = None if turn_id is None else _opt_count("turn_id", turn_id)
        if count_turn and session_id is not None:
            counter = ctx.turns if (ctx is not None and ctx.session_id == session_id) else self._turn_counter(session_id)
            if r.turn_id is None:
                r.turn_id = counter.next()
            else:  # later automatic ids continue past it
                counter.observe(r.turn_id)
        r.agent_id = agent_id
        r.parent_agent_id = parent_agent_id
        r.customer_org_id = customer_org_id
        r.agent_version = agent_version
        r.description = description
        r.context_json = context_json
        r.env = env
        r.device_id = None if device_id is None else str(device_id)
        r.browser_session_id = browser_session_id
        r.groups = _copied(groups) if groups else groups  # the event may be built after the call
        return r

    def _submit(self, method: str, r: Resolved, build: Callable[[], AgentEvent]) -> bool:
        """Build (now, or later on the dispatcher thread: ``Delivery.defer``) and deliver one event.

        ``build`` gets everything it needs bound in: the resolved identity/context (``Resolved``,
        with the call's time), the IDs, and copies of mutable arguments (:func:`_copied`).
        False when building failed right here (the call then returns ``None``).
        """
        delivery = self._delivery
        if delivery.defer(method, build, r.user_id, r.device_id):
            return True
        try:
            ev = build()
        except Exception as exc:
            self._rejected(method, exc)
            return False
        delivery.deliver(ev)
        return True

    def _track_for_provider(
        self, method: str, identity: dict[str, Any], count_turn: bool, build: Callable[..., AgentEvent], *args: Any
    ) -> None:
        """The event path of provider wrappers (``providers/_base.py``).

        Identity, context, turn and time are resolved now, in the caller's thread and context;
        ``build(builder, resolved, *args)`` (reading the SDK's request and response, redaction,
        cost) runs when the event is built: on the dispatcher thread when ``Delivery.defer``.
        ``identity`` holds the wrapper's ``user_id`` / ``device_id`` / ``session_id`` /
        ``trace_id`` / ``groups``.
        """
        get = identity.get
        try:
            r = self._resolve(
                get("user_id"), get("session_id"), get("trace_id"), None, None, None, None, None, None, None, None,
                get("device_id"), None, get("groups"), count_turn,
            )
        except Exception as exc:
            self._rejected(method, exc)
            return
        self._submit(method, r, functools.partial(build, self._builder, r, *args))

    def _rejected(self, method: str, exc: Exception) -> None:
        if isinstance(exc, ValidationError):
            if self.config.validate:
                raise exc
            logger.warning("amplitude-ai: %s: %s; event not sent", method, exc)
        else:  # a bug of ours or an odd value: never break the host app
            logger.warning("amplitude-ai: %s failed (%s: %s); event not sent", method, type(exc).__name__, exc)
        return None

    # -- the eight tracking calls ------------------------------------------------------------
    def track_user_message(
        self,
        user_id: Optional[str] = None,
        content: Optional[str] = None,
        session_id: Optional[str] = None,
        *,
        trace_id: Optional[str] = None,
        turn_id: Optional[int] = None,
        agent_id: Optional[str] = None,
        parent_agent_id: Optional[str] = None,
        customer_org_id: Optional[str] = None,
        agent_version: Optional[str] = None,
        description: Optional[str] = None,
        context: Optional[dict[str, Any]] = None,
        env: Optional[str] = None,
        labels: Optional[list[Any]] = None,
        attachments: Optional[list[dict[str, Any]]] = None,
        is_regeneration: Optional[bool] = None,
        is_edit: Optional[bool] = None,
        edited_message_id: Optional[str] = None,
        locale: Optional[str] = None,
        device_id: Optional[str] = None,
        browser_session_id: Optional[Any] = None,
        message_source: Optional[str] = None,
        event_properties: Optional[dict[str, Any]] = None,
        groups: Optional[dict[str, Any]] = None,
        _manual: bool = True,
    ) -> Optional[str]:
        """Track ``[Agent] User Message``; returns its ``message_id``.

        Inside a session, the content is remembered for the current trace: a provider wrapper
        called next with the same last user input does not send a second User Message.
        (``_manual=False`` is how wrappers call it.)
        """
        try:
            r = self._resolve(
                user_id, session_id, trace_id, turn_id, agent_id, parent_agent_id, customer_org_id, agent_version,
                description, context, env, device_id, browser_session_id, groups, True,
            )
            message_id = new_id()
            build = functools.partial(
                self._builder.user_message, r, content, message_id=message_id, labels=_copied(labels),
                attachments=_copied(attachments), is_regeneration=is_regeneration, is_edit=is_edit,
                edited_message_id=edited_message_id, locale=locale, message_source=message_source,
                event_properties=_copied(event_properties),
            )
        except Exception as exc:
            return self._rejected("track_user_message", exc)
        if _manual:
            ctx = _ACTIVE.get()
            if ctx is not None and ctx.session_id == r.session_id:
                ctx.remember_user_message(r.trace_id, content)
        return message_id if self._submit("track_user_message", r, build) else None

    def track_ai_message(
        self,
        user_id: Optional[str] = None,
        content: Optional[str] = None,
        session_id: Optional[str] = None,
        model: Optional[str] = None,
        provider: Optional[str] = None,
        latency_ms: Optional[float] = None,
        *,
        trace_id: Optional[str] = None,
        turn_id: Optional[int] = None,
        agent_id: Optional[str] = None,
        parent_agent_id: Optional[str] = None,
        customer_org_id: Optional[str] = None,
        agent_version: Optional[str] = None,
        description: Optional[str] = None,
        context: Optional[dict[str, Any]] = None,
        env: Optional[str] = None,
        input_tokens: Optional[int] = None,
        output_tokens: Optional[int] = None,
        total_tokens: Optional[int] = None,
        reasoning_tokens: Optional[int] = None,
        cache_read_tokens: Optional[int] = None,
        cache_creation_tokens: Optional[int] = None,
        total_cost_usd: Optional[float] = None,
        usage: Optional[dict[str, Any]] = None,
        ttfb_ms: Optional[float] = None,
        finish_reason: Optional[str] = None,
        tool_calls: Optional[list[Any]] = None,
        reasoning_content: Optional[str] = None,
        system_prompt: Optional[str] = None,
        tool_definitions: Optional[list[Any]] = None,
        temperature: Optional[float] = None,
        top_p: Optional[float] = None,
        max_output_tokens: Optional[int] = None,
        is_streaming: Optional[bool] = None,
        prompt_id: Optional[str] = None,
        was_copied: Optional[bool] = None,
        was_cached: Optional[bool] = None,
        model_tier: Optional[str] = None,
        is_error: bool = False,
        error_message: Optional[str] = None,
        labels: Optional[list[Any]] = None,
        attachments: Optional[list[dict[str, Any]]] = None,
        locale: Optional[str] = None,
        span_kind: Optional[str] = None,
        device_id: Optional[str] = None,
        browser_session_id: Optional[Any] = None,
        message_source: Optional[str] = None,
        event_properties: Optional[dict[str, Any]] = None,
        groups: Optional[dict[str, Any]] = None,
    ) -> Optional[str]:
        """Track ``[Agent] AI Response``; returns its ``message_id``.

        Cost comes from genai-prices (cache-aware) unless ``total_cost_usd`` is given; the model
        tier is inferred from the model name unless ``model_tier`` is given. ``usage`` may carry
        the token counts as a dict; explicit token arguments win over it.
        """
        try:
            r = self._resolve(
                user_id, session_id, trace_id, turn_id, agent_id, parent_agent_id, customer_org_id, agent_version,
                description, context, env, device_id, browser_session_id, groups, True,
            )
            if usage is not None:
                u = normalize_usage(usage)
                input_tokens = u.get("input_tokens") if input_tokens is None else input_tokens
                output_tokens = u.get("output_tokens") if output_tokens is None else output_tokens
                total_tokens = u.get("total_tokens") if total_tokens is None else total_tokens
                reasoning_tokens = u.get("reasoning_tokens") if reasoning_tokens is None else reasoning_tokens
                cache_read_tokens = u.get("cache_read_tokens") if cache_read_tokens is None else cache_read_tokens
                if cache_creation_tokens is None:
                    cache_creation_tokens = u.get("cache_creation_tokens")
            latency_ms = check_non_negative("latency_ms", latency_ms)
            input_tokens = _opt_count("input_tokens", input_tokens)
            output_tokens = _opt_count("output_tokens", output_tokens)
            total_tokens = _opt_count("total_tokens", total_tokens)
            reasoning_tokens = _opt_count("reasoning_tokens", reasoning_tokens)
            cache_read_tokens = _opt_count("cache_read_tokens", cache_read_tokens)
            cache_creation_tokens = _opt_count("cache_creation_tokens", cache_creation_tokens)
            max_output_tokens = _opt_count("max_output_tokens", max_output_tokens)
            if total_cost_usd is not None:
                total_cost_usd = check_non_negative("total_cost_usd", total_cost_usd)
            if ttfb_ms is not None:
                ttfb_ms = check_non_negative("ttfb_ms", ttfb_ms)
            if temperature is not None:
                temperature = check_number("temperature", temperature)
            if top_p is not None:
                top_p = check_number("top_p", top_p)
            message_id = new_id()
            build = functools.partial(
                self._builder.ai_message, r, content, message_id=message_id, model=model, provider=provider,
                latency_ms=latency_ms, input_tokens=input_tokens, output_tokens=output_tokens,
                total_tokens=total_tokens, reasoning_tokens=reasoning_tokens, cache_read_tokens=cache_read_tokens,
                cache_creation_tokens=cache_creation_tokens, total_cost_usd=total_cost_usd, ttfb_ms=ttfb_ms,
                finish_reason=finish_reason, tool_calls=_copied(tool_calls), reasoning_content=reasoning_content,
                system_prompt=system_prompt, tool_definitions=_copied(tool_definitions), temperature=temperature,
                max_output_tokens=max_output_tokens, top_p=top_p, is_streaming=is_streaming, prompt_id=prompt_id,
                was_copied=was_copied, was_cached=was_cached, model_tier=model_tier, is_error=is_error,
                error_message=error_message, labels=_copied(labels), attachments=_copied(attachments),
                locale=locale, span_kind=span_kind, event_properties=_copied(event_properties),
            )
        except Exception as exc:
            return self._rejected("track_ai_message", exc)
        return message_id if self._submit("track_ai_message", r, build) else None

    def track_tool_call(
        self,
        user_id: Optional[str] = None,
        tool_name: Optional[str] = None,
        latency_ms: Optional[float] = None,
        success: bool = True,
        *,
        session_id: Optional[str] = None,
        trace_id: Optional[str] = None,
        turn_id: Optional[int] = None,
        agent_id: Optional[str] = None,
        parent_agent_id: Optional[str] = None,
        customer_org_id: Optional[str] = None,
        agent_version: Optional[str] = None,
        description: Optional[str] = None,
        context: Optional[dict[str, Any]] = None,
        env: Optional[str] = None,
        input: Any = None,
        output: Any = None,
        parent_message_id: Optional[str] = None,
        is_error: Optional[bool] = None,
        error_message: Optional[str] = None,
        locale: Optional[str] = None,
        span_kind: Optional[str] = None,
        device_id: Optional[str] = None,
        browser_session_id: Optional[Any] = None,
        event_properties: Optional[dict[str, Any]] = None,
        groups: Optional[dict[str, Any]] = None,
    ) -> Optional[str]:
        """Track ``[Agent] Tool Call``; returns its ``invocation_id``."""
        try:
            check_name("tool_name", tool_name)
            latency_ms = check_non_negative("latency_ms", latency_ms)
            r = self._resolve(
                user_id, session_id, trace_id, turn_id, agent_id, parent_agent_id, customer_org_id, agent_version,
                description, context, env, device_id, browser_session_id, groups, True,
            )
            invocation_id = new_id()
            ev = self._builder.tool_call(
                r, invocation_id=invocation_id, tool_name=tool_name, latency_ms=latency_ms,  # type: ignore[arg-type]
                success=bool(success), input=input, output=output, parent_message_id=parent_message_id,
                is_error=is_error, error_message=error_message, locale=locale, span_kind=span_kind,
                event_properties=event_properties,
            )
        except Exception as exc:
            return self._rejected("track_tool_call", exc)
        self._delivery.deliver(ev)
        return invocation_id

    def track_embedding(
        self,
        user_id: Optional[str] = None,
        model: Optional[str] = None,
        provider: Optional[str] = None,
        latency_ms: Optional[float] = None,
        *,
        session_id: Optional[str] = None,
        trace_id: Optional[str] = None,
        turn_id: Optional[int] = None,
        agent_id: Optional[str] = None,
        parent_agent_id: Optional[str] = None,
        customer_org_id: Optional[str] = None,
        agent_version: Optional[str] = None,
        description: Optional[str] = None,
        context: Optional[dict[str, Any]] = None,
        env: Optional[str] = None,
        input_tokens: Optional[int] = None,
        dimensions: Optional[int] = None,
        total_cost_usd: Optional[float] = None,
        device_id: Optional[str] = None,
        browser_session_id: Optional[Any] = None,
        event_properties: Optional[dict[str, Any]] = None,
        groups: Optional[dict[str, Any]] = None,
    ) -> Optional[str]:
        """Track ``[Agent] Embedding``; returns its ``span_id``."""
        try:
            check_name("model", model)
            latency_ms = check_non_negative("latency_ms", latency_ms)
            input_tokens = _opt_count("input_tokens", input_tokens)
            dimensions = _opt_count("dimensions", dimensions)
            if total_cost_usd is not None:
                total_cost_usd = check_non_negative("total_cost_usd", total_cost_usd)
            r = self._resolve(
                user_id, session_id, trace_id, turn_id, agent_id, parent_agent_id, customer_org_id, agent_version,
                description, context, env, device_id, browser_session_id, groups, False,
            )
            span_id = new_id()
            build = functools.partial(
                self._builder.embedding, r, span_id=span_id, model=model, provider=provider, latency_ms=latency_ms,
                input_tokens=input_tokens, dimensions=dimensions, total_cost_usd=total_cost_usd,
                event_properties=_copied(event_properties),
            )
        except Exception as exc:
            return self._rejected("track_embedding", exc)
        return span_id if self._submit("track_embedding", r, build) else None

    def track_span(
        self,
        user_id: Optional[str] = None,
        span_name: Optional[str] = None,
        trace_id: Optional[str] = None,
        latency_ms: Optional[float] = None,
        *,
        session_id: Optional[str] = None,
        turn_id: Optional[int] = None,
        agent_id: Optional[str] = None,
        parent_agent_id: Optional[str] = None,
        customer_org_id: Optional[str] = None,
        agent_version: Optional[str] = None,
        description: Optional[str] = None,
        context: Optional[dict[str, Any]] = None,
        env: Optional[str] = None,
        parent_span_id: Optional[str] = None,
        span_id: Optional[str] = None,
        input_state: Any = None,
        output_state: Any = None,
        is_error: bool = False,
        error_message: Optional[str] = None,
        device_id: Optional[str] = None,
        browser_session_id: Optional[Any] = None,
        event_properties: Optional[dict[str, Any]] = None,
        groups: Optional[dict[str, Any]] = None,
    ) -> Optional[str]:
        """Track ``[Agent] Span`` (any pipeline step or action); returns its ``span_id``."""
        try:
            check_name("span_name", span_name)
            latency_ms = check_non_negative("latency_ms", latency_ms)
            r = self._resolve(
                user_id, session_id, trace_id, turn_id, agent_id, parent_agent_id, customer_org_id, agent_version,
                description, context, env, device_id, browser_session_id, groups, False,
            )
            span_id = str(span_id) if span_id else new_id()
            ev = self._builder.span(
                r, span_id=span_id, span_name=span_name, latency_ms=latency_ms,  # type: ignore[arg-type]
                parent_span_id=parent_span_id, input_state=input_state, output_state=output_state,
                is_error=is_error, error_message=error_message, event_properties=event_properties,
            )
        except Exception as exc:
            return self._rejected("track_span", exc)
        self._delivery.deliver(ev)
        return span_id

    def track_session_end(
        self,
        user_id: Optional[str] = None,
        session_id: Optional[str] = None,
        *,
        enrichments: Any = None,
        abandonment_turn: Optional[int] = None,
        idle_timeout_minutes: Optional[float] = None,
        trace_id: Optional[str] = None,
        turn_id: Optional[int] = None,
        agent_id: Optional[str] = None,
        parent_agent_id: Optional[str] = None,
        customer_org_id: Optional[str] = None,
        agent_version: Optional[str] = None,
        description: Optional[str] = None,
        context: Optional[dict[str, Any]] = None,
        env: Optional[str] = None,
        device_id: Optional[str] = None,
        browser_session_id: Optional[Any] = None,
        event_properties: Optional[dict[str, Any]] = None,
        groups: Optional[dict[str, Any]] = None,
    ) -> None:
        """Track ``[Agent] Session End`` (optionally with enrichments); returns ``None``."""
        try:
            abandonment_turn = _opt_count("abandonment_turn", abandonment_turn)
            if idle_timeout_minutes is not None:
                idle_timeout_minutes = check_non_negative("idle_timeout_minutes", idle_timeout_minutes)
            r = self._resolve(
                user_id, session_id, trace_id, turn_id, agent_id, parent_agent_id, customer_org_id, agent_version,
                description, context, env, device_id, browser_session_id, groups, False,
            )
            if r.session_id is None:
                raise ValidationError("session_id is required to end a session")
            ev = self._builder.session_end(
                r, enrichments=enrichments, abandonment_turn=abandonment_turn,
                idle_timeout_minutes=idle_timeout_minutes, event_properties=event_properties,
            )
        except Exception as exc:
            return self._rejected("track_session_end", exc)
        self._delivery.deliver(ev)
        return None

    def track_session_enrichment(
        self,
        user_id: Optional[str] = None,
        session_id: Optional[str] = None,
        enrichments: Any = None,
        *,
        trace_id: Optional[str] = None,
        turn_id: Optional[int] = None,
        agent_id: Optional[str] = None,
        parent_agent_id: Optional[str] = None,
        customer_org_id: Optional[str] = None,
        agent_version: Optional[str] = None,
        description: Optional[str] = None,
        context: Optional[dict[str, Any]] = None,
        env: Optional[str] = None,
        device_id: Optional[str] = None,
        browser_session_id: Optional[Any] = None,
        event_properties: Optional[dict[str, Any]] = None,
        groups: Optional[dict[str, Any]] = None,
    ) -> None:
        """Track ``[Agent] Session Enrichment`` (one event per call, never an overwrite); returns ``None``."""
        try:
            if enrichments is None:
                raise ValidationError("enrichments is required (a SessionEnrichments)")
            r = self._resolve(
                user_id, session_id, trace_id, turn_id, agent_id, parent_agent_id, customer_org_id, agent_version,
                description, context, env, device_id, browser_session_id, groups, False,
            )
            if r.session_id is None:
                raise ValidationError("session_id is required for session enrichments")
            ev = self._builder.session_enrichment(r, enrichments=enrichments, event_properties=event_properties)
        except Exception as exc:
            return self._rejected("track_session_enrichment", exc)
        self._delivery.deliver(ev)
        return None

    def score(
        self,
        user_id: Optional[str] = None,
        name: Optional[str] = None,
        value: Optional[float] = None,
        target_id: Optional[str] = None,
        *,
        target_type: str = "message",
        source: str = "user",
        comment: Optional[str] = None,
        session_id: Optional[str] = None,
        trace_id: Optional[str] = None,
        turn_id: Optional[int] = None,
        agent_id: Optional[str] = None,
        parent_agent_id: Optional[str] = None,
        customer_org_id: Optional[str] = None,
        agent_version: Optional[str] = None,
        description: Optional[str] = None,
        context: Optional[dict[str, Any]] = None,
        env: Optional[str] = None,
        taxonomy_version: Optional[str] = None,
        evaluated_at: Optional[int] = None,
        device_id: Optional[str] = None,
        browser_session_id: Optional[Any] = None,
        event_properties: Optional[dict[str, Any]] = None,
        groups: Optional[dict[str, Any]] = None,
    ) -> None:
        """Track ``[Agent] Score`` on a message or a session; returns ``None``."""
        try:
            check_name("name", name)
            value = check_score_value(value)
            if target_id is None and target_type == "session":
                ctx = _ACTIVE.get()
                target_id = session_id or (ctx.session_id if ctx is not None else None)
            check_name("target_id", target_id)
            check_choice("target_type", target_type, _TARGET_TYPES)
            check_name("source", source)
            evaluated_at = _opt_count("evaluated_at", evaluated_at)
            r = self._resolve(
                user_id, session_id, trace_id, turn_id, agent_id, parent_agent_id, customer_org_id, agent_version,
                description, context, env, device_id, browser_session_id, groups, False,
            )
            ev = self._builder.score(
                r, name=name, value=value, target_id=target_id, target_type=target_type,  # type: ignore[arg-type]
                source=source, comment=comment, taxonomy_version=taxonomy_version, evaluated_at=evaluated_at,
                event_properties=event_properties,
            )
        except Exception as exc:
            return self._rejected("score", exc)
        self._delivery.deliver(ev)
        return None

    # -- handles ---------------------------------------------------------------------------
    def agent(
        self,
        agent_id: Optional[str] = None,
        *,
        description: Optional[str] = None,
        user_id: Optional[str] = None,
        session_id: Optional[str] = None,
        trace_id: Optional[str] = None,
        agent_version: Optional[str] = None,
        env: Optional[str] = None,
        context: Optional[dict[str, Any]] = None,
        parent_agent_id: Optional[str] = None,
        customer_org_id: Optional[str] = None,
        groups: Optional[dict[str, Any]] = None,
        device_id: Optional[str] = None,
        browser_session_id: Optional[Any] = None,
    ) -> "BoundAgent":
        """A handle that pre-fills agent and session fields on every tracking call."""
        return BoundAgent(
            self, agent_id, description=description, user_id=user_id, session_id=session_id, trace_id=trace_id,
            agent_version=agent_version, env=env, context=context, parent_agent_id=parent_agent_id,
            customer_org_id=customer_org_id, groups=groups, device_id=device_id,
            browser_session_id=browser_session_id,
        )

    def tenant(
        self,
        customer_org_id: str,
        *,
        groups: Optional[dict[str, Any]] = None,
        env: Optional[str] = None,
        **defaults: Any,
    ) -> "TenantHandle":
        """A factory of agents that all carry ``customer_org_id`` (and ``groups``/``env``)."""
        return TenantHandle(self, customer_org_id, groups=groups, env=env, **defaults)

    # -- lifecycle & introspection ------------------------------------------------------------
    def flush(self) -> FlushFutures:
        """Send buffered events now. Returns the SDK's futures (a list that is also one Future)."""
        return self._delivery.flush()

    def shutdown(self) -> None:
        """Flush and wait; when this instance created the Amplitude client, also shut it down."""
        self._delivery.shutdown()

    def status(self) -> dict[str, Any]:
        """The current configuration and environment, as a dict."""
        import importlib.util
        import sys

        available = []
        for name, module in (
            ("openai", "openai"), ("anthropic", "anthropic"), ("gemini", "google.genai"),
            ("mistral", "mistralai"), ("bedrock", "boto3"),
        ):
            try:
                if module in sys.modules or importlib.util.find_spec(module) is not None:
                    available.append(name)
            except (ImportError, ValueError):
                pass
        patched: list[str] = []
        patching = sys.modules.get(__package__ + ".patching")
        if patching is not None and hasattr(patching, "patched_providers"):
            try:
                patched = list(patching.patched_providers())
            except Exception:
                patched = []
        ctx = _ACTIVE.get()
        server_url = None
        if self.amplitude is not None:
            server_url = getattr(getattr(self.amplitude, "configuration", None), "server_url", None)
        return {
            "content_mode": self.config.content_mode.value,  # type: ignore[union-attr]
            "debug": self.config.debug,
            "dry_run": self.config.dry_run,
            "redact_pii": self.config.redact_pii,
            "validate": self.config.validate,
            "propagate_context": self.config.propagate_context,
            "sending": self.amplitude is not None and not self.config.dry_run and self._delivery.sink is None,
            "owns_client": self._delivery.owns_client,
            "queued_events": self._delivery.pending,
            "dropped_events": self._delivery.dropped,
            "server_url": server_url,
            "serverless": is_serverless(),
            "providers_available": available,
            "patched_providers": patched,
            "active_session": ctx.session_id if ctx is not None else None,
        }

    def __repr__(self) -> str:
        mode = "dry-run" if self.config.dry_run else ("recording" if self._delivery.sink else "sending")
        return f"<AmplitudeAI {mode} content_mode={self.config.content_mode}>"


# ======================================================================================
# BoundAgent
# ======================================================================================
_AGENT_FIELDS = (
    "agent_id", "description", "user_id", "session_id", "trace_id", "agent_version", "env", "parent_agent_id",
    "customer_org_id", "groups", "device_id", "browser_session_id",
)


class BoundAgent:
    """An agent handle: every tracking call inherits its fields; explicit arguments win."""

    def __init__(
        self,
        ai: AmplitudeAI,
        agent_id: Optional[str] = None,
        *,
        description: Optional[str] = None,
        user_id: Optional[str] = None,
        session_id: Optional[str] = None,
        trace_id: Optional[str] = None,
        agent_version: Optional[str] = None,
        env: Optional[str] = None,
        context: Optional[dict[str, Any]] = None,
        parent_agent_id: Optional[str] = None,
        customer_org_id: Optional[str] = None,
        groups: Optional[dict[str, Any]] = None,
        device_id: Optional[str] = None,
        browser_session_id: Optional[Any] = None,
    ) -> None:
        self.ai = ai
        self.agent_id = agent_id
        self.description = description
        self.user_id = user_id
        self.session_id = session_id
        self.trace_id = trace_id
        self.agent_version = agent_version
        self.env = env
        self.context: dict[str, Any] = dict(context) if context else {}
        self.parent_agent_id = parent_agent_id
        self.customer_org_id = customer_org_id
        self.groups = dict(groups) if groups else None
        self.device_id = device_id
        self.browser_session_id = browser_session_id
        self._defaults_cache: Optional[dict[str, Any]] = None

    # The bound values as keyword arguments (cached; the context is serialized once).
    def _defaults(self) -> dict[str, Any]:
        cached = self._defaults_cache
        if cached is None:
            cached = {name: getattr(self, name) for name in _AGENT_FIELDS}
            cached["context"] = dumps_context(self.context)
            cached = self._defaults_cache = _drop_none(cached)
        return cached

    def __setattr__(self, name: str, value: Any) -> None:  # keep the cache honest
        object.__setattr__(self, name, value)
        if name != "_defaults_cache":
            object.__setattr__(self, "_defaults_cache", None)

    def _merge(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        merged = self._defaults().copy()
        for key, value in kwargs.items():
            if value is not None:
                merged[key] = value
        return merged

    # -- tracking ----------------------------------------------------------------------------
    def track_user_message(self, content: Optional[str] = None, **kwargs: Any) -> Optional[str]:
        return self.ai.track_user_message(content=content, **self._merge(kwargs))

    def track_ai_message(self, content: Optional[str] = None, **kwargs: Any) -> Optional[str]:
        return self.ai.track_ai_message(content=content, **self._merge(kwargs))

    def track_tool_call(self, tool_name: Optional[str] = None, **kwargs: Any) -> Optional[str]:
        return self.ai.track_tool_call(tool_name=tool_name, **self._merge(kwargs))

    def track_embedding(self, model: Optional[str] = None, **kwargs: Any) -> Optional[str]:
        return self.ai.track_embedding(model=model, **self._merge(kwargs))

    def track_span(self, span_name: Optional[str] = None, **kwargs: Any) -> Optional[str]:
        return self.ai.track_span(span_name=span_name, **self._merge(kwargs))

    def track_session_end(self, **kwargs: Any) -> None:
        return self.ai.track_session_end(**self._merge(kwargs))

    def track_session_enrichment(self, enrichments: Any = None, **kwargs: Any) -> None:
        return self.ai.track_session_enrichment(enrichments=enrichments, **self._merge(kwargs))

    def score(
        self, name: Optional[str] = None, value: Optional[float] = None, target_id: Optional[str] = None, **kwargs: Any
    ) -> None:
        return self.ai.score(name=name, value=value, target_id=target_id, **self._merge(kwargs))

    # -- structure ---------------------------------------------------------------------------
    def child(
        self,
        agent_id: str,
        *,
        description: Optional[str] = None,
        context: Optional[dict[str, Any]] = None,
        **overrides: Any,
    ) -> "BoundAgent":
        """A sub-agent: inherits this agent's fields, merges ``context``, sets ``parent_agent_id``."""
        merged_context = dict(self.context)
        if context:
            merged_context.update(context)
        values = {name: getattr(self, name) for name in _AGENT_FIELDS}
        values.update(agent_id=agent_id, description=description, parent_agent_id=self.agent_id)
        for key, value in overrides.items():
            if key not in values:
                raise TypeError(f"child() got an unexpected keyword argument {key!r}")
            if value is not None:
                values[key] = value
        values.pop("agent_id")
        return BoundAgent(self.ai, agent_id, context=merged_context, **values)

    def session(
        self,
        session_id: Optional[str] = None,
        *,
        user_id: Optional[str] = None,
        trace_id: Optional[str] = None,
        device_id: Optional[str] = None,
        browser_session_id: Optional[Any] = None,
        idle_timeout_minutes: Optional[float] = None,
        auto_flush: Optional[bool] = None,
        enrichments: Any = None,
    ) -> "Session":
        """A sync/async context manager for one conversation; ends it (Session End) on exit."""
        return Session(
            self, session_id=session_id or self.session_id, user_id=user_id, trace_id=trace_id,
            device_id=device_id, browser_session_id=browser_session_id,
            idle_timeout_minutes=idle_timeout_minutes, auto_flush=auto_flush, enrichments=enrichments,
        )

    def __repr__(self) -> str:
        parent = f" parent={self.parent_agent_id!r}" if self.parent_agent_id else ""
        return f"<BoundAgent {self.agent_id!r}{parent}>"


# ======================================================================================
# TenantHandle
# ======================================================================================
class TenantHandle:
    """Creates agents that share ``customer_org_id``, ``groups`` and defaults (explicit kwargs win)."""

    def __init__(
        self, ai: AmplitudeAI, customer_org_id: str, *, groups: Optional[dict[str, Any]] = None,
        env: Optional[str] = None, **defaults: Any,
    ) -> None:
        self.ai = ai
        self.customer_org_id = customer_org_id
        self.groups = dict(groups) if groups else None
        self.env = env
        self.defaults = defaults

    def agent(self, agent_id: Optional[str] = None, **kwargs: Any) -> BoundAgent:
        values: dict[str, Any] = {"customer_org_id": self.customer_org_id, "groups": self.groups, "env": self.env}
        values.update(self.defaults)
        values.update(_drop_none(kwargs))
        return self.ai.agent(agent_id, **values)

    def __repr__(self) -> str:
        return f"<TenantHandle {self.customer_org_id!r}>"


# ======================================================================================
# Session
# ======================================================================================
class Session:
    """One conversation. Use as ``with agent.session(...) as s:`` or ``async with``.

    Entering publishes the session context (so provider wrappers, decorators and the OTEL bridge
    inherit it); leaving tracks ``[Agent] Session End`` (also on exception), restores the previous
    context and, in serverless environments or with ``auto_flush=True``, flushes.
    """

    def __init__(
        self,
        agent: BoundAgent,
        *,
        session_id: Optional[str] = None,
        user_id: Optional[str] = None,
        trace_id: Optional[str] = None,
        device_id: Optional[str] = None,
        browser_session_id: Optional[Any] = None,
        idle_timeout_minutes: Optional[float] = None,
        auto_flush: Optional[bool] = None,
        enrichments: Any = None,
        _parent: Optional["Session"] = None,
    ) -> None:
        self.agent = agent
        self.ai = agent.ai
        self.idle_timeout_minutes = idle_timeout_minutes
        self.auto_flush = auto_flush
        self._enrichments = enrichments
        self._parent = _parent
        self._tokens: list[tuple[Any, Optional[SessionContext]]] = []
        self._ended = False
        outer = _ACTIVE.get()
        if _parent is not None:  # a run_as view: same session, another agent identity
            base = _parent.context
            parent_agent = agent.parent_agent_id or base.agent_id
            if parent_agent == agent.agent_id:  # running as the session's own agent: keep its parent
                parent_agent = base.parent_agent_id
            ctx_context = dict(base.context or {})
            ctx_context.update(agent.context)
            self.context = base.derive(
                agent_id=agent.agent_id, parent_agent_id=parent_agent, agent_version=agent.agent_version,
                description=agent.description, context=ctx_context or None,
                env=agent.env or base.env, customer_org_id=agent.customer_org_id or base.customer_org_id,
                groups=agent.groups or base.groups,
            )
            return
        sid = str(session_id) if session_id is not None else new_id()
        same_session = outer is not None and outer.session_id == sid
        turns = outer.turns if same_session else self.ai._turn_counter(sid)
        self.context = SessionContext(
            session_id=sid,
            trace_id=trace_id or agent.trace_id or (outer.trace_id if same_session else None),
            user_id=user_id or agent.user_id or (outer.user_id if outer is not None else None),
            agent_id=agent.agent_id,
            parent_agent_id=agent.parent_agent_id,
            customer_org_id=agent.customer_org_id,
            agent_version=agent.agent_version,
            description=agent.description,
            env=agent.env,
            context=dict(agent.context) if agent.context else None,
            groups=agent.groups,
            device_id=device_id or agent.device_id,
            browser_session_id=browser_session_id if browser_session_id is not None else agent.browser_session_id,
            idle_timeout_minutes=idle_timeout_minutes,
            client=self.ai,
            turns=turns,
        )

    # -- properties --------------------------------------------------------------------------
    @property
    def session_id(self) -> str:
        return self.context.session_id  # type: ignore[return-value]

    @property
    def trace_id(self) -> Optional[str]:
        return self.context.trace_id

    @property
    def user_id(self) -> Optional[str]:
        return self.context.user_id

    @property
    def agent_id(self) -> Optional[str]:
        return self.context.agent_id

    @property
    def parent_agent_id(self) -> Optional[str]:
        return self.context.parent_agent_id

    # -- context management ------------------------------------------------------------------
    def _enter(self) -> "Session":
        previous = _ACTIVE.get()
        self._tokens.append((set_active_context(self.context), previous))
        return self

    def _restore(self) -> None:
        if self._tokens:
            token, previous = self._tokens.pop()
            reset_active_context(token, previous)

    def _exit(self) -> bool:
        try:
            if self._parent is None and not self._ended:
                self.track_session_end()
        finally:
            self._restore()
        if self._parent is None and self._should_flush():
            try:
                self.ai.flush().wait(10.0)
            except Exception as exc:
                logger.warning("amplitude-ai: flush at session exit failed: %s", exc)
        return False

    def _should_flush(self) -> bool:
        return is_serverless() if self.auto_flush is None else bool(self.auto_flush)

    def __enter__(self) -> "Session":
        return self._enter()

    def __exit__(self, *exc_info: Any) -> bool:
        return self._exit()

    async def __aenter__(self) -> "Session":
        return self._enter()

    async def __aexit__(self, *exc_info: Any) -> bool:
        if self._parent is None and self._should_flush():
            # Flushing waits on the network: keep it off the event loop.
            import asyncio

            try:
                if not self._ended:
                    self.track_session_end()
            finally:
                self._restore()
            try:
                await asyncio.wrap_future(self.ai.flush())
            except Exception as exc:
                logger.warning("amplitude-ai: flush at session exit failed: %s", exc)
            return False
        return self._exit()

    # -- session controls ----------------------------------------------------------------------
    def new_trace(self, trace_id: Optional[str] = None) -> str:
        """Start a new trace (one user-message-to-response cycle); returns its id."""
        tid = trace_id or new_id()
        self.context.trace_id = tid
        self.context.last_user_message = None
        return tid

    def set_enrichments(self, enrichments: Any) -> None:
        """Enrichments to attach to this session's ``[Agent] Session End``."""
        root = self
        while root._parent is not None:
            root = root._parent
        root._enrichments = enrichments

    def run_as(self, agent: BoundAgent) -> "Session":
        """``with s.run_as(child) as cs:`` — same session, events attributed to ``agent``."""
        if not isinstance(agent, BoundAgent):
            raise TypeError(f"run_as() expects a BoundAgent, got {type(agent).__name__}")
        return Session(agent, _parent=self)

    def arun_as(self, agent: BoundAgent) -> "Session":
        """``async with s.arun_as(child) as cs:`` — the async form of :meth:`run_as`."""
        return self.run_as(agent)

    # -- tracking (the session's fields are the defaults; explicit kwargs win) ----------------
    def _call(self, method: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
        ctx = self.context
        if _ACTIVE.get() is ctx:
            return method(**self._merge_ctx(kwargs))
        previous = _ACTIVE.get()
        token = set_active_context(ctx)  # so counters and fills come from this session
        try:
            return method(**self._merge_ctx(kwargs))
        finally:
            reset_active_context(token, previous)

    def _merge_ctx(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        ctx = self.context
        merged = {
            "user_id": ctx.user_id,
            "session_id": ctx.session_id,
            "agent_id": ctx.agent_id,
            "parent_agent_id": ctx.parent_agent_id,
            "agent_version": ctx.agent_version,
            "description": ctx.description,
        }
        for key, value in kwargs.items():
            if value is not None:
                merged[key] = value
        return _drop_none(merged)

    def track_user_message(self, content: Optional[str] = None, **kwargs: Any) -> Optional[str]:
        kwargs["content"] = content
        return self._call(self.ai.track_user_message, kwargs)

    def track_ai_message(self, content: Optional[str] = None, **kwargs: Any) -> Optional[str]:
        kwargs["content"] = content
        return self._call(self.ai.track_ai_message, kwargs)

    def track_tool_call(self, tool_name: Optional[str] = None, **kwargs: Any) -> Optional[str]:
        kwargs["tool_name"] = tool_name
        return self._call(self.ai.track_tool_call, kwargs)

    def track_embedding(self, model: Optional[str] = None, **kwargs: Any) -> Optional[str]:
        kwargs["model"] = model
        return self._call(self.ai.track_embedding, kwargs)

    def track_span(self, span_name: Optional[str] = None, **kwargs: Any) -> Optional[str]:
        kwargs["span_name"] = span_name
        return self._call(self.ai.track_span, kwargs)

    def track_session_enrichment(self, enrichments: Any = None, **kwargs: Any) -> None:
        kwargs["enrichments"] = enrichments
        return self._call(self.ai.track_session_enrichment, kwargs)

    def score(
        self, name: Optional[str] = None, value: Optional[float] = None, target_id: Optional[str] = None, **kwargs: Any
    ) -> None:
        kwargs.update(name=name, value=value, target_id=target_id)
        return self._call(self.ai.score, kwargs)

    def track_session_end(self, **kwargs: Any) -> None:
        """End the session now (the ``with`` block then does not send a second Session End)."""
        root = self
        while root._parent is not None:
            root = root._parent
        if root._ended:
            return None
        root._ended = True
        kwargs.setdefault("enrichments", root._enrichments)
        if root.idle_timeout_minutes is not None:
            kwargs.setdefault("idle_timeout_minutes", root.idle_timeout_minutes)
        if root is not self:  # a run_as view ends the session as the session's own agent
            return root.track_session_end(**kwargs)
        return self._call(self.ai.track_session_end, kwargs)

    def __repr__(self) -> str:
        kind = "run_as view" if self._parent is not None else "session"
        return f"<Session {kind} {self.session_id!r} agent={self.agent_id!r}>"


# ======================================================================================
# coerce_ai and the process default
# ======================================================================================
_by_amplitude: "weakref.WeakKeyDictionary[Any, AmplitudeAI]" = weakref.WeakKeyDictionary()
_default: Optional[AmplitudeAI] = None
_coerce_lock = threading.Lock()


def default_ai() -> AmplitudeAI:
    """The process-wide default instance, configured from the environment on first use."""
    global _default
    if _default is None:
        with _coerce_lock:
            if _default is None:
                _default = AmplitudeAI()
    return _default


def coerce_ai(value: Any = None) -> AmplitudeAI:
    """An :class:`AmplitudeAI` from an AmplitudeAI, an ``amplitude.Amplitude`` (one cached
    instance per client) or ``None`` (the process default)."""
    if value is None:
        return default_ai()
    if isinstance(value, AmplitudeAI):
        return value
    if hasattr(value, "track") and hasattr(value, "configuration"):
        ai = _by_amplitude.get(value)
        if ai is None:
            with _coerce_lock:
                ai = _by_amplitude.get(value)
                if ai is None:
                    ai = _by_amplitude[value] = AmplitudeAI(amplitude=value)
        return ai
    raise TypeError(f"expected an AmplitudeAI, an amplitude.Amplitude or None; got {type(value).__name__}")
