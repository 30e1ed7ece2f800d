"""Open311 GeoReport v2, read endpoints (JSON only)."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from chat.errors import Invalid, NotFound
from moderation import open311, open311_wire
from web.http import reply, services

routes = web.RouteTableDef()


def _date(request: web.Request, name: str) -> datetime | None:
    raw = request.query.get(name)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Invalid(f"{name} must be a W3C date-time / {name}格式错误") from exc
    if moment.tzinfo is None:
        raise Invalid(f"{name} needs a time zone / {name}须带时区")
    return moment


@routes.get("/open311/v2/services.json")
async def service_list(request: web.Request) -> web.Response:
    return reply(open311_wire.services_list())


@routes.get("/open311/v2/requests.json")
async def request_list(request: web.Request) -> web.Response:
    status = request.query.get("status")
    if status not in (None, "", "open", "closed"):
        raise Invalid("status must be open or closed / status 须为 open 或 closed")
    ids = [i for i in request.query.get("service_request_id", "").split(",") if i]
    found = await open311.requests(
        services(request), ids=ids or None, service_code=request.query.get("service_code"),
        status=status, start=_date(request, "start_date"), end=_date(request, "end_date"))
    return reply(open311_wire.requests_view(found))


@routes.get("/open311/v2/requests/{request_id}.json")
async def one_request(request: web.Request) -> web.Response:
    found = await open311.one_request(services(request), request.match_info["request_id"])
    return reply(open311_wire.requests_view(found))


@routes.get("/open311/v2/{anything:.*}")
async def unknown(request: web.Request) -> web.Response:
    raise NotFound("no such Open311 resource (JSON only) / 接口不存在")
