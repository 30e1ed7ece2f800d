"""Moderation intents taken by grid workers and admins."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from chat.actions.rooms import require_member
from chat.clock import iso
from chat.errors import Forbidden, Invalid, NotFound
from chat.models import Mute, User
from chat.permissions import can_join, can_moderate, user_room_id
from chat.services import Services

log = logging.getLogger(__name__)


async def mute_member(
    services: Services, actor: User, room_id: str, user_id: str, until: datetime, reason: str
) -> dict[str, Any]:
    """Mute until `until`; a time in the past lifts the mute."""
    room = await require_member(services, actor, room_id)
    if not can_moderate(actor, room):
        raise Forbidden("only this room's workers may mute / 仅本群网格员可禁言")
    target = await services.store.get_user(user_id)
    if target is None or not can_join(target, room):
        raise NotFound("no such member / 该成员不存在")
    if target.is_staff:
        raise Forbidden("staff cannot be muted / 不能禁言工作人员")
    if until.tzinfo is None:
        raise Invalid("`until` needs a time zone / 时间须带时区")
    now = services.clock.now()
    mute = Mute(room_id=room.id, user_id=target.id, until=until, by=actor.id, reason=reason,
                created_at=now)
    await services.store.set_mute(mute)
    event = {"action": "muted" if until > now else "unmuted", "room_id": room.id,
             "until": iso(until), "reason": reason}
    await services.fanout.emit("moderation", event, user_room_id(target.id))
    log.info("%s muted %s in %s until %s: %s", actor.id, target.id, room.id, iso(until),
             reason or "-")
    return {"room_id": room.id, "user_id": target.id, "until": iso(until), "reason": reason}
