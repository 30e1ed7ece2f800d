"""Polls (议事表决) over REST: create and list in a room, detail, vote (as the socket event
`poll:vote`), close, and a community's decision records (议事记录)."""

from __future__ import annotations

from aiohttp import web
from pydantic import ValidationError

from bots.polls import actions
from bots.polls.payloads import CastVote, RoomPollBody, Vote
from bots.polls.wire import decision_view, own_view
from chat.validation import invalid_from
from web.http import body, current, query_int, reply, room_body, services

routes = web.RouteTableDef()


@routes.post("/api/v1/rooms/{room_id}/polls")
async def create_poll(request: web.Request) -> web.Response:
    user, _ = await current(request)
    form = await room_body(request, RoomPollBody)
    poll = await actions.create_poll(services(request), user, form)
    return reply({"poll": own_view(poll)}, 201)


@routes.get("/api/v1/rooms/{room_id}/polls")
async def list_polls(request: web.Request) -> web.Response:
    user, _ = await current(request)
    limit = query_int(request, "limit", actions.LIST_LIMIT, 1, 100) or actions.LIST_LIMIT
    polls = await actions.list_polls(services(request), user, request.match_info["room_id"],
                                     limit)
    return reply({"polls": [own_view(p) for p in polls]})


@routes.get("/api/v1/polls/{poll_id}")
async def poll_detail(request: web.Request) -> web.Response:
    user, _ = await current(request)
    poll = await actions.poll_detail(services(request), user, request.match_info["poll_id"])
    return reply({"poll": own_view(poll)})


@routes.post("/api/v1/polls/{poll_id}/votes")
async def vote(request: web.Request) -> web.Response:
    user, _ = await current(request)
    choice = await body(request, CastVote)
    try:
        form = Vote(poll_id=request.match_info["poll_id"], option_ids=choice.option_ids)
    except ValidationError as exc:
        raise invalid_from(exc) from exc
    return reply({"poll": own_view(await actions.vote(services(request), user, form))})


@routes.post("/api/v1/polls/{poll_id}/close")
async def close_poll(request: web.Request) -> web.Response:
    user, _ = await current(request)
    poll = await actions.close_poll(services(request), user, request.match_info["poll_id"])
    return reply({"poll": own_view(poll)})


@routes.get("/api/v1/communities/{community_id}/decisions")
async def decisions(request: web.Request) -> web.Response:
    user, _ = await current(request)
    found = await actions.decisions(
        services(request), user, request.match_info["community_id"],
        room_id=request.query.get("room_id") or None,
        limit=query_int(request, "limit", actions.LIST_LIMIT, 1, 100) or actions.LIST_LIMIT,
        offset=query_int(request, "offset", 0, 0, 10**6) or 0)
    return reply({"decisions": [decision_view(p) for p in found]})
