"""Bots over REST: bot accounts and webhooks for community admins; the bot HTTP API, where a
bot authenticates with `Authorization: Bot <token>`."""

from __future__ import annotations

from aiohttp import web

from bots.accounts import admin, api
from bots.accounts.payloads import BotMessage, CreateBot, SetBotRooms
from bots.accounts.wire import bot_view
from bots.notices.payloads import NewNotice
from bots.notices.wire import notice_view
from bots.polls.payloads import NewPoll
from bots.polls.wire import own_view, poll_view
from bots.webhooks import actions as webhooks
from bots.webhooks.payloads import CreateWebhook
from bots.webhooks.wire import delivery_view, webhook_view
from chat.models import User
from chat.wire import message_view
from web.http import body, current, query_int, reply, services

routes = web.RouteTableDef()
BOT_SCHEME = "bot "


async def bot(request: web.Request) -> User:
    header = request.headers.get("Authorization", "")
    token = header[len(BOT_SCHEME):].strip() if header.lower().startswith(BOT_SCHEME) else None
    return await admin.authenticate_bot(services(request), token)


# ---- bot accounts (community admins) -------------------------------------------------------
@routes.post("/api/v1/admin/communities/{community_id}/bots")
async def create_bot(request: web.Request) -> web.Response:
    actor, _ = await current(request)
    form = await body(request, CreateBot)
    created, token = await admin.create_bot(services(request), actor,
                                            request.match_info["community_id"], form)
    return reply({"bot": bot_view(created), "token": token}, 201)


@routes.get("/api/v1/admin/communities/{community_id}/bots")
async def list_bots(request: web.Request) -> web.Response:
    actor, _ = await current(request)
    found = await admin.list_bots(services(request), actor, request.match_info["community_id"])
    return reply({"bots": [bot_view(b) for b in found]})


@routes.put("/api/v1/admin/bots/{bot_id}/rooms")
async def set_rooms(request: web.Request) -> web.Response:
    actor, _ = await current(request)
    form = await body(request, SetBotRooms)
    updated = await admin.set_rooms(services(request), actor, request.match_info["bot_id"], form)
    return reply({"bot": bot_view(updated)})


@routes.post("/api/v1/admin/bots/{bot_id}/revoke")
async def revoke(request: web.Request) -> web.Response:
    actor, _ = await current(request)
    count = await admin.revoke_tokens(services(request), actor, request.match_info["bot_id"])
    return reply({"revoked": count})


@routes.post("/api/v1/admin/bots/{bot_id}/tokens")
async def rotate_token(request: web.Request) -> web.Response:
    """Rotate the bot's token: every live token is revoked (answering 401 from now on) and the
    new one, shown only here, replaces them. `revoked` counts the tokens revoked."""
    actor, _ = await current(request)
    token, revoked = await admin.rotate_token(services(request), actor,
                                              request.match_info["bot_id"])
    return reply({"token": token, "revoked": revoked}, 201)


# ---- webhooks (community admins) ------------------------------------------------------------
@routes.post("/api/v1/admin/communities/{community_id}/webhooks")
async def create_webhook(request: web.Request) -> web.Response:
    actor, _ = await current(request)
    form = await body(request, CreateWebhook)
    hook = await webhooks.create_webhook(services(request), actor,
                                         request.match_info["community_id"], form)
    return reply({"webhook": webhook_view(hook, with_secret=True)}, 201)


@routes.get("/api/v1/admin/communities/{community_id}/webhooks")
async def list_webhooks(request: web.Request) -> web.Response:
    actor, _ = await current(request)
    found = await webhooks.list_webhooks(services(request), actor,
                                         request.match_info["community_id"])
    return reply({"webhooks": [webhook_view(w) for w in found]})


@routes.delete("/api/v1/admin/communities/{community_id}/webhooks/{webhook_id}")
async def delete_webhook(request: web.Request) -> web.Response:
    actor, _ = await current(request)
    gone = await webhooks.delete_webhook(services(request), actor,
                                         request.match_info["community_id"],
                                         request.match_info["webhook_id"])
    return reply({"webhook": webhook_view(gone)})


@routes.get("/api/v1/admin/webhooks/{webhook_id}/deliveries")
async def list_deliveries(request: web.Request) -> web.Response:
    actor, _ = await current(request)
    limit = query_int(request, "limit", 50, 1, 200) or 50
    found = await webhooks.list_deliveries(services(request), actor,
                                           request.match_info["webhook_id"], limit)
    return reply({"deliveries": [delivery_view(d) for d in found]})


# ---- the bot API ----------------------------------------------------------------------------
@routes.post("/api/v1/bot/messages")
async def bot_message(request: web.Request) -> web.Response:
    sender = await bot(request)
    form = await body(request, BotMessage)
    posted = await api.post_message(services(request), sender, form)
    return reply({"message": message_view(posted)}, 201)


@routes.post("/api/v1/bot/notices")
async def bot_notice(request: web.Request) -> web.Response:
    sender = await bot(request)
    form = await body(request, NewNotice)
    notice = await api.post_notice(services(request), sender, form)
    return reply({"notice": notice_view(notice)}, 201)


@routes.post("/api/v1/bot/polls")
async def bot_poll(request: web.Request) -> web.Response:
    sender = await bot(request)
    form = await body(request, NewPoll)
    poll = await api.open_poll(services(request), sender, form)
    return reply({"poll": poll_view(poll)}, 201)


@routes.get("/api/v1/bot/polls/{poll_id}")
async def bot_poll_results(request: web.Request) -> web.Response:
    reader = await bot(request)
    poll = await api.poll_results(services(request), reader, request.match_info["poll_id"])
    return reply({"poll": own_view(poll)})
