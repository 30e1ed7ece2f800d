"""Telling people about tickets: `draft:new` and `ticket:updated` to the staff who see a ticket,
`ticket:updated` to its reporter, and each public status change as a bot message in the room
the ticket came from."""

from __future__ import annotations

import logging

from chat.ids import new_id
from chat.models import NewMessage, User
from chat.permissions import user_room_id
from chat.services import Services
from chat.views import message_view
from moderation.access import audience
from moderation.models import Ticket
from moderation.views import LEVEL_LABELS, ticket_view, user_ids_of

log = logging.getLogger(__name__)

BOT_ID = "bot:tickets"
BOT_NAME = "报事助手"


async def _users(services: Services, ticket: Ticket) -> dict[str, User]:
    return {u.id: u for u in await services.store.get_users(sorted(user_ids_of(ticket)))}


async def draft_created(services: Services, ticket: Ticket) -> None:
    users = await _users(services, ticket)
    view = ticket_view(ticket, users, staff_viewer=True, now=services.clock.now())
    for room in audience(ticket):
        await services.fanout.emit("draft:new", view, room)


async def ticket_changed(services: Services, ticket: Ticket, action: str) -> None:
    users = await _users(services, ticket)
    now = services.clock.now()
    staff_view = ticket_view(ticket, users, staff_viewer=True, now=now)
    for room in audience(ticket):
        await services.fanout.emit("ticket:updated", staff_view, room)
    if ticket.status in ("draft", "dismissed"):
        return
    await services.fanout.emit("ticket:updated",
                               ticket_view(ticket, users, staff_viewer=False, now=now),
                               user_room_id(ticket.reporter_id))
    text = status_text(ticket, action)
    if ticket.room_id and text:
        await post_in_room(services, ticket, text)


def status_text(t: Ticket, action: str) -> str | None:
    """The public line for the room, without names: residents see progress, not people."""
    head = f"【报事进度】第{t.number}号" + (f"「{t.category}」" if t.category else "")
    lines = {
        "create": "已登记，等待受理",
        "confirm": "已登记，等待受理",
        "accept": f"已受理，由{LEVEL_LABELS[t.level]}负责",
        "reject": f"不予受理：{t.reason}",
        "merge": "与已有报事合并处理",
        "assign": None if t.history[-1].from_status == "in_progress" else "已派单，正在处理",
        "resolve": f"已办结：{t.resolution}。请报事人评价",
        "rate": "报事人不满意，已重新办理" if t.status == "reopened" else "已评价，办结",
        "auto_close": "逾期未评价，已自动办结",
        "escalate": f"已上报至{LEVEL_LABELS[t.level]}",
    }
    line = lines.get(action)
    return f"{head}：{line}" if line else None


async def post_in_room(services: Services, ticket: Ticket, text: str) -> None:
    if ticket.room_id is None:
        return
    new = NewMessage(id=new_id("m", 16), room_id=ticket.room_id, sender_id=BOT_ID,
                     sender_name=BOT_NAME, sender_role="bot", kind="bot",
                     client_id=f"ticket-{ticket.id}-v{ticket.version}", text=text,
                     created_at=services.clock.now())
    message, created = await services.store.append_message(new)
    if created:
        await services.fanout.emit("message:new", message_view(message), ticket.room_id)
