"""Administration: the hierarchy, staff accounts, join codes, resident verification."""

from __future__ import annotations

import io
from typing import Any, cast
from urllib.parse import quote

import segno
from aiohttp import web

from chat.actions import accounts, hierarchy
from chat.errors import Forbidden, Invalid, NotFound
from chat.models import UnitKind
from chat.payloads import CreateStaff, CreateUnit, RemoveResident, SetPartyMember, Verify
from chat.wire import join_code_view, unit_view, user_view, user_view_for
from web.http import body, current, reply, services, staff

routes = web.RouteTableDef()
UNIT_KINDS = ("district", "street", "community", "grid")
# How a join code's QR code is drawn: never a Micro QR, error level M at least (segno raises
# it when the size allows), 8 px modules and the standard 4-module quiet zone.
QR_MAKE: dict[str, Any] = {"error": "m", "micro": False}
QR_SVG: dict[str, Any] = {"kind": "svg", "scale": 8, "border": 4, "title": "邻里注册二维码"}


@routes.post("/api/v1/admin/units")
async def create_unit(request: web.Request) -> web.Response:
    actor = await staff(request)
    form = await body(request, CreateUnit)
    unit = await hierarchy.create_unit(services(request), actor, cast(UnitKind, form.kind),
                                       form.name, form.parent_id)
    return reply({"unit": unit_view(unit)}, status=201)


@routes.get("/api/v1/units")
async def list_units(request: web.Request) -> web.Response:
    viewer, _ = await current(request)
    kind = request.query.get("kind", "grid")
    if kind not in UNIT_KINDS:
        raise Invalid(f"kind must be one of {', '.join(UNIT_KINDS)}")
    units = await hierarchy.visible_units(services(request), viewer, cast(UnitKind, kind),
                                          request.query.get("parent_id"))
    return reply({"units": [unit_view(u) for u in units]})


@routes.post("/api/v1/admin/staff")
async def create_staff(request: web.Request) -> web.Response:
    actor = await staff(request)
    form = await body(request, CreateStaff)
    user = await accounts.create_staff(services(request), actor, form)
    return reply({"user": user_view(user, full=True)}, status=201)


@routes.post("/api/v1/admin/grids/{grid_id}/join-codes")
async def create_join_code(request: web.Request) -> web.Response:
    actor = await staff(request)
    code = await hierarchy.create_join_code(services(request), actor,
                                            request.match_info["grid_id"])
    return reply({"join_code": join_code_view(code)}, status=201)


@routes.get("/api/v1/admin/grids/{grid_id}/join-codes")
async def list_join_codes(request: web.Request) -> web.Response:
    actor = await staff(request)
    codes = await hierarchy.list_join_codes(services(request), actor,
                                            request.match_info["grid_id"])
    return reply({"join_codes": [join_code_view(c) for c in codes]})


@routes.delete("/api/v1/admin/join-codes/{code}")
async def revoke_join_code(request: web.Request) -> web.Response:
    actor = await staff(request)
    code = await hierarchy.revoke_join_code(services(request), actor, request.match_info["code"])
    return reply({"join_code": join_code_view(code)})


def registration_link(request: web.Request, code: str) -> str:
    """Where the web client registers with this code: under the public address when one is
    configured (behind a proxy), else under the address this request came to."""
    public = services(request).settings.public_url
    base = public.rstrip("/") if public else f"{request.scheme}://{request.host}"
    return f"{base}/#/register?code={quote(code, safe='')}"


def qr_svg(text: str) -> bytes:
    out = io.BytesIO()
    segno.make(text, **QR_MAKE).save(out, **QR_SVG)
    return out.getvalue()


@routes.get("/api/v1/admin/join-codes/{code}/qr.svg")
async def join_code_qr(request: web.Request) -> web.Response:
    """A QR code of the registration link, for staff who may list the grid's codes."""
    actor = await staff(request)
    code = await hierarchy.managed_join_code(services(request), actor,
                                             request.match_info["code"])
    if code.revoked_at is not None:
        raise NotFound("this join code was revoked / 邀请码已作废")
    return web.Response(body=qr_svg(registration_link(request, code.code)),
                        content_type="image/svg+xml", charset="utf-8",
                        headers={"Cache-Control": "no-store"})


@routes.get("/api/v1/admin/residents")
async def list_residents(request: web.Request) -> web.Response:
    actor = await staff(request)
    status = request.query.get("status")
    if status not in (None, "pending", "verified", "rejected", "removed"):
        raise Invalid("unknown status / 状态无效")
    users = await accounts.list_residents(services(request), actor,
                                          request.query.get("grid_id"), status)
    return reply({"residents": [user_view(u, full=True) for u in users]})


@routes.get("/api/v1/users/{user_id}")
async def get_user(request: web.Request) -> web.Response:
    viewer, _ = await current(request)
    user = await accounts.find_user(services(request), viewer, request.match_info["user_id"])
    return reply({"user": user_view_for(viewer, user)})


@routes.post("/api/v1/admin/residents/{user_id}/verify")
async def verify(request: web.Request) -> web.Response:
    actor = await staff(request)
    form = await body(request, Verify)
    user = await accounts.verify_resident(services(request), actor, request.match_info["user_id"],
                                          form.approve, form.reason)
    return reply({"user": user_view(user, full=True)})


@routes.post("/api/v1/admin/residents/{user_id}/remove")
async def remove(request: web.Request) -> web.Response:
    actor = await staff(request)
    form = await body(request, RemoveResident)
    user = await accounts.remove_resident(services(request), actor, request.match_info["user_id"],
                                          form.reason)
    return reply({"user": user_view(user, full=True)})


@routes.put("/api/v1/admin/residents/{user_id}/party-member")
async def party_member(request: web.Request) -> web.Response:
    actor = await staff(request)
    form = await body(request, SetPartyMember)
    if actor.role not in ("worker", "admin"):
        raise Forbidden("staff only / 仅限工作人员")
    user = await accounts.set_party_member(services(request), actor,
                                           request.match_info["user_id"], form.party_member)
    return reply({"user": user_view(user, full=True)})
