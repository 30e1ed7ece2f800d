"""Chat messages: send, edit, delete, history, sync, read markers, typing."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from chat import audit, wire_events
from chat.actions import sending
from chat.actions.rooms import require_member
from chat.actions.sending import Author, clean_text
from chat.actions.speaking import check_can_speak
from chat.audit import AuditAction
from chat.errors import Conflict, Forbidden, NotFound, RateLimited
from chat.events import MessageDeleted
from chat.models import Message, Room, User
from chat.names import display_name
from chat.payloads import DeleteMessage, EditMessage, RoomHistory, RoomSync, SendMessage
from chat.permissions import can_moderate
from chat.replies import HistoryPage, ReadMarker, RoomCatchUp, SyncReply
from chat.services import Services
from chat.wire import message_view
from chat.wire_events import MessageUpdated, Typing

log = logging.getLogger(__name__)


async def send_message(services: Services, user: User, payload: SendMessage) -> Message:
    """A person's message, through the one send path (`chat.actions.sending`)."""
    room = await require_member(services, user, payload.room_id)
    return await sending.send(services, Author.of(user), room, payload.text, payload.client_id,
                              payload.reply_to)


async def _message_for_member(services: Services, user: User, message_id: str
                              ) -> tuple[Message, Room]:
    """The message and its room, if the user is a member of that room (not necessarily its
    sender: edit and delete check that themselves)."""
    message = await services.store.get_message(message_id)
    if message is None:
        raise NotFound("no such message / 消息不存在")
    room = await require_member(services, user, message.room_id)
    return message, room


async def edit_message(services: Services, user: User, payload: EditMessage) -> Message:
    message, room = await _message_for_member(services, user, payload.message_id)
    if message.sender_id != user.id:
        raise Forbidden("only the sender may edit / 只能编辑自己的消息")
    if message.deleted_at is not None:
        raise Conflict("the message was deleted / 消息已删除")
    now = services.clock.now()
    if now - message.created_at > timedelta(seconds=services.settings.edit_window_seconds):
        raise Forbidden("too late to edit / 已超过可编辑时间")
    text = clean_text(services, payload.text)
    await check_can_speak(services, user.id, room, text)
    if text == message.text:
        return message
    edits = (*message.edits, {"text": message.text, "at": message.edited_at or message.created_at})
    updated = await services.store.update_message(message.id, {
        "text": text, "edited_at": now, "updated_at": now, "edits": edits})
    await services.fanout.send(MessageUpdated.of(message_view(updated)), room.id)
    return updated


async def delete_message(services: Services, user: User, payload: DeleteMessage) -> Message:
    message, room = await _message_for_member(services, user, payload.message_id)
    if message.sender_id != user.id and not can_moderate(user, room):
        raise Forbidden("you may not delete this message / 无权删除该消息")
    if message.deleted_at is not None:
        return message
    now = services.clock.now()
    updated = await services.store.update_message(message.id, {
        "deleted_at": now, "updated_at": now, "deleted_by": user.id,
        "delete_reason": payload.reason or None})
    event = wire_events.MessageDeleted(room_id=room.id, message_id=message.id, seq=message.seq,
                                       deleted_by=user.id, reason=payload.reason or None)
    await services.fanout.send(event, room.id)
    services.events.publish(MessageDeleted(updated, room, user))
    if message.sender_id != user.id:
        await audit.record(services, user, AuditAction.MESSAGE_DELETE, "message", message.id,
                           room.community_id, payload.reason or "", room_id=room.id,
                           sender_id=message.sender_id)
    log.info("message %s in %s deleted by %s", message.id, room.id, user.id)
    return updated


async def room_history(services: Services, user: User, payload: RoomHistory) -> HistoryPage:
    room = await require_member(services, user, payload.room_id)
    limit = min(payload.limit, services.settings.history_page_max)
    page = await services.store.history(room.id, payload.before_seq, limit)
    return HistoryPage(room.id, tuple(page), has_more=bool(page) and page[0].seq > 1)


async def room_sync(services: Services, user: User, payload: RoomSync) -> SyncReply:
    """Everything after each cursor (page-limited: call again while has_more), plus edits and
    deletions of older messages made after `since` when the client passes it."""
    now_ms = int(services.clock.now().timestamp() * 1000)
    limit = services.settings.sync_page_max
    rooms: dict[str, RoomCatchUp] = {}
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
        rooms[room.id] = RoomCatchUp(tuple(fresh[:limit]), len(fresh) > limit, tuple(changed))
    return SyncReply(now_ms, rooms, errors)


async def mark_read(services: Services, user: User, room_id: str, seq: int) -> ReadMarker:
    room = await require_member(services, user, room_id)
    last = (await services.store.last_seqs([room.id]))[room.id]
    stored = await services.store.mark_read(user.id, room.id, min(seq, last))
    return ReadMarker(room.id, stored, max(last - stored, 0))


async def typing(services: Services, user: User, room_id: str, sid: str) -> None:
    room = await require_member(services, user, room_id)
    wait = await services.limiter.hit(f"typing:{user.id}:{room.id}",
                                      services.settings.typing_rate_per_second,
                                      services.settings.typing_burst)
    if wait:
        raise RateLimited("typing events too frequent", wait)
    await services.fanout.send(Typing(room_id=room.id, user_id=user.id, name=display_name(user)),
                               room.id, skip_sid=sid)
