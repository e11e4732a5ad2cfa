"""Hand-off of built events: to amplitude-analytics, to a recorder (tests), or nowhere (dry-run).

* ``$llm_message`` keeps its full length: amplitude-analytics cuts every string property at
  1,024 characters when it serializes an event (``BaseEvent.get_event_body`` → ``utils.truncate``).
  Our event subclass takes ``$llm_message`` out before that step and puts it back after, so
  only that one property escapes truncation.
* amplitude-analytics deep-copies every event on its way to a destination plugin; our events
  are never mutated after hand-off, so their ``__deepcopy__`` copies only the property dict.
* ``debug`` prints one line per event on stderr; ``dry_run`` builds and prints, sends nothing.
* When the runtime created the Amplitude client itself, it flushes at interpreter exit and
  wakes the client's (non-daemon) consumer thread so the exit neither loses events nor hangs.
* Off the caller's thread: events bound for amplitude-analytics are appended to a bounded queue
  and handed to ``amplitude.track()`` by one daemon thread (:class:`Dispatcher`), because that
  call costs more than building the event. The hot events (User Message, AI Response,
  Embedding, and everything provider wrappers record) are not even built by the caller: the
  caller resolves what depends on the moment of the call (context, session, turn, time, IDs,
  argument checks) and queues the build (:meth:`Delivery.defer`); redaction, cost, JSON and the property dict
  are done on the dispatcher thread. What stays synchronous, in the caller's thread and before
  the tracking call returns: everything when ``validate=True`` (it raises there), ``debug`` (one
  line per event), dry-run, and recorders (``MockAmplitudeAI.events`` is filled before the call
  returns). ``flush()``, ``shutdown()``, the serverless flush at session exit and the
  interpreter-exit hook first drain the queue (building what is pending) in the calling thread.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import weakref
from collections import deque
from concurrent.futures import Future
from typing import Any, Callable, Iterable, Optional

from .. import catalog as C
from .events import AgentEvent

logger = logging.getLogger("amplitude_ai")

__all__ = [
    "Delivery", "Dispatcher", "FlushFutures", "format_debug_line", "create_amplitude_client", "harden_client", "EXIT_FLUSH_TIMEOUT",
]

#: seconds the interpreter-exit flush waits for delivery before giving up
EXIT_FLUSH_TIMEOUT = float(os.environ.get("AMPLITUDE_AI_EXIT_TIMEOUT", "10") or 10)

_LLM = C.PROP_LLM_MESSAGE


# --------------------------------------------------------------------------------------
# the amplitude-analytics event class (built on first use: amplitude is imported lazily)
# --------------------------------------------------------------------------------------
_sdk: Optional[tuple[type, dict[str, Any]]] = None
_sdk_lock = threading.Lock()


def _sdk_event() -> tuple[type, dict[str, Any]]:
    global _sdk
    if _sdk is not None:
        return _sdk
    with _sdk_lock:
        if _sdk is not None:
            return _sdk
        from amplitude import BaseEvent

        class AgentSDKEvent(BaseEvent):
            """A ``BaseEvent`` whose ``$llm_message`` escapes the SDK's 1,024-character truncation."""

            def get_event_body(self) -> dict:
                props = self.event_properties
                message = props.pop(_LLM, None) if props else None
                try:
                    body = super().get_event_body()
                finally:
                    if message is not None:
                        props[_LLM] = message
                if message is not None:
                    out = body.get("event_properties")
                    if out is None:
                        body["event_properties"] = out = {}
                    out[_LLM] = message
                return body

            def __deepcopy__(self, memo: dict) -> "AgentSDKEvent":
                clone = self.__class__.__new__(self.__class__)
                state = self.__dict__.copy()
                props = state.get("event_properties")
                if props is not None:
                    state["event_properties"] = dict(props)
                clone.__dict__.update(state)
                return clone

        # One fully initialised instance is the template for every event: BaseEvent.__init__
        # validates ~40 attributes one by one, which would cost more than building our event.
        template = AgentSDKEvent(event_type="[Agent] template").__dict__.copy()
        _sdk = (AgentSDKEvent, template)
        return _sdk


def to_sdk_event(ev: AgentEvent, callback: Optional[Callable] = None) -> Any:
    cls, template = _sdk_event()
    obj = cls.__new__(cls)
    state = template.copy()
    state["event_type"] = ev.event_type
    state["user_id"] = ev.user_id
    state["device_id"] = ev.device_id
    state["event_properties"] = ev.properties
    state["insert_id"] = ev.insert_id
    state["time"] = ev.time
    if ev.session_id is not None:
        state["session_id"] = ev.session_id
    if ev.groups:
        state["groups"] = dict(ev.groups)
    if callback is not None:
        state["event_callback"] = callback
    obj.__dict__.update(state)
    return obj


# --------------------------------------------------------------------------------------
# debug line
# --------------------------------------------------------------------------------------
def _short(value: Any, width: int = 8) -> str:
    text = str(value)
    return text if len(text) <= width else text[:width] + "..."


def _ms(value: Any) -> str:
    try:
        return f"{round(float(value)):,}ms"
    except (TypeError, ValueError):
        return f"{value}ms"


def format_debug_line(ev: AgentEvent, color: bool = False) -> str:
    """``[amplitude-ai] [Agent] AI Response | user=u1 | session=a3f8... | model=gpt-4o | ...``"""
    p = ev.properties
    parts = [ev.event_type]
    if ev.user_id is not None:
        parts.append(f"user={ev.user_id}")
    elif ev.device_id is not None:
        parts.append(f"device={ev.device_id}")
    sid = p.get(C.PROP_SESSION_ID)
    if sid is not None:
        parts.append(f"session={_short(sid)}")
    agent = p.get(C.PROP_AGENT_ID)
    if agent is not None:
        parts.append(f"agent={agent}")
    et = ev.event_type
    if et == C.EVENT_USER_MESSAGE:
        if C.PROP_TURN_ID in p:
            parts.append(f"turn={p[C.PROP_TURN_ID]}")
    elif et == C.EVENT_AI_RESPONSE:
        parts.append(f"model={p.get(C.PROP_MODEL_NAME)}")
        tokens = p.get(C.PROP_TOTAL_TOKENS)
        if tokens is not None:
            parts.append(f"tokens={tokens:,}")
        cost = p.get(C.PROP_COST_USD)
        if cost is not None:
            parts.append(f"cost=${cost:.4f}")
        parts.append(f"latency={_ms(p.get(C.PROP_LATENCY_MS))}")
        if p.get(C.PROP_IS_ERROR):
            parts.append("error=true")
    elif et == C.EVENT_TOOL_CALL:
        parts.append(f"tool={p.get(C.PROP_TOOL_NAME)}")
        parts.append(f"success={'true' if p.get(C.PROP_TOOL_SUCCESS) else 'false'}")
        parts.append(f"latency={_ms(p.get(C.PROP_LATENCY_MS))}")
    elif et == C.EVENT_EMBEDDING:
        parts.append(f"model={p.get(C.PROP_MODEL_NAME)}")
        if C.PROP_EMBEDDING_DIMENSIONS in p:
            parts.append(f"dims={p[C.PROP_EMBEDDING_DIMENSIONS]}")
        parts.append(f"latency={_ms(p.get(C.PROP_LATENCY_MS))}")
    elif et == C.EVENT_SPAN:
        parts.append(f"span={p.get(C.PROP_SPAN_NAME)}")
        parts.append(f"latency={_ms(p.get(C.PROP_LATENCY_MS))}")
        if p.get(C.PROP_IS_ERROR):
            parts.append("error=true")
    elif et == C.EVENT_SCORE:
        parts.append(f"name={p.get(C.PROP_SCORE_NAME)}")
        parts.append(f"value={p.get(C.PROP_SCORE_VALUE)}")
        parts.append(f"source={p.get(C.PROP_EVALUATION_SOURCE)}")
    elif et == C.EVENT_SESSION_END:
        if C.PROP_ABANDONMENT_TURN in p:
            parts.append(f"abandonment_turn={p[C.PROP_ABANDONMENT_TURN]}")
    if color:
        parts[0] = f"\x1b[36m{parts[0]}\x1b[0m"
        return "\x1b[2m[amplitude-ai]\x1b[0m " + " | ".join(parts)
    return "[amplitude-ai] " + " | ".join(parts)


# --------------------------------------------------------------------------------------
# flush futures
# --------------------------------------------------------------------------------------
class FlushFutures(Future):
    """What ``flush()`` returns: a list of the SDK's futures that is itself a Future.

    Iterate it and call ``.result()`` on each, or treat it as one future that completes when
    all of them have (``f.result()``, ``asyncio.wrap_future(f)``).
    """

    def __init__(self, futures: Iterable[Any] = ()) -> None:
        super().__init__()
        self.futures: list[Future] = [f for f in futures if isinstance(f, Future)]
        self._pending = len(self.futures)
        self._lock = threading.Lock()
        if not self.futures:
            self.set_result(None)
            return
        for f in self.futures:
            f.add_done_callback(self._one_done)

    def _one_done(self, _f: Future) -> None:
        with self._lock:
            self._pending -= 1
            last = self._pending == 0
        if last:
            errors = [f.exception() for f in self.futures if not f.cancelled() and f.exception() is not None]
            if errors:
                self.set_exception(errors[0])
            else:
                self.set_result(None)

    def __iter__(self):
        return iter(self.futures)

    def __len__(self) -> int:
        return len(self.futures)

    def __getitem__(self, index: int) -> Future:
        return self.futures[index]

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until delivered (or ``timeout``); True when everything completed."""
        try:
            self.result(timeout)
        except Exception:
            return self.done()
        return True


# --------------------------------------------------------------------------------------
# creating the client
# --------------------------------------------------------------------------------------
class _RecordingStorageProvider:
    """Storage provider that remembers its storage so the exit hook can wake the consumer."""

    def __init__(self) -> None:
        from amplitude.storage import InMemoryStorageProvider

        self._inner = InMemoryStorageProvider()
        self.storages: list[Any] = []

    def get_storage(self) -> Any:
        storage = self._inner.get_storage()
        self.storages.append(storage)
        return storage


def create_amplitude_client(
    api_key: str, *, server_url: Optional[str] = None, server_zone: Optional[str] = None, **config: Any
) -> tuple[Any, _RecordingStorageProvider, "_ExitHook"]:
    """A new Amplitude client plus what the runtime needs to flush it at interpreter exit.

    The exit hook is registered *before* the client exists, so at exit it runs before the
    SDK's own shutdown: it flushes and waits while the SDK's thread pool still accepts work.
    """
    from amplitude import Amplitude, Config

    hook = _ExitHook()
    hook.register()
    provider = _RecordingStorageProvider()
    cfg = Config(storage_provider=provider, **config)
    if server_zone:
        cfg.server_zone = server_zone.upper()
    if server_url:
        cfg.server_url = server_url
    return Amplitude(api_key, cfg), provider, hook


def _destinations(amplitude: Any) -> list[Any]:
    """The client's Amplitude destination plugins (each has ``workers`` and ``storage``)."""
    try:
        from amplitude.constants import PluginType

        timeline = getattr(amplitude, "_Amplitude__timeline", None)
        plugins = timeline.plugins[PluginType.DESTINATION] if timeline is not None else []
    except Exception:
        return []
    return [p for p in plugins if getattr(p, "workers", None) is not None and getattr(p, "storage", None) is not None]


def harden_client(amplitude: Any) -> None:
    """Make a dropped connection a retryable failure on ``amplitude``'s destination workers.

    amplitude-analytics retries timeouts, 5xx and refused connections, but a connection reset
    mid-request (``http.client.RemoteDisconnected``, ``ConnectionResetError``) escapes its HTTP
    layer: the batch's future fails and its events are silently lost. We wrap the workers'
    ``send`` of this one client instance so such an error goes through the SDK's own retry
    path, exactly like a refused connection. Idempotent; does nothing on an unknown SDK layout.
    """
    try:
        from amplitude.http_client import HttpStatus, Response
    except Exception:
        return
    for plugin in _destinations(amplitude):
        workers = plugin.workers
        if getattr(workers, "_amplitude_ai_hardened", False):
            continue
        original = workers.send

        def send(events: list, _original: Callable = original, _workers: Any = workers) -> None:
            try:
                _original(events)
            except Exception as exc:  # raised before any response was processed: retry the batch
                response = Response(HttpStatus.UNKNOWN, {"error": f"{type(exc).__name__}: {exc}"})
                _workers.response_processor.process_response(response, events)

        workers.send = send
        workers._amplitude_ai_hardened = True


# --------------------------------------------------------------------------------------
# the background dispatcher
# --------------------------------------------------------------------------------------
#: events waiting for the dispatcher thread, per AmplitudeAI; beyond it new events are dropped
QUEUE_SIZE = int(os.environ.get("AMPLITUDE_AI_QUEUE_SIZE", "10000") or 10000)
_DROP_WARN_INTERVAL = 60.0
#: seconds the dispatcher waits after a wake-up before handing over what has queued up
DISPATCH_LINGER = 0.01

_dispatchers: "weakref.WeakSet[Dispatcher]" = weakref.WeakSet()


class Dispatcher:
    """Hands built events to ``amplitude.track`` on one daemon thread, off the caller's thread.

    amplitude-analytics' ``track()`` costs far more than building our event (it deep-copies the
    event, runs its plugin timeline and takes its storage lock), so the caller only appends the
    event to a bounded deque and wakes the thread when it sleeps; the thread then waits
    ``DISPATCH_LINGER`` and hands over the whole batch. Order is kept (one consumer). The
    hand-off still needs the GIL: it overlaps the caller's network waits (a real LLM call), not
    CPU-bound work of the caller.

    * ``drain()`` tracks everything queued, in the calling thread; ``flush()``, ``shutdown()``,
      the serverless flush at session exit and the interpreter-exit hook call it first.
    * Full queue: the event is dropped, counted in ``dropped`` (``AmplitudeAI.status()``), and a
      warning is logged at most once a minute. The caller never waits.
    * Interpreter exit: a hook registered when the dispatcher is created (after its Amplitude
      client, so it runs before that client's own exit shutdown) drains the queue.
    * ``fork()``: the child starts with an empty queue and no thread (the parent delivers what
      was queued); a new thread starts on the child's first event.
    """

    def __init__(self, track: Callable[[Any], None], maxsize: Optional[int] = None) -> None:
        self._track = track
        self.maxsize = max(1, int(QUEUE_SIZE if maxsize is None else maxsize))
        self.dropped = 0
        self._reset()
        _dispatchers.add(self)
        _register_exit(_exit_drain_ref(weakref.ref(self)))

    def _reset(self) -> None:
        self._queue: deque = deque()
        self._wake = threading.Event()
        self._drain_lock = threading.Lock()
        self._drain_owner: Optional[int] = None  # the thread inside drain()
        self._thread: Optional[threading.Thread] = None
        self._thread_lock = threading.Lock()
        self._last_drop_warning = -_DROP_WARN_INTERVAL
        self._dropped_since_warning = 0

    # -- caller side -------------------------------------------------------------------
    def put(self, item: Any) -> None:
        queue = self._queue
        if len(queue) >= self.maxsize:
            self._drop()
            return
        queue.append(item)
        if self._thread is None and not self._start():
            self.drain()  # no thread possible (interpreter shutting down): deliver here
            return
        wake = self._wake
        if not wake._flag:  # Event.is_set() without its Python-level call
            wake.set()

    def _drop(self) -> None:
        self.dropped += 1
        self._dropped_since_warning += 1
        now = time.monotonic()
        if now - self._last_drop_warning >= _DROP_WARN_INTERVAL:
            self._last_drop_warning = now
            logger.warning(
                "amplitude-ai: delivery queue full (%d events); dropped %d event(s) since the last warning "
                "(%d in total). Is amplitude-analytics blocked?",
                self.maxsize, self._dropped_since_warning, self.dropped,
            )
            self._dropped_since_warning = 0

    def _start(self) -> bool:
        with self._thread_lock:
            if self._thread is not None:
                return True
            thread = threading.Thread(target=self._run, name="amplitude-ai-dispatch", daemon=True)
            try:
                thread.start()
            except RuntimeError:  # "can't create new thread at interpreter shutdown"
                return False
            self._thread = thread
            return True

    @property
    def pending(self) -> int:
        return len(self._queue)

    # -- consumer side -----------------------------------------------------------------
    def _run(self) -> None:
        wake = self._wake
        while True:
            wake.wait()
            # Batch: events arriving in the next few ms need no wake-up of their own, and the
            # hand-off then runs once per batch instead of interleaving with each caller.
            time.sleep(DISPATCH_LINGER)
            wake.clear()
            try:
                self.drain()
            except BaseException:  # pragma: no cover - drain never raises; keep the thread alive
                pass

    def drain(self, timeout: Optional[float] = None) -> bool:
        """Track everything queued now, in this thread; False when ``timeout`` ran out first.

        Also waits for an item another thread has taken off the queue and is still building or
        handing over (it holds the same lock), so after ``drain()`` every event queued before
        the call is in amplitude-analytics' buffer. A call from inside a drain (an event build
        that flushes) returns at once.
        """
        me = threading.get_ident()
        if self._drain_owner == me:
            return True
        lock = self._drain_lock
        if not lock.acquire(timeout=-1 if timeout is None else max(0.0, timeout)):
            return False
        self._drain_owner = me
        try:
            queue = self._queue
            track = self._track
            while queue:
                try:
                    item = queue.popleft()
                except IndexError:
                    break
                try:
                    track(item)
                except Exception as exc:  # the SDK must never break the host app
                    logger.error("amplitude-ai: could not hand an event to amplitude-analytics: %s", exc)
            return True
        finally:
            self._drain_owner = None
            lock.release()


def _drain_before(amplitude: Any, dispatcher: Dispatcher) -> None:
    """Make ``amplitude.flush()`` / ``amplitude.shutdown()`` on this client instance drain our queue first.

    Code that tracks through us and then flushes or shuts down its own Amplitude client directly
    (not through ``AmplitudeAI.flush()``) must still find every event in the SDK's buffer, as it
    did when the hand-off was synchronous. Only this instance's two methods are wrapped (like
    :func:`harden_client`); several AmplitudeAI instances on one client chain their wrappers.
    """
    ref = weakref.ref(dispatcher)
    for name in ("flush", "shutdown"):
        original = getattr(amplitude, name, None)
        if not callable(original):
            continue

        def drained(*args: Any, _original: Callable = original, **kwargs: Any) -> Any:
            _drain_referent(ref)
            return _original(*args, **kwargs)

        try:
            setattr(amplitude, name, drained)
        except Exception:  # an object that refuses attributes: AmplitudeAI.flush() still drains
            pass


def _drain_referent(ref: "weakref.ref[Dispatcher]") -> None:
    """Drain the dispatcher if it still exists — even with an empty queue, since an event may be
    being built — and never raise (used by the wrapped flush/shutdown and at interpreter exit)."""
    dispatcher = ref()
    if dispatcher is not None:
        try:
            dispatcher.drain(EXIT_FLUSH_TIMEOUT)
        except Exception:
            pass


def _exit_drain_ref(ref: "weakref.ref[Dispatcher]") -> Callable[[], None]:
    def drain_at_exit() -> None:
        _drain_referent(ref)

    return drain_at_exit


def _register_exit(fn: Callable[[], None]) -> None:
    """Run ``fn`` at interpreter exit before non-daemon threads are joined (LIFO, like atexit)."""
    register = getattr(threading, "_register_atexit", None)
    if register is not None:
        try:
            register(fn)
            return
        except Exception:  # registering during shutdown
            return
    import atexit

    atexit.register(fn)


def _after_fork_in_child() -> None:
    for dispatcher in list(_dispatchers):
        dispatcher._reset()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


# --------------------------------------------------------------------------------------
# delivery
# --------------------------------------------------------------------------------------
def _build_deferred(method: str, build: Callable[[], AgentEvent]) -> Optional[AgentEvent]:
    try:
        return build()
    except Exception as exc:  # same outcome as a rejected call: one warning, nothing sent
        logger.warning("amplitude-ai: %s failed (%s: %s); event not sent", method, type(exc).__name__, exc)
        return None


class Delivery:
    """Where events go for one AmplitudeAI instance."""

    def __init__(
        self,
        amplitude: Any,
        config: Any,
        *,
        owns_client: bool = False,
        storage_provider: Optional[_RecordingStorageProvider] = None,
        exit_hook: Optional[_ExitHook] = None,
        sink: Optional[Callable[[AgentEvent], None]] = None,
    ) -> None:
        self.amplitude = amplitude
        self.config = config  # read per event: debug/dry_run may be switched on later (patch(debug=True))
        self.sink = sink
        self.owns_client = owns_client
        self._storage_provider = storage_provider
        self._user_callback = config.on_event_callback
        self._callback = self._on_delivered
        self._last_error_log = 0.0
        self._suppressed = 0
        self._closed = False
        self._id_checked = False
        self._min_id = getattr(getattr(amplitude, "configuration", None), "min_id_length", None) or 5
        self._dispatcher: Optional[Dispatcher] = None  # created with the first event sent
        if amplitude is not None:
            harden_client(amplitude)
        if exit_hook is not None:
            exit_hook.delivery = self

    # -- per event -------------------------------------------------------------------------
    def defer(
        self, method: str, build: Callable[[], AgentEvent], user_id: Optional[str], device_id: Optional[str]
    ) -> bool:
        """Queue ``build()`` to run on the dispatcher thread, its event then sent; False = not here.

        Only for events bound for amplitude-analytics with nothing that must happen before the
        tracking call returns: never with a recorder (``MockAmplitudeAI``), ``debug``, ``dry_run``
        or ``validate`` (its ``ValidationError`` must reach the caller) — then this returns False
        and the caller builds and :meth:`deliver` s the event itself. The caller has already
        resolved what depends on when and where the call happened (context, session, turn,
        time, IDs) and bound copies of mutable arguments into ``build``.
        """
        config = self.config
        if self.sink is not None or self.amplitude is None or config.debug or config.dry_run or config.validate:
            return False
        if not self._id_checked and (
            (user_id is not None and len(user_id) < self._min_id)
            or (device_id is not None and len(device_id) < self._min_id)
        ):
            self._check_id_length(user_id, device_id)
        dispatcher = self._dispatcher
        if dispatcher is None:
            dispatcher = self._make_dispatcher()
        dispatcher.put((method, build))
        return True

    def deliver(self, ev: AgentEvent) -> None:
        config = self.config
        if config.debug or config.dry_run:
            self._print(ev)
        if self.sink is not None:
            self.sink(ev)
            return
        if config.dry_run or self.amplitude is None:
            return
        if not self._id_checked and (
            (ev.user_id is not None and len(ev.user_id) < self._min_id)
            or (ev.device_id is not None and len(ev.device_id) < self._min_id)
        ):
            self._check_id_length(ev.user_id, ev.device_id)
        dispatcher = self._dispatcher
        if dispatcher is None:
            dispatcher = self._make_dispatcher()
        dispatcher.put(ev)

    def _make_dispatcher(self) -> Dispatcher:
        with _sdk_lock:
            if self._dispatcher is None:
                dispatcher = Dispatcher(self._send)
                _drain_before(self.amplitude, dispatcher)
                self._dispatcher = dispatcher
            return self._dispatcher

    def _send(self, ev: Any) -> None:
        """Runs on the dispatcher thread (or in ``drain()``): the amplitude-analytics hand-off."""
        if type(ev) is tuple:  # (method, build) from defer()
            ev = _build_deferred(*ev)
            if ev is None:
                return
        try:
            self.amplitude.track(to_sdk_event(ev, self._callback))
        except Exception as exc:  # the SDK must never break the host app
            logger.error("amplitude-ai: could not hand %s to amplitude-analytics: %s", ev.event_type, exc)

    def drain(self, timeout: Optional[float] = None) -> bool:
        """Hand every queued event to amplitude-analytics now (in this thread)."""
        dispatcher = self._dispatcher
        if dispatcher is None:
            return True
        return dispatcher.drain(timeout)

    @property
    def dropped(self) -> int:
        """Events dropped because the dispatcher queue was full."""
        dispatcher = self._dispatcher
        return dispatcher.dropped if dispatcher is not None else 0

    @property
    def pending(self) -> int:
        """Events built but not yet handed to amplitude-analytics."""
        dispatcher = self._dispatcher
        return dispatcher.pending if dispatcher is not None else 0

    def _check_id_length(self, user_id: Optional[str], device_id: Optional[str]) -> None:
        """Warn once: Amplitude rejects ids shorter than 5 characters unless min_id_length is lowered."""
        minimum = getattr(getattr(self.amplitude, "configuration", None), "min_id_length", None) or 5
        for kind, value in (("user_id", user_id), ("device_id", device_id)):
            if value is not None and len(value) < minimum:
                self._id_checked = True
                logger.warning(
                    "amplitude-ai: %s %r is shorter than %d characters; Amplitude rejects such events "
                    "(HTTP 400 invalid id length). Use longer ids or set amplitude.configuration.min_id_length.",
                    kind, value, minimum,
                )
                return

    def _print(self, ev: AgentEvent) -> None:
        stream = sys.stderr
        try:
            color = stream.isatty() and not os.environ.get("NO_COLOR")
        except Exception:
            color = False
        try:
            print(format_debug_line(ev, color=color), file=stream, flush=True)
        except Exception:  # a closed stderr must not break tracking
            pass

    def _on_delivered(self, event: Any, code: int, message: Optional[str] = None) -> None:
        if code != 200:
            now = time.monotonic()
            if now - self._last_error_log >= 5.0:
                extra = f" (+{self._suppressed} more since the last report)" if self._suppressed else ""
                logger.error(
                    "amplitude-ai: event %s not delivered: %s %s%s",
                    getattr(event, "event_type", "?"), code, message or "", extra,
                )
                self._last_error_log = now
                self._suppressed = 0
            else:
                self._suppressed += 1
        callback = self._user_callback
        if callback is not None:
            try:
                callback(event, code, message)
            except Exception as exc:
                logger.warning("amplitude-ai: on_event_callback raised %s: %s", type(exc).__name__, exc)

    # -- lifecycle -----------------------------------------------------------------------
    def flush(self) -> FlushFutures:
        if self.amplitude is None or self.config.dry_run or self.sink is not None:
            return FlushFutures()
        self.drain()
        try:
            return FlushFutures(self.amplitude.flush() or [])
        except Exception as exc:
            logger.error("amplitude-ai: flush failed: %s", exc)
            return FlushFutures()

    def shutdown(self, timeout: Optional[float] = None) -> None:
        """Deliver everything buffered (or give up at ``timeout``); an owned client is then shut down.

        Sends synchronously in this thread, holding each buffer's lock: at interpreter exit the
        SDK's thread pool no longer accepts work, and its consumer thread must not pull events
        it could no longer send. Failed batches go back to the buffer (the SDK's retry path) and
        are sent again until delivered, out of retries, or out of time.
        """
        if self._closed or self.amplitude is None or self.config.dry_run or self.sink is not None:
            return
        deadline = time.monotonic() + (EXIT_FLUSH_TIMEOUT if timeout is None else timeout)
        if not self.drain(max(0.0, deadline - time.monotonic())):
            logger.error("amplitude-ai: %d queued event(s) could not be handed over before shutdown", self.pending)
        left = 0
        for plugin in _destinations(self.amplitude):
            try:
                left += _drain(plugin.workers, plugin.storage, deadline)
            except Exception as exc:
                logger.error("amplitude-ai: could not flush events: %s", exc)
        if left:
            logger.error("amplitude-ai: %d event(s) could not be delivered before shutdown", left)
        if self.owns_client:
            self._closed = True
            try:
                self.amplitude.shutdown()
            except Exception as exc:
                logger.error("amplitude-ai: shutdown failed: %s", exc)
            self._wake_consumers()

    def _wake_consumers(self) -> None:
        provider = self._storage_provider
        for storage in provider.storages if provider else ():
            try:
                with storage.lock:
                    storage.lock.notify_all()
            except Exception:
                pass


def _drain(workers: Any, storage: Any, deadline: float) -> int:
    """Send the buffer synchronously until empty or ``deadline``; return how many events are left."""
    with storage.lock:  # a Condition over an RLock: failed sends re-enter it to buffer a retry
        while True:
            events = storage.pull_all()
            if not events:
                return 0
            size = max(1, int(workers.configuration.flush_queue_size))
            for start in range(0, len(events), size):
                workers.send(events[start : start + size])
            if time.monotonic() >= deadline:
                return int(getattr(storage, "total_events", 0))
            if getattr(storage, "total_events", 0):
                time.sleep(0.1)  # retry backoff (the lock stays held: nothing else may pull)


class _ExitHook:
    """Flushes one owned client at interpreter exit, before Python joins non-daemon threads."""

    def __init__(self) -> None:
        self.delivery: Optional[Delivery] = None

    def __call__(self) -> None:
        delivery = self.delivery
        if delivery is not None:
            try:
                delivery.shutdown()
            except Exception:
                pass

    def register(self) -> None:
        # threading's exit callbacks run before non-daemon threads are joined (the SDK's consumer
        # thread is one) and before atexit handlers; fall back to atexit where unavailable.
        register = getattr(threading, "_register_atexit", None)
        if register is not None:
            try:
                register(self)
                return
            except Exception:
                pass
        import atexit

        atexit.register(self)
