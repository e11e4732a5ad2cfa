"""Concrete next steps derived from a ``ProjectReport`` (the ``recommendations`` list)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .providers import wrapper_name

if TYPE_CHECKING:  # pragma: no cover
    from .findings import CallSite, ProjectReport

MAX_ITEMS = 20


def site_next_steps(site: CallSite, has_handler: bool = False) -> list[str]:
    """What to do about one call site (empty when it is instrumented and in a session)."""
    steps: list[str] = []
    if not site.instrumented:
        if site.client_line:
            steps.append(
                f"instrument the {site.client_class or site.provider} client built at "
                f"{site.client_path}:{site.client_line} (amplitude_ai wrapper with amplitude=ai, or wrap(client))"
            )
        elif site.via == "module":
            steps.append(f"call {site.provider} through a client built from amplitude_ai instead of the module-level API")
        else:
            steps.append(f"pass an instrumented {site.provider} client here (amplitude_ai wrapper or wrap(client))")
    if not site.in_session:
        if site.handler:
            steps.append(f"run handler {site.handler} inside agent.session(user_id=...) (or the FastAPI middleware)")
        else:
            steps.append("run this call inside `with agent.session(user_id=..., session_id=...)`")
    return steps


def recommendations(report: ProjectReport) -> list[str]:
    out: list[str] = []
    sites = report.call_sites
    if report.errors:
        out.append(f"{len(report.errors)} file(s) do not parse and were left alone: fix them, then scan again")
    if not sites:
        out.append("No LLM call sites found: nothing to instrument (providers: OpenAI, Anthropic, Gemini, Bedrock, Mistral)")
        return out
    clients = [c for c in report.clients if not c.instrumented]
    for c in clients[:MAX_ITEMS]:
        wrapper = wrapper_name(c.qualified_name)
        how = (
            f"swap {c.callee}(...) for amplitude_ai's {wrapper}(amplitude=ai, ...)"
            if c.subclassable and wrapper
            else f"wrap the client: wrap({c.callee}(...), amplitude=ai)"
        )
        out.append(f"{c.path}:{c.line}: {how}")
    if len(clients) > MAX_ITEMS:
        out.append(f"... and {len(clients) - MAX_ITEMS} more client construction(s)")
    orphan = [s for s in sites if not s.instrumented and not s.client_line and s.via != "module"]
    if orphan:
        out.append(
            f"{len(orphan)} call site(s) use a client the scanner cannot trace to its construction "
            "(parameters, other packages): make sure those clients are built from amplitude_ai"
        )
    for app in report.apps:
        if app.framework in ("fastapi", "starlette") and not app.has_middleware:
            out.append(
                f"{app.path}:{app.end_line}: add `{app.name}.add_middleware(AmplitudeAIMiddleware, ...)` "
                f"after the {app.framework} app is created (one session per request)"
            )
    for h in report.handlers:
        if h.reaches_llm and not h.in_session and h.framework not in ("fastapi", "starlette"):
            who = h.user_id_source or "<user id>"
            out.append(f"{h.path}:{h.line}: run {h.framework} handler {h.qualname} inside agent.session(user_id={who})")
    if not report.agents:
        out.append('Name your agent once in a bootstrap module: agent = ai.agent("my-agent") (`amplitude-ai fix` creates it)')
    if report.patched:
        out.append(
            "patch() is in use: it records AI responses without user identity; prefer wrapper clients and sessions"
        )
    if any(s.provider == "bedrock" and not s.instrumented for s in sites) and report.patched:
        out.append("patch() does not cover Bedrock: wrap(boto3_client, amplitude=ai)")
    if all(s.instrumented and s.in_session for s in sites):
        out.append("All call sites are instrumented and in a session: run `amplitude-ai verify-test` to lock it in")
    else:
        out.append("Run `amplitude-ai fix PATH --diff` to preview the changes, then without --diff to apply them")
    return out
