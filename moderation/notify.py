"""Telling people about tickets: `draft:new` and `ticket:updated` to the staff who see a ticket,
`ticket:updated` to its reporter; `TicketChanged` for bots (the ticket-updates bot posts each
public status change into the room the ticket came from) and webhooks."""

from __future__ import annotations

import logging

from chat.models import User
from chat.room_ids import user_room_id
from chat.services import Services
from chat.wire_events import DraftNew, TicketUpdated
from moderation.access import audience
from moderation.events import TicketChanged
from moderation.models import Ticket
from moderation.replies import SeenTicket
from moderation.store.base import moderation_store
from moderation.wire import ticket_view

log = logging.getLogger(__name__)


async def _users(services: Services, ticket: Ticket) -> dict[str, User]:
    users = await moderation_store(services).get_users(sorted(ticket.people_ids()))
    return {u.id: u for u in users}


async def _duplicate(services: Services, ticket: Ticket) -> Ticket | None:
    if ticket.duplicate_of is None:
        return None
    return await moderation_store(services).get_ticket(ticket.duplicate_of)


async def draft_created(services: Services, ticket: Ticket) -> None:
    users = await _users(services, ticket)
    view = ticket_view(SeenTicket(ticket, users, True, services.clock.now(),
                                  duplicate=await _duplicate(services, ticket)))
    for room in audience(ticket):
        await services.fanout.send(DraftNew.of(view), room)


async def ticket_changed(services: Services, ticket: Ticket, action: str, *,
                         public: bool = True) -> None:
    """`public=False` for a change that is no step of the ticket (a share, a 我也遇到):
    staff and the reporter see it, bots and webhooks do not."""
    users = await _users(services, ticket)
    now = services.clock.now()
    staff_view = ticket_view(SeenTicket(ticket, users, True, now,
                                        duplicate=await _duplicate(services, ticket)))
    for room in audience(ticket):
        await services.fanout.send(TicketUpdated.of(staff_view), room)
    if ticket.status in ("draft", "dismissed"):
        return
    await services.fanout.send(
        TicketUpdated.of(ticket_view(SeenTicket(ticket, users, False, now))),
        user_room_id(ticket.reporter_id))
    if public:
        services.events.publish(TicketChanged(ticket, action))
