"""Frameworks, apps and handlers of one module (reads the resolver; finds no call sites).

Handlers recognised:
- FastAPI / Starlette: ``@app.get/post/.../route/api_route/websocket`` on a ``FastAPI()``,
  ``APIRouter()`` or ``Starlette()``, ``app.add_api_route(path, func)``, ``Route(path, func)``;
- Flask: ``@app.route`` / ``@bp.get`` ..., ``add_url_rule(..., view_func=f)``, ``MethodView`` /
  ``View`` subclasses (their HTTP-method functions);
- Django: in ``views.py`` or a ``views`` package, module-level functions whose first parameter
  is ``request``; methods of class-based views (bases from ``django.views`` /
  ``rest_framework``, or named ``*View``/``*ViewSet`` in a file importing django);
- AWS Lambda: module-level ``handler`` / ``lambda_handler`` / ``*_handler`` taking
  ``(event, context)``;
- click / typer: ``@click.command()``, ``@group.command()``, ``@app.command()`` on ``typer.Typer()``.
A route decorator on a receiver the resolver cannot see (a router imported from elsewhere)
counts when the file imports exactly one web framework.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import libcst as cst

from . import providers as P
from .resolve import Analyzer, Ext, FuncV, Scope, Str, dotted

ROUTE_METHODS = P.HTTP_METHODS | {"route", "api_route", "websocket", "websocket_route"}
CLASS_VIEW_METHODS = P.HTTP_METHODS | {
    "dispatch_request",
    "list",
    "create",
    "retrieve",
    "update",
    "partial_update",
    "destroy",
}
USER_ID_PARAMS = ("user_id", "userId", "uid")


@dataclass
class HandlerInfo:
    scope: Scope
    framework: str
    kind: str
    route: str | None = None
    app: str | None = None


@dataclass
class AppInfo:
    call: cst.Call
    statement: cst.CSTNode | None
    name: str
    framework: str
    has_middleware: bool = False


@dataclass
class FrameworkFindings:
    frameworks: list[str] = field(default_factory=list)
    handlers: list[HandlerInfo] = field(default_factory=list)
    apps: list[AppInfo] = field(default_factory=list)
    flask_login_user: bool = False


def _framework_of(path: str) -> str | None:
    top = path.split(".")[0]
    return P.FRAMEWORK_MODULES.get(top)


def _first_string(call: cst.Call, a: Analyzer, scope: Scope) -> str | None:
    for arg in call.args:
        if arg.keyword is None or arg.keyword.value in ("path", "rule"):
            v = a.evaluate(arg.value, scope)
            return v.value if isinstance(v, Str) else None
    return None


def _endpoint_arg(call: cst.Call, position: int, keywords: tuple[str, ...]) -> cst.BaseExpression | None:
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in keywords:
            return arg.value
    if len(positional) > position:
        return positional[position].value
    return None


def detect(a: Analyzer) -> FrameworkFindings:
    out = FrameworkFindings()
    found: set[str] = set()
    for imp in a.imports:
        fw = _framework_of(imp.module)
        if fw:
            found.add(fw)
        if imp.module.startswith("flask_login") and imp.name == "current_user":
            out.flask_login_user = True
    web = sorted(found & {"fastapi", "starlette", "flask"})
    fallback_web = web[0] if len(web) == 1 else ("fastapi" if "fastapi" in web else None)
    seen: set[int] = set()

    def add(scope: Scope, framework: str, kind: str, route: str | None = None, app: str | None = None) -> None:
        if id(scope) in seen:
            return
        seen.add(id(scope))
        out.handlers.append(HandlerInfo(scope, framework, kind, route, app))
        found.add(framework)

    # apps and imperative route registration
    apps_by_name: dict[str, AppInfo] = {}
    pending_middleware: set[str] = set()
    for info in a.calls:
        call = info.node
        f = a.evaluate(call.func, info.scope)
        if isinstance(f, Ext):
            if f.path in P.APP_CLASSES:
                name = a.targets.get(id(call)) or "app"
                text = a.module.code_for_node(call)
                app = AppInfo(call, a.statements.get(id(call)), name, P.APP_CLASSES[f.path], "AmplitudeAIMiddleware" in text)
                out.apps.append(app)
                apps_by_name[name] = app
                found.add(app.framework)
                continue
            if f.path in ("starlette.routing.Route", "starlette.routing.WebSocketRoute"):
                target = _endpoint_arg(call, 1, ("endpoint",))
                fv = a.evaluate(target, info.scope) if target is not None else None
                if isinstance(fv, FuncV):
                    add(fv.scope, "starlette", "route", _first_string(call, a, info.scope))
                continue
        if isinstance(call.func, cst.Attribute):
            attr = call.func.attr.value
            recv = dotted(call.func.value)
            if attr == "add_middleware" and recv:
                if call.args and "AmplitudeAIMiddleware" in a.module.code_for_node(call.args[0].value):
                    app = apps_by_name.get(recv)
                    if app is not None:
                        app.has_middleware = True
                    else:
                        pending_middleware.add(recv)
            elif attr in ("add_api_route", "add_route", "add_url_rule", "add_api_websocket_route"):
                keywords = ("view_func",) if attr == "add_url_rule" else ("endpoint",)
                position = 2 if attr == "add_url_rule" else 1
                target = _endpoint_arg(call, position, keywords)
                fv = a.evaluate(target, info.scope) if target is not None else None
                if isinstance(fv, FuncV):
                    rv = a.evaluate(call.func.value, info.scope)
                    fw = _framework_of(rv.path) if isinstance(rv, Ext) else None
                    fw = fw or ("flask" if attr == "add_url_rule" else fallback_web or "fastapi")
                    add(fv.scope, fw, "route", _first_string(call, a, info.scope), recv)
    for name in pending_middleware:
        if name in apps_by_name:
            apps_by_name[name].has_middleware = True

    # decorated functions
    for scope in a.functions:
        for deco in scope.decorators:
            call = deco if isinstance(deco, cst.Call) else None
            func = call.func if call is not None else deco
            fv = a.evaluate(func, scope.parent or a.module_scope)
            if isinstance(fv, Ext) and fv.path in ("click.command", "click.group", "typer.command"):
                add(scope, "click" if fv.path.startswith("click") else "typer", "command")
                break
            if not isinstance(func, cst.Attribute):
                continue
            method = func.attr.value
            recv_node = func.value
            rv = a.evaluate(recv_node, scope.parent or a.module_scope)
            recv_text = dotted(recv_node)
            if method in ("command", "callback"):
                if isinstance(rv, Ext) and _framework_of(rv.path) in ("typer", "click"):
                    add(scope, _framework_of(rv.path) or "click", "command")
                    break
                if isinstance(rv, FuncV) and any(
                    isinstance(d, cst.Call) and dotted(d.func) in ("click.group", "group")
                    or dotted(d) in ("click.group",)
                    for d in rv.scope.decorators
                ):
                    add(scope, "click", "command")
                    break
                if rv is None and ("typer" in found or "click" in found) and method == "command":
                    add(scope, "typer" if "typer" in found else "click", "command")
                    break
            if method in ROUTE_METHODS:
                fw = None
                if isinstance(rv, Ext):
                    fw = _framework_of(rv.path)
                    if fw not in ("fastapi", "starlette", "flask"):
                        fw = None
                elif rv is None:
                    fw = fallback_web
                if fw:
                    route = _first_string(call, a, scope.parent or a.module_scope) if call is not None else None
                    add(scope, fw, "route", route, recv_text)
                    break

    # class-based views
    for cls in a.classes:
        base_paths = []
        for base in cls.bases:
            bv = a.evaluate(base, cls.parent or a.module_scope)
            base_paths.append(bv.path if isinstance(bv, Ext) else (dotted(base) or ""))
        fw = None
        if any(p.startswith("flask.views") for p in base_paths):
            fw, kind = "flask", "method_view"
        elif any(p.startswith(("django.", "rest_framework")) for p in base_paths) or (
            "django" in found and any(p.endswith(("View", "ViewSet")) for p in base_paths)
        ):
            fw, kind = "django", "class_view"
        if fw:
            for name, method in cls.methods.items():
                if name in CLASS_VIEW_METHODS:
                    add(method, fw, kind)

    module_level = [s for s in a.functions if s.parent is a.module_scope]
    # django function views
    path = a.path.replace("\\", "/")
    if path.endswith("/views.py") or path == "views.py" or "/views/" in f"/{path}":
        for scope in module_level:
            params = list(scope.params)
            if params and params[0] == "request" and not scope.name.startswith("_"):
                add(scope, "django", "view")
    # lambda
    for scope in module_level:
        params = list(scope.params)
        if (scope.name in ("handler", "lambda_handler") or scope.name.endswith("_handler")) and len(params) == 2:
            if params[0] == "event" or params[1] == "context":
                add(scope, "lambda", "lambda")

    out.frameworks = sorted(found)
    return out


def user_id_source(h: HandlerInfo, findings: FrameworkFindings) -> str | None:
    params = h.scope.params
    for name in USER_ID_PARAMS:
        if name in params:
            return name
    if "current_user" in params:
        return "current_user.id"
    if h.framework == "flask" and findings.flask_login_user:
        return "current_user.id"
    if h.framework == "django":
        names = list(params)
        if h.kind == "view" and names and names[0] == "request":
            return "request.user.id"
        if h.kind == "class_view" and len(names) > 1 and names[1] == "request":
            return "request.user.id"
        if h.kind == "class_view":
            return "self.request.user.id"
    return None
