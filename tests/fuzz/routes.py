"""What the fuzzers know of the app, read from the app itself: every route of its router with
its path parameters, the query parameters its handler reads and the payload model of its body;
every Socket.IO event of the chat namespace with its payload model. A new route or event is
fuzzed without anyone listing it."""

from __future__ import annotations

import inspect
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from chat.namespace import ChatNamespace
from config.settings import load_settings
from web.app import create_app
from web.keys import SIO
from web.routes.tickets import TicketFilters

# Routes not fuzzed here, each with the reason: by path prefix, and by method.
NOT_FUZZED = {
    "/socket.io/": "the engine.io transport; its events are fuzzed in test_events.py",
}
NOT_FUZZED_METHODS = {
    "HEAD": "added by aiohttp to each GET route: the same handler, fuzzed as GET",
}
# Path parameters that take any text (no pool of real values needed).
FREE_PATH_PARAMS = {"anything": "the Open311 catch-all, any path"}
# Handlers that read a body which is not JSON.
CSV_BODY = "csv"
QUERY_CALL = re.compile(
    r"""(?:query\.get|query_int|_ids|_moment|_date)\((?:request, )?["'](\w+)["']""")
BODY_CALL = re.compile(r"\b(?:room_)?body\(request, (\w+)\)")
READS_BODY = re.compile(r"request\.(?:read|json|post|text|content)\b|\bbody\(request")
PATH_VAR = re.compile(r"\{(\w+)(?::[^}]*)?\}")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # the canonical path, with {name} or {name:regex} parameters
    handler: Callable[..., Any]
    params: tuple[str, ...]
    query: tuple[str, ...]
    body: type[BaseModel] | str | None

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


def _source(handler: Callable[..., Any]) -> str:
    try:
        return inspect.getsource(handler)
    except (OSError, TypeError):
        return ""


def _body_model(handler: Callable[..., Any], source: str) -> type[BaseModel] | str | None:
    closure = dict(zip(handler.__code__.co_freevars,
                       (c.cell_contents for c in handler.__closure__ or ()), strict=True))
    if isinstance(closure.get("model"), type):
        return closure["model"]  # a route built in a loop (ticket transitions)
    found = BODY_CALL.search(source)
    if found:
        return handler.__globals__[found.group(1)]  # type: ignore[no-any-return]
    if "read_capped" in source:
        return CSV_BODY
    if READS_BODY.search(source):
        raise LookupError(f"{handler.__qualname__} reads a body of a kind the fuzzer "
                          "does not know: teach tests/fuzz/routes.py")
    return None


def _query(source: str) -> tuple[str, ...]:
    names = set(QUERY_CALL.findall(source))
    if "_filters(request)" in source:
        names |= {f.alias or n for n, f in TicketFilters.model_fields.items()}
    return tuple(sorted(names))


def describe(route: web.AbstractRoute) -> Route:
    handler = route.handler
    source = _source(handler)
    path = route.resource.canonical if route.resource is not None else ""
    return Route(method=route.method, path=path, handler=handler,
                 params=tuple(PATH_VAR.findall(path)), query=_query(source),
                 body=_body_model(handler, source))


def build_app() -> web.Application:
    with tempfile.TemporaryDirectory() as data_dir:
        return create_app(load_settings(None, data_dir=data_dir))


def app_routes(app: web.Application) -> tuple[list[Route], dict[str, str]]:
    """The routes to fuzz, and those skipped with the reason."""
    fuzzed, skipped = [], {}
    for route in app.router.routes():
        path = route.resource.canonical if route.resource is not None else ""
        reason = NOT_FUZZED_METHODS.get(route.method) or next(
            (why for prefix, why in NOT_FUZZED.items() if path.startswith(prefix)), None)
        if reason is not None:
            skipped[f"{route.method} {path}"] = reason
        else:
            fuzzed.append(describe(route))
    return fuzzed, skipped


def app_events(app: web.Application) -> dict[str, type[BaseModel]]:
    """The chat namespace's events (its own and those added by bots) and their models."""
    dispatch = app[SIO].handlers["/"]["*"]
    namespace = dispatch.__self__
    assert isinstance(namespace, ChatNamespace)
    return {event: model for event, (model, _) in namespace._events.items()}


APP = build_app()
ROUTES, SKIPPED = app_routes(APP)
EVENTS = app_events(APP)
