"""Moderation over REST: mutes, removals, flags (举报), blocked words, the audit log, the
detection lexicon and the detection model (status, retraining, restoring)."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from chat.errors import Invalid
from chat.payloads import MuteMember
from moderation import actions, detection, learning
from moderation.payloads import (
    BlockedWordsList,
    FlagMessage,
    HandleFlag,
    RemoveMember,
    RestoreModel,
)
from moderation.wire import (
    audit_page_view,
    blocked_words_view,
    detection_status_view,
    flag_view,
    flagged_view,
    loaded_detection_view,
    mute_view,
    removal_view,
    retraining_view,
)
from web.http import body, current, query_int, reply, services
from web.keys import DETECTION, REDIS

routes = web.RouteTableDef()


@routes.post("/api/v1/rooms/{room_id}/mutes")
async def mute(request: web.Request) -> web.Response:
    user, _ = await current(request)
    form = await body(request, MuteMember)
    mute = await actions.mute_member(services(request), user, request.match_info["room_id"],
                                     form.user_id, form.until, form.reason)
    return reply(mute_view(mute))


@routes.post("/api/v1/rooms/{room_id}/removals")
async def remove(request: web.Request) -> web.Response:
    user, _ = await current(request)
    form = await body(request, RemoveMember)
    removal = await actions.remove_member(services(request), user,
                                          request.match_info["room_id"], form.user_id,
                                          form.reason)
    return reply(removal_view(removal))


@routes.delete("/api/v1/rooms/{room_id}/removals/{user_id}")
async def restore(request: web.Request) -> web.Response:
    user, _ = await current(request)
    removal = await actions.restore_member(services(request), user,
                                           request.match_info["room_id"],
                                           request.match_info["user_id"])
    return reply(removal_view(removal))


@routes.post("/api/v1/messages/{message_id}/flag")
async def flag(request: web.Request) -> web.Response:
    user, _ = await current(request)
    form = await body(request, FlagMessage)
    flag = await actions.flag_message(services(request), user,
                                      request.match_info["message_id"], form.reason)
    return reply({"flag": flag_view(flag)}, 201)


@routes.get("/api/v1/moderation/flags")
async def flags(request: web.Request) -> web.Response:
    user, _ = await current(request)
    open_only = request.query.get("all", "") not in ("1", "true")
    limit = query_int(request, "limit", 100, 1, 500) or 100
    found = await actions.list_flags(services(request), user, open_only, limit)
    return reply({"flags": [flagged_view(f) for f in found]})


@routes.post("/api/v1/moderation/flags/{flag_id}/handle")
async def handle_flag(request: web.Request) -> web.Response:
    user, _ = await current(request)
    form = await body(request, HandleFlag)
    flag = await actions.handle_flag(services(request), user, request.match_info["flag_id"],
                                     form.outcome, form.note)
    return reply({"flag": flag_view(flag)})


@routes.get("/api/v1/admin/communities/{community_id}/blocked-words")
async def get_blocked_words(request: web.Request) -> web.Response:
    user, _ = await current(request)
    words = await actions.blocked_words(services(request), user,
                                        request.match_info["community_id"])
    return reply(blocked_words_view(words))


@routes.put("/api/v1/admin/communities/{community_id}/blocked-words")
async def put_blocked_words(request: web.Request) -> web.Response:
    user, _ = await current(request)
    form = await body(request, BlockedWordsList)
    words = await actions.set_blocked_words(services(request), user,
                                            request.match_info["community_id"], form.words)
    return reply(blocked_words_view(words))


@routes.get("/api/v1/admin/audit")
async def audit_log(request: web.Request) -> web.Response:
    user, _ = await current(request)
    before = request.query.get("before")
    try:
        before_at = datetime.fromisoformat(before) if before else None
    except ValueError as exc:
        raise Invalid("before must be an ISO 8601 time / before 须为时间") from exc
    if before_at is not None and before_at.tzinfo is None:
        raise Invalid("before needs a time zone / 时间须带时区")
    before_id = request.query.get("before_id") or None
    if before_id is not None and before_at is None:
        raise Invalid("before_id needs before / before_id 须与 before 一同使用")
    page = await actions.audit_log(
        services(request), user, action=request.query.get("action"),
        actor_id=request.query.get("actor_id"), target_id=request.query.get("target_id"),
        before=before_at, before_id=before_id,
        limit=query_int(request, "limit", 100, 1, 500) or 100)
    return reply(audit_page_view(page))


@routes.post("/api/v1/admin/lexicon/reload")
async def reload_lexicon(request: web.Request) -> web.Response:
    user, _ = await current(request)
    loaded = await detection.reload_lexicon(services(request), request.app[DETECTION],
                                            request.app.get(REDIS), user)
    return reply(loaded_detection_view(loaded))


@routes.get("/api/v1/admin/detection")
async def detection_status(request: web.Request) -> web.Response:
    user, _ = await current(request)
    status = await learning.status(services(request), request.app[DETECTION], user)
    return reply(detection_status_view(status))


@routes.post("/api/v1/admin/detection/retrain")
async def detection_retrain(request: web.Request) -> web.Response:
    user, _ = await current(request)
    result = await learning.retrain(services(request), request.app[DETECTION], user,
                                    request.app.get(REDIS))
    return reply(retraining_view(result))


@routes.post("/api/v1/admin/detection/restore")
async def detection_restore(request: web.Request) -> web.Response:
    user, _ = await current(request)
    form = await body(request, RestoreModel)
    status = await learning.restore(services(request), request.app[DETECTION], user,
                                    request.app.get(REDIS), form.model_id)
    return reply(detection_status_view(status))
