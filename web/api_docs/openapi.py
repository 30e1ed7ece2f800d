"""The OpenAPI 3.1 document of the REST API, generated from the app itself: every route of the
router, the body model each handler parses and the query parameters it reads (found in its
source: web/api_docs/introspect.py), the documented replies (web/api_docs/replies.py) and the
error envelope. Served at `/api/v1/openapi.json`; it names no host, address or deployment
detail."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from web.api_docs.introspect import HandlerReads, reads
from web.api_docs.replies import REPLIES, ErrorReply

REF = "#/components/schemas/{model}"
PATH_PARAM = re.compile(r"\{(\w+)[^}]*\}")
NOT_JSON = {  # what the routes outside the JSON API answer with
    "/": "text/html", "/static/{filename}": "*/*", "/metrics": "text/plain",
    "/socket.io/": "*/*", "/api/v1/admin/join-codes/{code}/qr.svg": "image/svg+xml",
    "/sw.js": "text/javascript", "/manifest.webmanifest": "application/manifest+json"}
NOT_JSON_ERRORS = {"/metrics": ("401", "404"),  # 404 while off (no LINLI_METRICS_TOKEN)
                   "/api/v1/admin/join-codes/{code}/qr.svg": ("401", "403", "404")}
SECURITY: dict[str, list[dict[str, list[str]]]] = {
    "session": [{"session": []}], "bot": [{"bot": []}], "none": []}
ERRORS = {"400": "invalid", "401": "unauthorized", "403": "forbidden (or muted)",
          "404": "not_found", "409": "conflict", "413": "too_large",
          "422": "blocked_content", "429": "rate_limited", "503": "unavailable"}


def route_path(route: web.AbstractRoute) -> str:
    """The route's path in the document: aiohttp's canonical form (`{name}` without regex),
    a static directory as `<prefix>/{filename}`."""
    resource = route.resource
    assert resource is not None
    if isinstance(resource, web.StaticResource):
        return resource.canonical.rstrip("/") + "/{filename}"
    return PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", resource.canonical)


def documented_routes(app: web.Application) -> Iterator[tuple[str, str, web.AbstractRoute]]:
    """(METHOD, path, route) for every route but HEAD (aiohttp's twin of each GET)."""
    for route in app.router.routes():
        if route.resource is not None and route.method not in ("HEAD", "*"):
            yield route.method, route_path(route), route


def _schemas(models: set[type[BaseModel]]) -> tuple[dict[type[BaseModel], str], dict[str, Any]]:
    ordered = sorted(models, key=lambda m: (m.__module__, m.__qualname__))
    refs, defs = models_json_schema([(m, "validation") for m in ordered], ref_template=REF)
    names = {m: refs[(m, "validation")]["$ref"].rsplit("/", 1)[1] for m in ordered}
    return names, defs.get("$defs", {})


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def _parameters(path: str, found: HandlerReads) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in PATH_PARAM.findall(path)]
    params += [{"name": q.name, "in": "query", "required": False, "schema": q.schema}
               for q in found.query]
    return params


def _summary(model: type[BaseModel]) -> str:
    """The first line of the model's own docstring (not one it inherits)."""
    doc = model.__dict__.get("__doc__")
    return doc.strip().splitlines()[0] if doc and doc.strip() else model.__name__


def _replies(method: str, path: str, names: dict[type[BaseModel], str]) -> dict[str, Any]:
    error = {"content": {"application/json": {"schema": _ref(names[ErrorReply])}}}
    if path in NOT_JSON:
        return {"200": {"description": "not JSON",
                        "content": {NOT_JSON[path]: {"schema": {}}}}} | {
            status: {"description": ERRORS[status]} | error
            for status in NOT_JSON_ERRORS.get(path, ())}
    replies: dict[str, Any] = {
        str(status): {"description": _summary(model),
                      "content": {"application/json": {"schema": _ref(names[model])}}}
        for status, model in REPLIES.get((method, path), {}).items()}
    for status, what in ERRORS.items():
        replies.setdefault(status, {"description": what} | error)
    return replies


def _operation(method: str, path: str, route: web.AbstractRoute, found: HandlerReads,
               names: dict[type[BaseModel], str]) -> dict[str, Any]:
    handler = route.handler
    doc = inspect.getdoc(handler) or ""
    operation: dict[str, Any] = {
        "operationId": method.lower() + re.sub(r"\W+", "_", path).rstrip("_"),
        "summary": doc.splitlines()[0] if doc else f"{method} {path}",
        "tags": [getattr(handler, "__module__", "web").rsplit(".", 1)[-1]],
        "parameters": _parameters(path, found),
        "responses": _replies(method, path, names),
        "security": SECURITY[found.auth],
    }
    if found.body is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": _ref(names[found.body])}}}
    return operation


def build(app: web.Application) -> dict[str, Any]:
    routes = list(documented_routes(app))
    found = {(m, p): reads(r.handler) for m, p, r in routes}
    models: set[type[BaseModel]] = {ErrorReply}
    models |= {f.body for f in found.values() if f.body is not None}
    models |= {model for statuses in REPLIES.values() for model in statuses.values()}
    names, schemas = _schemas(models)
    paths: dict[str, dict[str, Any]] = {}
    for method, path, route in routes:
        paths.setdefault(path, {})[method.lower()] = _operation(
            method, path, route, found[(method, path)], names)
    return {
        "openapi": "3.1.0",
        "info": {"title": "linli 邻里 REST API", "version": "1",
                 "description": "Socket.IO events: /api/v1/asyncapi.json; errors and "
                                "permissions: docs/protocol.md."},
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": schemas, "securitySchemes": {
            "session": {"type": "http", "scheme": "bearer",
                        "description": "token from POST /api/v1/auth/login"},
            "bot": {"type": "apiKey", "in": "header", "name": "Authorization",
                    "description": "Bot <token>, from the community admin"}}},
    }
