"""Room history and members over REST."""

from __future__ import annotations

from aiohttp import web

from chat.actions import messages
from chat.actions.rooms import members_online
from chat.payloads import RoomHistory
from chat.wire import history_view, member_view
from web.http import current, from_path, query_int, reply, services

routes = web.RouteTableDef()


@routes.get("/api/v1/rooms/{room_id}/messages")
async def history(request: web.Request) -> web.Response:
    user, _ = await current(request)
    limit = query_int(request, "limit", 50, 1, 100)
    payload = from_path(RoomHistory, room_id=request.match_info["room_id"],
                        before_seq=query_int(request, "before_seq", None, 1, 2**62),
                        limit=limit or 50)
    return reply(history_view(await messages.room_history(services(request), user, payload)))


@routes.get("/api/v1/rooms/{room_id}/members")
async def members(request: web.Request) -> web.Response:
    user, _ = await current(request)
    room_id = request.match_info["room_id"]
    members = await members_online(services(request), user, room_id)
    return reply({"members": [member_view(user, m) for m in members]})
