"""Telling people about notices, always after the write:

- `notice:new` (the notice) to the room, with a line in the chat by 公告 so history and sync
  show it too;
- `notice:updated` `{change, notice, acks?}` — a published notice's status change (unpinned,
  expired) to the room; acknowledgement counts (`change: "acks"`, the counts kept on the
  notice, at most one a second per notice: `chat.realtime.pacing`), reminders sent
  (`change: "reminded"`, with the full count) and changes to unpublished notices to the author
  (unless a bot) and the room's staff;
- `notice:remind` `{notice, auto}` to each member of a household that has not acknowledged,
  with a line in the chat that counts the households (no names);
- `notice:household_ack` `{notice_id, room_id}` to the other members of a household when one
  of them acknowledged, so their 「我已阅读」 turns into 本户已确认 without a reload."""

from __future__ import annotations

from bots.notices.households import Household, audience, households, pending_members, summary
from bots.notices.models import Notice
from bots.notices.replies import Reminder
from bots.notices.wire import ack_counts_view, notice_view
from bots.store import bots_store
from chat.actions.bot_messages import post_bot_message
from chat.actions.rooms import room_members
from chat.models import Room, User
from chat.permissions import can_moderate
from chat.room_ids import user_room_id, workers_room_id
from chat.services import Services
from chat.wire_events import NoticeHouseholdAck, NoticeNew, NoticeRemind, NoticeUpdated

BOT_ID = "bot:notices"
BOT_NAME = "公告"


async def ack_state(services: Services, room: Room, notice: Notice) -> list[Household]:
    members = audience(await room_members(services, room), notice.author_id)
    return households(members, await bots_store(services).list_acks(notice.id))


def staff_rooms(room: Room) -> list[str]:
    """The Socket.IO rooms of those who moderate `room` (chat.permissions.can_moderate)."""
    if room.kind == "grid":
        return [f"staff:grid:{room.grid_id}", f"staff:community:{room.community_id}"]
    return [workers_room_id(room.community_id)]


async def _to_managers(services: Services, room: Room, notice: Notice,
                       event: NoticeUpdated) -> None:
    for target in staff_rooms(room):
        await services.fanout.send(event, target)
    author = None if notice.author_id.startswith("bot:") \
        else await bots_store(services).get_user(notice.author_id)
    if author is not None and author.role != "bot" and not can_moderate(author, room):
        await services.fanout.send(event, user_room_id(author.id))


async def published(services: Services, notice: Notice) -> None:
    await services.fanout.send(NoticeNew.of(notice_view(notice)), notice.room_id)
    ask = "，请查看并确认" if notice.requires_ack else ""
    await post_bot_message(services, notice.room_id, BOT_ID, BOT_NAME,
                           f"【公告】{notice.title}（{notice.author_name}发布{ask}）",
                           client_id=f"notice:{notice.id}")


async def status_changed(services: Services, room: Room, notice: Notice, *,
                         public: bool) -> None:
    event = NoticeUpdated.of({"change": notice.status, "notice": notice_view(notice)})
    if public:
        await services.fanout.send(event, room.id)
    else:
        await _to_managers(services, room, notice, event)


async def acks_changed(services: Services, room: Room, notice_id: str) -> None:
    """Someone acknowledged: the counts as stored, paced (no recount of the room)."""
    async def send() -> None:
        notice = await bots_store(services).get_notice(notice_id)
        if notice is not None:
            await _to_managers(services, room, notice, NoticeUpdated.of({
                "change": "acks", "notice": notice_view(notice),
                "acks": ack_counts_view(notice)}))

    await services.ack_pacer.changed(notice_id, send)


async def household_acknowledged(services: Services, room: Room, notice_id: str,
                                  user: User) -> None:
    """`user` acknowledged: the rest of their household (in this room) no longer needs to."""
    if user.household is None:
        return
    event = NoticeHouseholdAck(notice_id=notice_id, room_id=room.id)
    for member in await room_members(services, room):
        if member.household == user.household and member.id != user.id:
            await services.fanout.send(event, user_room_id(member.id))


async def remind(services: Services, room: Room, notice: Notice, *, auto: bool
                 ) -> Reminder:
    """Remind every member of each household that has not acknowledged."""
    groups = await ack_state(services, room, notice)
    people = pending_members(groups)
    view = notice_view(notice)
    reminder = NoticeRemind.of({"notice": view, "auto": auto})
    for person in people:
        await services.fanout.send(reminder, user_room_id(person.id))
    pending = sum(not h.acknowledged for h in groups)
    if pending:
        await post_bot_message(services, room.id, BOT_ID, BOT_NAME,
                               f"【公告提醒】《{notice.title}》还有{pending}户未确认，"
                               "请尽快查看并点击确认")
    await _to_managers(services, room, notice, NoticeUpdated.of({
        "change": "reminded", "notice": view, "acks": summary(groups)}))
    return Reminder(notice=notice, reminded_members=len(people), reminded_households=pending,
                    households=tuple(groups))
