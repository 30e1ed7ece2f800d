"""Moderation intents: mute, remove, flags (举报), blocked words, the audit log."""

from __future__ import annotations

import logging
from datetime import datetime

from chat import audit
from chat.actions.messages import delete_message
from chat.actions.rooms import member_rooms, require_member
from chat.audit import AuditAction
from chat.clock import iso
from chat.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from chat.ids import new_id
from chat.models import CommunityConfig, Mute, Room, User
from chat.payloads import DeleteMessage
from chat.permissions import can_join, can_moderate, is_active
from chat.room_ids import user_room_id, workers_room_id
from chat.services import Services
from chat.wire_events import FlagNew, Moderation
from moderation.models import Flag
from moderation.replies import AuditCursor, AuditPage, BlockedWords, FlaggedMessage, Removal
from moderation.store.base import moderation_store
from moderation.wire import flagged_view

log = logging.getLogger(__name__)


async def mute_member(
    services: Services, actor: User, room_id: str, user_id: str, until: datetime, reason: str
) -> Mute:
    """Mute until `until`; a time in the past lifts the mute."""
    room = await require_member(services, actor, room_id)
    if not can_moderate(actor, room):
        raise Forbidden("only this room's workers may mute / 仅本群网格员可禁言")
    target = await moderation_store(services).get_user(user_id)
    if target is None or not can_join(target, room):
        raise NotFound("no such member / 该成员不存在")
    if target.is_staff:
        raise Forbidden("staff cannot be muted / 不能禁言工作人员")
    now = services.clock.now()
    mute = Mute(room_id=room.id, user_id=target.id, until=until, by=actor.id, reason=reason,
                created_at=now)
    await moderation_store(services).set_mute(mute)
    event = Moderation(action="muted" if until > now else "unmuted", room_id=room.id,
                       until=iso(until), reason=reason)
    await services.fanout.send(event, user_room_id(target.id))
    action = AuditAction.MEMBER_MUTE if until > now else AuditAction.MEMBER_UNMUTE
    await audit.record(services, actor, action, "user", target.id,
                       room.community_id, reason, room_id=room.id, until=iso(until))
    return mute


async def _moderated_target(services: Services, actor: User, room_id: str,
                            user_id: str) -> tuple[Room, User]:
    room = await moderation_store(services).get_room(room_id)
    if room is None:
        raise NotFound("no such room / 群聊不存在")
    if not can_moderate(actor, room):
        raise Forbidden("only this room's workers may do this / 仅本群网格员可操作")
    target = await moderation_store(services).get_user(user_id)
    # a member of the room, or one removed from it: never someone the room does not hold
    if target is None or not can_join(target.model_copy(update={"removed_from": ()}), room):
        raise NotFound("no such member / 该成员不存在")
    if target.is_staff:
        raise Forbidden("staff cannot be removed / 不能移出工作人员")
    return room, target


async def remove_member(services: Services, actor: User, room_id: str, user_id: str,
                        reason: str) -> Removal:
    """Out of the room at once, on every socket; stays out until restored."""
    room, target = await _moderated_target(services, actor, room_id, user_id)
    await moderation_store(services).set_room_removal(target.id, room.id, True)
    await services.fanout.leave_room(target.id, room.id)
    await services.fanout.send(Moderation(action="removed", room_id=room.id, reason=reason),
                               user_room_id(target.id))
    await audit.record(services, actor, AuditAction.MEMBER_REMOVE, "user", target.id,
                       room.community_id, reason, room_id=room.id)
    return Removal(room.id, target.id, removed=True)


async def restore_member(services: Services, actor: User, room_id: str,
                         user_id: str) -> Removal:
    room, target = await _moderated_target(services, actor, room_id, user_id)
    target = await moderation_store(services).set_room_removal(target.id, room.id, False)
    if can_join(target, room):
        await services.fanout.enter_rooms(target.id, [room.id])
        await services.fanout.send(Moderation(action="restored", room_id=room.id),
                                   user_room_id(target.id))
    await audit.record(services, actor, AuditAction.MEMBER_RESTORE, "user", target.id,
                       room.community_id, room_id=room.id)
    return Removal(room.id, target.id, removed=False)


# ---- flags (举报) ----------------------------------------------------------------------------

def _flag_audience(room: Room) -> list[str]:
    if room.kind == "grid" and room.grid_id:
        return [f"staff:grid:{room.grid_id}", f"staff:community:{room.community_id}"]
    return [workers_room_id(room.community_id)]


async def flag_message(services: Services, actor: User, message_id: str,
                       reason: str) -> Flag:
    message = await moderation_store(services).get_message(message_id)
    if message is None or message.deleted_at is not None:
        raise NotFound("no such message / 消息不存在")
    room = await require_member(services, actor, message.room_id)
    if message.sender_id == actor.id:
        raise Invalid("you cannot flag your own message / 不能举报自己的消息")
    wait = await services.limiter.hit(f"flag:{actor.id}", 0.05, 5)
    if wait:
        raise RateLimited("too many reports / 举报过于频繁", wait)
    flag = Flag(id=new_id("f", 12), message_id=message.id, room_id=room.id,
                community_id=room.community_id, by=actor.id, reason=reason,
                created_at=services.clock.now())
    await moderation_store(services).add_flag(flag)
    event = FlagNew.of(flagged_view(FlaggedMessage(flag, message)))
    for audience in _flag_audience(room):
        await services.fanout.send(event, audience)
    await audit.record(services, actor, AuditAction.MESSAGE_FLAG, "message", message.id,
                       room.community_id, reason, room_id=room.id, flag_id=flag.id)
    return flag


async def list_flags(services: Services, actor: User, open_only: bool,
                     limit: int) -> list[FlaggedMessage]:
    rooms = [r for r in await member_rooms(services, actor) if can_moderate(actor, r)]
    if not rooms:
        raise Forbidden("moderators only / 仅限网格员和管理员")
    flags = await moderation_store(services).list_flags([r.id for r in rooms], open_only, limit)
    return [FlaggedMessage(flag, await moderation_store(services).get_message(flag.message_id))
            for flag in flags]


async def handle_flag(services: Services, actor: User, flag_id: str, outcome: str,
                      note: str) -> Flag:
    flag = await moderation_store(services).get_flag(flag_id)
    room = await moderation_store(services).get_room(flag.room_id) if flag else None
    if flag is None or room is None or not can_moderate(actor, room):
        raise NotFound("no such report / 举报不存在")
    handled = flag.model_copy(update={"handled_by": actor.id, "outcome": outcome,
                                      "handled_at": services.clock.now()})
    # two moderators: the first one wins
    if not await moderation_store(services).handle_flag(handled):
        raise Conflict("this report was already handled / 该举报已处理")
    if outcome == "deleted":
        await delete_message(services, actor, DeleteMessage(message_id=flag.message_id,
                                                            reason=note or flag.reason))
    await audit.record(services, actor, AuditAction.FLAG_HANDLE, "flag", flag.id, room.community_id,
                       note, outcome=outcome, message_id=flag.message_id)
    return handled


# ---- blocked words and the audit log -------------------------------------------------------

def _admin_of(actor: User, community_id: str) -> None:
    if actor.role != "admin" or actor.community_id != community_id or not is_active(actor):
        raise Forbidden("community admins only / 仅限本社区管理员")


async def blocked_words(services: Services, actor: User, community_id: str) -> BlockedWords:
    if not (actor.is_staff and actor.community_id == community_id and is_active(actor)):
        raise Forbidden("staff of this community only / 仅限本社区工作人员")
    config = await moderation_store(services).get_community_config(community_id)
    return BlockedWords(community_id, config.blocked_words if config else (),
                        tuple(services.settings.blocked_words))


async def set_blocked_words(services: Services, actor: User, community_id: str,
                            words: list[str]) -> BlockedWords:
    _admin_of(actor, community_id)
    old = await moderation_store(services).get_community_config(community_id) \
        or CommunityConfig(community_id=community_id)
    new_words = tuple(dict.fromkeys(w for w in words if w))
    await moderation_store(services).put_community_config(old.model_copy(update={
        "blocked_words": new_words, "updated_by": actor.id,
        "updated_at": services.clock.now()}))
    services.blocked.forget(community_id)
    added = sorted(set(new_words) - set(old.blocked_words))
    removed = sorted(set(old.blocked_words) - set(new_words))
    await audit.record(services, actor, AuditAction.COMMUNITY_BLOCKED_WORDS, "community",
                       community_id, community_id, added=added, removed=removed)
    return await blocked_words(services, actor, community_id)


async def audit_log(services: Services, actor: User, *, action: str | None,
                    actor_id: str | None, target_id: str | None, before: datetime | None,
                    before_id: str | None, limit: int) -> AuditPage:
    """A page of the community's audit log, newest first, with the cursor of the next page
    (None once a page comes back short)."""
    if actor.role != "admin" or actor.community_id is None or not is_active(actor):
        raise Forbidden("community admins only / 仅限社区管理员")
    entries = await moderation_store(services).list_audit(
        community_id=actor.community_id, action=action, actor_id=actor_id,
        target_id=target_id, before=before, before_id=before_id, limit=limit)
    people = await moderation_store(services).get_users(sorted({e.actor_id for e in entries}))
    last = entries[-1] if len(entries) == limit else None
    return AuditPage(tuple(entries), {u.id: u for u in people},
                     None if last is None else AuditCursor(last.at, last.id))
