"""What a webhook receives: `{id, event, occurred_at, community_id, data}` as JSON.

- `message.created`: the message as members of the room see it (`message:new`), plus the room.
- `ticket.changed`: `{action, ticket}` where the ticket is its public Open311 request (no
  reporter, assignee, phone or any other name; drafts are never sent) plus the internal status,
  urgency, level and the grid and room it came from.
- `poll.closed`: `{poll_id, room_id, result}` with the public result (counts, never voters)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bots.polls.events import PollClosed
from bots.polls.wire import decision_view
from bots.webhooks.models import WebhookEvent
from chat.clock import iso
from chat.events import MessageCreated
from chat.ids import derived_id, new_id
from chat.services import Services
from chat.wire import message_view, room_view
from moderation.events import TicketChanged
from moderation.models import PUBLIC_STATUSES, Ticket
from moderation.open311_wire import request_view


@dataclass(frozen=True)
class Outgoing:
    """One event, encoded once for every webhook that wants it."""

    event: WebhookEvent
    event_id: str
    community_id: str
    room_id: str | None
    body: bytes


def encode(services: Services, event: WebhookEvent, community_id: str,
           data: dict[str, Any], room_id: str | None = None, event_id: str | None = None,
           occurred_at: datetime | None = None) -> Outgoing:
    event_id = event_id or new_id("ev", 16)
    doc = {"id": event_id, "event": event, "occurred_at": iso(occurred_at or services.clock.now()),
           "community_id": community_id, "data": data}
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    return Outgoing(event, event_id, community_id, room_id, body)


def message_created(services: Services, e: MessageCreated) -> Outgoing:
    """The same body each time the message is sent (after a restart too), but its signature."""
    data = {"message": message_view(e.message), "room": room_view(e.room)}
    event_id = derived_id("ev", hashlib.sha256(e.message.id.encode()).hexdigest(), 16)
    return encode(services, "message.created", e.room.community_id, data, e.room.id,
                  event_id, e.message.created_at)


async def public_ticket(services: Services, t: Ticket) -> dict[str, Any]:
    unit_id = {"grid": t.grid_id, "community": t.community_id, "street": t.street_id,
               "district": t.district_id}[t.level]
    unit = await services.store.get_unit(unit_id) if unit_id else None
    units = {unit.id: unit} if unit is not None else {}
    return request_view(t, units) | {
        "number": t.number, "state": t.status, "category": t.category, "urgency": t.urgency,
        "level": t.level, "grid_id": t.grid_id, "room_id": t.room_id,
    }


async def ticket_changed(services: Services, e: TicketChanged) -> Outgoing | None:
    if e.ticket.status not in PUBLIC_STATUSES:
        return None
    data = {"action": e.action, "ticket": await public_ticket(services, e.ticket)}
    return encode(services, "ticket.changed", e.community_id, data)


def poll_closed(services: Services, e: PollClosed) -> Outgoing:
    data = {"poll_id": e.poll.id, "room_id": e.poll.room_id, "result": decision_view(e.poll)}
    return encode(services, "poll.closed", e.poll.community_id, data)
