"""Shared edge helpers for REST routes: body parsing, auth, JSON responses, error middleware."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from chat import log_context
from chat.actions.accounts import authenticate
from chat.errors import DomainError, Forbidden, Invalid, NotFound, TooLarge, Unavailable
from chat.models import OFFICER_ROLES, STAFF_ROLES, Session, User
from chat.services import Services
from chat.validation import invalid_from
from web.keys import SERVICES

log = logging.getLogger(__name__)
STAFF_AND_OFFICERS = STAFF_ROLES | OFFICER_ROLES
HSTS = "max-age=31536000"
P = TypeVar("P", bound=BaseModel)
R = TypeVar("R", covariant=True)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def services(request: web.Request) -> Services:
    return request.app[SERVICES]


def reply(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status,
                             dumps=lambda d: json.dumps(d, ensure_ascii=False))


async def body(request: web.Request, model: type[P]) -> P:
    """Parse in pydantic's JSON mode: strict, yet ISO-8601 strings are valid datetimes."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge as exc:
        raise TooLarge("request body too large / 请求过大") from exc
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        raise invalid_from(exc) from exc


def from_path(model: type[P], **fields: Any) -> P:
    """A payload built from path and query values: `invalid` when they do not fit it (an id
    over 64 characters, say), not a 500."""
    try:
        return model(**fields)
    except ValidationError as exc:
        raise invalid_from(exc) from exc


class RoomScoped(Protocol[R]):
    """A body for a route under /rooms/{room_id}: its own `room_id` may be left out."""

    room_id: str | None

    def for_room(self, room_id: str) -> R: ...


async def room_body(request: web.Request, model: type[RoomScoped[R]]) -> R:
    """The body with the path's room; a different `room_id` in the body is `invalid`."""
    room_id = request.match_info["room_id"]
    form = await body(request, model)  # type: ignore[type-var]
    if form.room_id not in (None, room_id):
        raise Invalid("room_id differs from the path / 群聊与路径不一致")
    return form.for_room(room_id)


def query_int(request: web.Request, name: str, default: int | None, lo: int, hi: int) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise Invalid(f"{name} must be an integer / {name}须为整数") from exc
    if not lo <= value <= hi:
        raise Invalid(f"{name} must be between {lo} and {hi} / {name}超出范围")
    return value


async def current(request: web.Request) -> tuple[User, Session]:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    user, session = await authenticate(services(request), token)
    log_context.user_id.set(user.id)
    return user, session


async def staff(request: web.Request) -> User:
    user, _ = await current(request)
    if user.role not in STAFF_AND_OFFICERS or user.status != "verified":
        raise Forbidden("staff only / 仅限工作人员")
    return user


@web.middleware
async def transport_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """API answers carry personal data: no cache keeps them. Once the public address is
    https, browsers are told to use nothing else."""
    response = await handler(request)
    if response.prepared:
        return response
    if request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    if (services(request).settings.public_url or "").lower().startswith("https://"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except DomainError as exc:
        return reply({"error": exc.to_dict()}, status=exc.http_status)
    except web.HTTPRequestEntityTooLarge:
        return reply({"error": TooLarge("request body too large / 请求过大").to_dict()}, 413)
    except web.HTTPNotFound:
        if not request.path.startswith("/api/"):
            raise
        return reply({"error": NotFound("no such route / 接口不存在").to_dict()}, 404)
    except web.HTTPMethodNotAllowed:
        return reply({"error": Invalid("method not allowed / 不支持该方法").to_dict()}, 405)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        return reply({"error": Unavailable("internal error / 服务器内部错误").to_dict()}, 500)
