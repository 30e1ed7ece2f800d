"""Notice intents: post (by a person or a bot), acknowledge, unpin, list, detail, the
acknowledgement status and reminders. Scheduled publishing, expiry and automatic reminders
are in `bots.notices.jobs`. They answer with records (`Notice`, `NoticeAck`, or those of
`bots/notices/replies.py`); the edge turns them into wire form with `bots/notices/wire.py`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bots.notices import notify
from bots.notices.households import in_audience
from bots.notices.models import PUBLIC, Notice, NoticeAck
from bots.notices.payloads import AckNotice, NewNotice
from bots.notices.replies import AckStatus, NoticeDetail, ReadNotice, Reminder
from bots.store import bots_store
from chat.actions.rooms import require_member
from chat.actions.speaking import check_can_speak
from chat.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from chat.ids import new_id
from chat.models import RESIDENT_ROLES, STAFF_ROLES, Room, User
from chat.names import display_name
from chat.permissions import can_join, can_moderate
from chat.services import Services

RECENT = 50
REMIND_RATE = 1 / 600  # manual reminders: one per notice every ten minutes
REMIND_BURST = 1


def may_post(user: User, room: Room) -> bool:
    """Party members, grid workers and admins, in rooms they belong to
    (docs/architecture.md#security-model)."""
    poster = user.role in STAFF_ROLES or (user.role in RESIDENT_ROLES and user.party_member)
    return poster and can_join(user, room)


def may_manage(user: User, room: Room, notice: Notice) -> bool:
    """The author (while still in the room) and those who moderate the room."""
    return (notice.author_id == user.id and can_join(user, room)) or can_moderate(user, room)


def new_notice(*, author_id: str, author_name: str, room: Room, form: NewNotice,
               now: datetime, notice_id: str | None = None) -> Notice:
    if form.room_id != room.id:
        raise Invalid("room_id does not match the room / 群聊不一致")
    publish_at = form.publish_at if form.publish_at and form.publish_at > now else now
    if form.expires_at is not None and form.expires_at <= publish_at:
        raise Invalid("expires_at must be after publishing / 过期时间须晚于发布时间")
    if form.remind_after_hours is not None and not form.requires_ack:
        raise Invalid("reminders need requires_ack / 需确认的公告才能设置提醒")
    scheduled = publish_at > now
    return Notice(
        id=notice_id or new_id("n", 12), room_id=room.id, community_id=room.community_id,
        author_id=author_id, author_name=author_name, title=form.title, body=form.body,
        requires_ack=form.requires_ack, status="scheduled" if scheduled else "pinned",
        publish_at=publish_at, published_at=None if scheduled else now,
        expires_at=form.expires_at, remind_after_hours=form.remind_after_hours,
        created_at=now, updated_at=now)


async def publish_notice(services: Services, *, author_id: str, author_name: str, room: Room,
                         form: NewNotice, notice_id: str | None = None) -> Notice:
    """Post a notice without a permission check: for bots (`bot:<name>`) and `post_notice`.
    Blocked words and mutes still apply. A `notice_id` the caller derived (a bot command
    handled again after a crash) may be stored already: then that notice is the answer, and
    its announcement, keyed by the notice, is not posted twice."""
    await check_can_speak(services, author_id, room, form.title, form.body)
    notice = new_notice(author_id=author_id, author_name=author_name, room=room, form=form,
                        now=services.clock.now(), notice_id=notice_id)
    try:
        await bots_store(services).add_notice(notice)
    except Conflict:
        existing = await bots_store(services).get_notice(notice.id) if notice_id else None
        if existing is None:
            raise
        notice = existing
    if notice.status == "pinned":
        await notify.published(services, notice)
    return notice


async def post_notice(services: Services, user: User, form: NewNotice, *,
                      notice_id: str | None = None) -> Notice:
    room = await require_member(services, user, form.room_id)
    if not may_post(user, room):
        raise Forbidden("only party members, grid workers and admins post notices / "
                        "仅党员、网格员和社区管理员可以发布公告")
    return await publish_notice(services, author_id=user.id, author_name=display_name(user),
                                room=room, form=form, notice_id=notice_id)


async def _visible(services: Services, user: User, notice_id: str) -> tuple[Notice, Room]:
    """A member sees the room's published notices; unpublished ones only their managers."""
    notice = await bots_store(services).get_notice(notice_id)
    room = await bots_store(services).get_room(notice.room_id) if notice else None
    if notice is None or room is None or not can_join(user, room) or \
            (notice.status not in PUBLIC and not may_manage(user, room, notice)):
        raise NotFound("no such notice / 公告不存在")
    return notice, room


async def _managed(services: Services, user: User, notice_id: str) -> tuple[Notice, Room]:
    notice, room = await _visible(services, user, notice_id)
    if not may_manage(user, room, notice):
        raise Forbidden("only the author and the room's staff / 仅发布人和本群工作人员可操作")
    return notice, room


def _as_read(notice: Notice, acks: Sequence[NoticeAck], user: User) -> ReadNotice:
    """`acks` are those of the reader and their household."""
    mine = [a for a in acks if a.notice_id == notice.id]
    own = next((a for a in mine if a.user_id == user.id), None)
    return ReadNotice(notice=notice, own_ack=own, household_acknowledged=bool(mine))


async def _with_own_acks(services: Services, user: User, notices: list[Notice]
                         ) -> list[ReadNotice]:
    asked = [n.id for n in notices if n.requires_ack]
    acks = await bots_store(services).acks_for(asked, user.id, user.household)
    return [_as_read(n, acks, user) for n in notices]


async def room_notices(services: Services, user: User, room_id: str, *,
                       include_all: bool = False) -> list[ReadNotice]:
    """Pinned notices (newest first), or with `include_all` the recent ones of any status."""
    room = await require_member(services, user, room_id)
    now = services.clock.now()
    found = await bots_store(services).room_notices(room_id, pinned_only=not include_all,
                                              limit=RECENT)
    shown = [n for n in found
             if (n.status in PUBLIC or may_manage(user, room, n))
             and (include_all or n.expires_at is None or n.expires_at > now)]
    return await _with_own_acks(services, user, shown)


async def notice_detail(services: Services, user: User, notice_id: str) -> NoticeDetail:
    notice, room = await _visible(services, user, notice_id)
    [read] = await _with_own_acks(services, user, [notice])
    return NoticeDetail(read=read, can_manage=may_manage(user, room, notice))


async def acknowledge(services: Services, user: User, form: AckNotice) -> NoticeAck:
    """Idempotent: acknowledging again returns the first acknowledgement. Only the audience
    acknowledges (the room's residents and enterprises, not the author): staff and the author
    are refused with Forbidden, so they never count in the households' tally."""
    notice, room = await _visible(services, user, form.notice_id)
    if not notice.requires_ack:
        raise Invalid("this notice asks for no acknowledgement / 该公告无需确认")
    if notice.status not in PUBLIC:
        raise Invalid("this notice is not published yet / 公告尚未发布")
    if not in_audience(user, notice.author_id):
        raise Forbidden("only residents acknowledge notices / 仅居民需要确认公告")
    ack, created = await bots_store(services).add_ack(NoticeAck(
        notice_id=notice.id, user_id=user.id, household=user.household,
        at=services.clock.now()))
    if created:
        await notify.acks_changed(services, room, notice.id)
        await notify.household_acknowledged(services, room, notice.id, user)
    return ack


async def ack_status(services: Services, user: User, notice_id: str) -> AckStatus:
    notice, room = await _managed(services, user, notice_id)
    if not notice.requires_ack:
        raise Invalid("this notice asks for no acknowledgement / 该公告无需确认")
    groups = await notify.ack_state(services, room, notice)
    return AckStatus(notice=notice, households=tuple(groups), viewer=user)


async def unpin(services: Services, user: User, notice_id: str) -> Notice:
    """Unpin a published notice, or withdraw one still scheduled."""
    notice, room = await _managed(services, user, notice_id)
    if notice.status not in ("pinned", "scheduled"):
        raise Conflict("the notice is no longer pinned / 公告已不在置顶")
    now = services.clock.now()
    was_public = notice.status == "pinned"
    changed = notice.model_copy(update={
        "status": "unpinned" if was_public else "cancelled", "closed_by": user.id,
        "closed_at": now, "updated_at": now, "version": notice.version + 1})
    await bots_store(services).save_notice(changed)
    await notify.status_changed(services, room, changed, public=was_public)
    return changed


async def remind_now(services: Services, user: User, notice_id: str) -> Reminder:
    notice, room = await _managed(services, user, notice_id)
    if not notice.requires_ack or notice.status != "pinned":
        raise Invalid("only pinned notices that ask for acknowledgement / "
                      "仅可提醒置顶中且需确认的公告")
    wait = await services.limiter.hit(f"notice-remind:{notice.id}", REMIND_RATE, REMIND_BURST)
    if wait:
        raise RateLimited("reminded recently; try later / 刚刚提醒过，请稍后再试", wait)
    return await notify.remind(services, room, notice, auto=False)
