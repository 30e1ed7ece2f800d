"""Notices over REST: post and list in a room, detail, acknowledge, acknowledgement status,
remind, unpin. Acknowledging also works over Socket.IO (`notice:ack`)."""

from __future__ import annotations

from aiohttp import web

from bots.notices import actions
from bots.notices.payloads import AckNotice, RoomNoticeBody
from bots.notices.wire import (
    ack_status_view,
    ack_view,
    notice_detail_view,
    notice_view,
    read_notice_view,
    reminder_view,
)
from web.http import current, from_path, query_int, reply, room_body, services

routes = web.RouteTableDef()


@routes.post("/api/v1/rooms/{room_id}/notices")
async def post_notice(request: web.Request) -> web.Response:
    user, _ = await current(request)
    form = await room_body(request, RoomNoticeBody)
    notice = await actions.post_notice(services(request), user, form)
    return reply({"notice": notice_view(notice)}, 201)


@routes.get("/api/v1/rooms/{room_id}/notices")
async def room_notices(request: web.Request) -> web.Response:
    user, _ = await current(request)
    include_all = query_int(request, "all", 0, 0, 1) == 1
    found = await actions.room_notices(services(request), user, request.match_info["room_id"],
                                       include_all=include_all)
    return reply({"notices": [read_notice_view(n) for n in found]})


@routes.get("/api/v1/notices/{notice_id}")
async def notice_detail(request: web.Request) -> web.Response:
    user, _ = await current(request)
    notice = await actions.notice_detail(services(request), user,
                                         request.match_info["notice_id"])
    return reply({"notice": notice_detail_view(notice)})


@routes.post("/api/v1/notices/{notice_id}/ack")
async def acknowledge(request: web.Request) -> web.Response:
    user, _ = await current(request)
    form = from_path(AckNotice, notice_id=request.match_info["notice_id"])
    return reply(ack_view(await actions.acknowledge(services(request), user, form)))


@routes.get("/api/v1/notices/{notice_id}/acks")
async def ack_status(request: web.Request) -> web.Response:
    user, _ = await current(request)
    status = await actions.ack_status(services(request), user, request.match_info["notice_id"])
    return reply(ack_status_view(status))


@routes.post("/api/v1/notices/{notice_id}/remind")
async def remind(request: web.Request) -> web.Response:
    user, _ = await current(request)
    sent = await actions.remind_now(services(request), user, request.match_info["notice_id"])
    return reply(reminder_view(sent))


@routes.post("/api/v1/notices/{notice_id}/unpin")
async def unpin(request: web.Request) -> web.Response:
    user, _ = await current(request)
    notice = await actions.unpin(services(request), user, request.match_info["notice_id"])
    return reply({"notice": notice_view(notice)})

