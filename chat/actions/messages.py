"""Chat messages: send, edit, delete, history, sync, read markers, typing."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from chat.actions.rooms import require_member, room_members
from chat.actions.speaking import check_can_speak
from chat.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    TooLarge,
)
from chat.events import MessageCreated, MessageDeleted
from chat.ids import new_id
from chat.models import Message, NewMessage, Room, User
from chat.names import display_name
from chat.payloads import DeleteMessage, EditMessage, RoomHistory, RoomSync, SendMessage
from chat.permissions import can_mention_all, can_moderate
from chat.services import Services
from chat.views import message_view
from moderation import audit

log = logging.getLogger(__name__)

MENTION = re.compile(r"@([^\s@，,。:：]{1,30})")
MENTION_ALL = "所有人"


def _clean_text(services: Services, text: str) -> str:
    text = text.strip()
    if not text:
        raise Invalid("empty message / 消息不能为空")
    limit = services.settings.max_text_chars
    if len(text) > limit:
        raise TooLarge(f"message longer than {limit} characters / 消息超过{limit}字")
    return text


async def _check_can_post(services: Services, user: User, room: Room, text: str) -> None:
    await check_can_speak(services, user.id, room, text)
    wait = await services.limiter.hit(f"send:{user.id}:{room.id}",
                                      services.settings.send_rate_per_second,
                                      services.settings.send_burst)
    if wait:
        raise RateLimited("sending too fast / 发送过于频繁", wait)


async def _mentions(
    services: Services, user: User, room: Room, text: str
) -> tuple[tuple[str, ...], bool]:
    names = set(MENTION.findall(text))
    if not names:
        return (), False
    mention_all = MENTION_ALL in names
    if mention_all and not can_mention_all(user):
        raise Forbidden("only staff may mention everyone / 仅网格员和管理员可@所有人")
    names.discard(MENTION_ALL)
    if not names:
        return (), mention_all
    matches: dict[str, list[str]] = {}
    for member in await room_members(services, room):
        for label in {member.name if member.is_staff else "", display_name(member)} - {""}:
            matches.setdefault(label, []).append(member.id)
    found = [ids[0] for name in sorted(names) if len(ids := matches.get(name, [])) == 1]
    return tuple(dict.fromkeys(found)), mention_all


async def _reply_target(services: Services, room: Room, reply_to: str | None) -> None:
    if reply_to is None:
        return
    target = await services.store.get_message(reply_to)
    if target is None or target.room_id != room.id:
        raise NotFound("the message replied to is not in this room / 被回复的消息不存在")


async def send_message(services: Services, user: User, payload: SendMessage) -> dict[str, Any]:
    room = await require_member(services, user, payload.room_id)
    text = _clean_text(services, payload.text)
    await _check_can_post(services, user, room, text)
    await _reply_target(services, room, payload.reply_to)
    mentions, mention_all = await _mentions(services, user, room, text)
    new = NewMessage(
        id=new_id("m", 16), room_id=room.id, sender_id=user.id, sender_name=display_name(user),
        sender_role=user.role, client_id=payload.client_id, text=text,
        reply_to=payload.reply_to, mentions=mentions, mention_all=mention_all,
        created_at=services.clock.now(),
    )
    message, created = await services.store.append_message(new)
    view = message_view(message)
    if not created:
        if message.text != text:
            raise Conflict("client_id already used for another message / 消息编号重复")
        return view
    await services.fanout.emit("message:new", view, room.id)
    services.events.publish(MessageCreated(message, room, user))
    await services.store.mark_read(user.id, room.id, message.seq)  # not on the delivery path
    return view


async def _own_message(services: Services, user: User, message_id: str) -> tuple[Message, Room]:
    message = await services.store.get_message(message_id)
    if message is None:
        raise NotFound("no such message / 消息不存在")
    room = await require_member(services, user, message.room_id)
    return message, room


async def edit_message(services: Services, user: User, payload: EditMessage) -> dict[str, Any]:
    message, room = await _own_message(services, user, payload.message_id)
    if message.sender_id != user.id:
        raise Forbidden("only the sender may edit / 只能编辑自己的消息")
    if message.deleted_at is not None:
        raise Conflict("the message was deleted / 消息已删除")
    now = services.clock.now()
    if now - message.created_at > timedelta(seconds=services.settings.edit_window_seconds):
        raise Forbidden("too late to edit / 已超过可编辑时间")
    text = _clean_text(services, payload.text)
    await check_can_speak(services, user.id, room, text)
    if text == message.text:
        return message_view(message)
    edits = (*message.edits, {"text": message.text, "at": message.edited_at or message.created_at})
    updated = await services.store.update_message(message.id, {
        "text": text, "edited_at": now, "updated_at": now, "edits": edits})
    view = message_view(updated)
    await services.fanout.emit("message:updated", view, room.id)
    return view


async def delete_message(
    services: Services, user: User, payload: DeleteMessage
) -> dict[str, Any]:
    message, room = await _own_message(services, user, payload.message_id)
    if message.sender_id != user.id and not can_moderate(user, room):
        raise Forbidden("you may not delete this message / 无权删除该消息")
    if message.deleted_at is not None:
        return message_view(message)
    now = services.clock.now()
    updated = await services.store.update_message(message.id, {
        "deleted_at": now, "updated_at": now, "deleted_by": user.id,
        "delete_reason": payload.reason or None})
    event = {"room_id": room.id, "message_id": message.id, "seq": message.seq,
             "deleted_by": user.id, "reason": payload.reason or None}
    await services.fanout.emit("message:deleted", event, room.id)
    services.events.publish(MessageDeleted(updated, room, user))
    if message.sender_id != user.id:
        await audit.record(services, user, "message.delete", "message", message.id,
                           room.community_id, payload.reason or "", room_id=room.id,
                           sender_id=message.sender_id)
    log.info("message %s in %s deleted by %s", message.id, room.id, user.id)
    return message_view(updated)


async def room_history(services: Services, user: User, payload: RoomHistory) -> dict[str, Any]:
    room = await require_member(services, user, payload.room_id)
    limit = min(payload.limit, services.settings.history_page_max)
    page = await services.store.history(room.id, payload.before_seq, limit)
    return {"room_id": room.id, "messages": [message_view(m) for m in page],
            "has_more": bool(page) and page[0].seq > 1}


async def room_sync(services: Services, user: User, payload: RoomSync) -> dict[str, Any]:
    """Everything after each cursor (page-limited: call again while has_more), plus edits and
    deletions of older messages made after `since` when the client passes it."""
    now_ms = int(services.clock.now().timestamp() * 1000)
    limit = services.settings.sync_page_max
    rooms: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for room_id, cursor in payload.cursors.items():
        try:
            room = await require_member(services, user, room_id)
        except (NotFound, Forbidden) as exc:
            errors[room_id] = exc.code
            continue
        fresh = await services.store.messages_after(room.id, cursor, limit + 1)
        changed: list[Message] = []
        if payload.since is not None and cursor > 0:
            since = datetime.fromtimestamp(payload.since / 1000, UTC)
            changed = await services.store.changed_since(room.id, cursor, since, limit)
        rooms[room.id] = {"messages": [message_view(m) for m in fresh[:limit]],
                          "has_more": len(fresh) > limit,
                          "changed": [message_view(m) for m in changed]}
    return {"server_time": now_ms, "rooms": rooms, "errors": errors}


async def mark_read(services: Services, user: User, room_id: str, seq: int) -> dict[str, Any]:
    room = await require_member(services, user, room_id)
    last = (await services.store.last_seqs([room.id]))[room.id]
    stored = await services.store.mark_read(user.id, room.id, min(seq, last))
    return {"room_id": room.id, "read_seq": stored, "unread": max(last - stored, 0)}


async def typing(services: Services, user: User, room_id: str, sid: str) -> None:
    room = await require_member(services, user, room_id)
    wait = await services.limiter.hit(f"typing:{user.id}:{room.id}",
                                      services.settings.typing_rate_per_second,
                                      services.settings.typing_burst)
    if wait:
        raise RateLimited("typing events too frequent", wait)
    await services.fanout.emit("typing", {"room_id": room.id, "user_id": user.id,
                                          "name": display_name(user)}, room.id, skip_sid=sid)
