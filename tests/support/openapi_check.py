"""Every JSON response of an in-process server checked against the OpenAPI document the same
app serves (web/api_docs/openapi.py): an outermost middleware validates each reply's body
with jsonschema against the schema documented for its route and status, and keeps what did
not fit. `InProcessServer` installs it unless told not to and fails its test at `stop()` when a
response broke its schema, so each test that drives REST routes in process checks them."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from aiohttp import web
from jsonschema import Draft202012Validator

from web.api_docs import openapi
from web.http import Handler


def _schema_for(operation: dict[str, Any], status: int) -> dict[str, Any] | None:
    replies = operation["responses"]
    reply = replies.get(str(status)) or replies.get(f"{str(status)[0]}XX")
    if reply is None:
        return None
    content = reply.get("content", {})
    return content.get("application/json", {}).get("schema") if content else None


class ResponseCheck:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.checked: Counter[tuple[str, str, int]] = Counter()
        self._doc: dict[str, Any] | None = None

    def document(self, app: web.Application) -> dict[str, Any]:
        if self._doc is None:
            self._doc = openapi.build(app)
        return self._doc

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        route = request.match_info.route
        if route.resource is not None and isinstance(response, web.Response) \
                and response.content_type == "application/json" and request.method != "HEAD":
            self.check(request.app, request.method, openapi.route_path(route), response)
        return response

    def check(self, app: web.Application, method: str, path: str,
              response: web.Response) -> None:
        doc = self.document(app)
        operation = doc["paths"].get(path, {}).get(method.lower())
        where = f"{method} {path} → {response.status}"
        if operation is None:
            self.problems.append(f"{where}: route not in the document")
            return
        schema = _schema_for(operation, response.status)
        if schema is None:
            self.problems.append(f"{where}: status not documented")
            return
        assert isinstance(response.body, bytes)
        body = json.loads(response.body)
        root = schema | {"components": doc["components"]}
        errors = sorted(Draft202012Validator(root).iter_errors(body), key=str)
        self.problems += [f"{where}: {e.json_path}: {e.message[:300]}" for e in errors[:3]]
        self.checked[(method, path, response.status)] += 1

    def assert_valid(self) -> None:
        assert not self.problems, "responses that do not match /api/v1/openapi.json:\n" + \
            "\n".join(self.problems[:20])
