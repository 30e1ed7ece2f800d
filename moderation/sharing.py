"""A resident's own report shared into their grid room, and neighbours' 我也遇到 under it.

`share`: the reporter of an open ticket posts it once into the ticket's grid room, as a line
of 报事助手 carrying the ticket's id; the ticket then belongs to that room (the tickets bot
posts its progress there, as for a report made from a chat message); a ticket already in a
room is not shared again.

`support`: a resident of that room other than the reporter adds themself to the ticket's
supporters once; the handlers see the count (`also_affected`) live."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from chat import audit
from chat.actions import sending
from chat.actions.rooms import require_member
from chat.actions.sending import Author
from chat.audit import AuditAction
from chat.errors import Conflict, Forbidden, Invalid, NotFound
from chat.models import Message, User
from chat.names import display_name
from chat.permissions import is_active
from chat.room_ids import grid_room_id
from chat.services import Services
from moderation import notify
from moderation.access import can_view
from moderation.models import OPEN, Ticket
from moderation.store.base import moderation_store

BOT_ID, BOT_NAME = "bot:tickets", "报事助手"
SNIPPET = 200
RETRIES = 5


def share_text(ticket: Ticket, reporter: User) -> str:
    what = ticket.description if len(ticket.description) <= SNIPPET \
        else ticket.description[:SNIPPET] + "…"
    kind = f"「{ticket.category}」" if ticket.category else ""
    head = f"【邻里报事】第{ticket.number}号{kind}"
    return (f"{head}，{display_name(reporter)}报告：{what}\n"
            "遇到同样问题的邻居，请点「我也遇到」，网格员会看到受影响的人数。")


async def share(services: Services, user: User, ticket_id: str) -> Message:
    """The message that carries the report into the grid room."""
    ticket = await moderation_store(services).get_ticket(ticket_id)
    if ticket is None or not can_view(user, ticket):
        raise NotFound("no such ticket / 工单不存在")
    if ticket.reporter_id != user.id or not is_active(user):
        raise Forbidden("only the reporter may share a report / 只有报事人可以分享")
    if ticket.status not in OPEN or ticket.grid_id is None:
        raise Invalid("only an open report of a grid can be shared / "
                      "只有处理中的网格报事可以分享")
    if ticket.room_id is not None:
        raise Invalid("this report is already in a chat room / 这条报事已在群聊中")
    room_id = grid_room_id(ticket.grid_id)
    room = await require_member(services, user, room_id)
    out = await sending.prepare(services, Author.builtin(BOT_ID, BOT_NAME), room,
                                share_text(ticket, user), f"share-{ticket.id}")
    message = await sending.commit(services, replace(out, new=out.new.model_copy(
        update={"ticket_id": ticket.id})))
    await _save(services, ticket.id, lambda t: {"room_id": room_id})
    await audit.record(services, user, AuditAction.TICKET_SHARE, "ticket", ticket.id,
                       ticket.community_id, room_id=room_id, message_id=message.id)
    return message


async def support(services: Services, user: User, ticket_id: str) -> Ticket:
    """The shared report, the user counted among those also affected."""
    ticket = await moderation_store(services).get_ticket(ticket_id)
    if ticket is None or ticket.room_id is None or ticket.grid_id is None \
            or ticket.room_id != grid_room_id(ticket.grid_id):
        raise NotFound("no such shared report / 该报事不存在")
    await require_member(services, user, ticket.room_id)
    if ticket.reporter_id == user.id:
        raise Invalid("this is your own report / 这是您自己的报事")
    if user.is_staff:
        raise Forbidden("staff handle reports rather than count in / 工作人员无需点「我也遇到」")
    if ticket.status not in OPEN:
        raise Invalid("this report is no longer open / 这条报事已办结或关闭")
    if user.id not in ticket.supporters:
        ticket = await _save(services, ticket.id, lambda t: {
            "supporters": tuple(dict.fromkeys((*t.supporters, user.id)))})
        await audit.record(services, user, AuditAction.TICKET_SUPPORT, "ticket", ticket.id,
                           ticket.community_id)
    return ticket


async def _save(services: Services, ticket_id: str,
                change: Callable[[Ticket], dict[str, Any]]) -> Ticket:
    """Apply `change(ticket) -> fields` with the version check, again after a conflict."""
    store = moderation_store(services)
    for _ in range(RETRIES):
        ticket = await store.get_ticket(ticket_id)
        if ticket is None:
            raise NotFound("no such ticket / 工单不存在")
        changed = ticket.model_copy(update={**change(ticket), "version": ticket.version + 1,
                                            "updated_at": services.clock.now()})
        try:
            await store.save_ticket(changed)
        except Conflict:
            continue
        await notify.ticket_changed(services, changed, "support", public=False)
        return changed
    raise Conflict("the ticket was changed meanwhile / 工单已被他人更新，请重试")
