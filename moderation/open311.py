"""Which tickets Open311 GeoReport v2 publishes (docs/architecture.md#tickets-and-escalation),
read-only; `moderation.open311_wire` gives them the protocol's form.

Drafts and dismissed drafts are internal and never published; nor is anything naming a
person. `status` is "open" while someone still has to act, "closed" once resolved or ended."""

from __future__ import annotations

from datetime import datetime

from chat.errors import NotFound
from chat.models import Unit
from chat.services import Services
from moderation.categories import BY_CODE, UNCATEGORISED
from moderation.models import OPEN, PUBLIC_STATUSES, Ticket, TicketQuery, TicketStatus
from moderation.replies import PublicRequests
from moderation.store.base import moderation_store

CLOSED: tuple[TicketStatus, ...] = ("resolved", "closed", "rejected", "duplicate")
MAX_REQUESTS = 1000
MAX_IDS = 50


async def _units_of(services: Services, tickets: list[Ticket]) -> dict[str, Unit]:
    ids = {i for t in tickets for i in (t.grid_id, t.community_id, t.street_id, t.district_id)
           if i}
    units = {}
    for unit_id in ids:
        unit = await moderation_store(services).get_unit(unit_id)
        if unit is not None:
            units[unit_id] = unit
    return units


async def requests(services: Services, *, ids: list[str] | None, service_code: str | None,
                   status: str | None, start: datetime | None, end: datetime | None
                   ) -> PublicRequests:
    if ids:
        found = [t for i in ids[:MAX_IDS] if (t := await moderation_store(services).get_ticket(i))]
        tickets = [t for t in found if t.status in PUBLIC_STATUSES]
    else:
        by_status = {"open": tuple(sorted(OPEN)), "closed": CLOSED}
        statuses = by_status.get(status or "", PUBLIC_STATUSES)
        if service_code and service_code not in BY_CODE and service_code != UNCATEGORISED:
            return PublicRequests((), {})
        category = BY_CODE[service_code].name if service_code in BY_CODE else None
        query = TicketQuery(statuses=statuses, category=category, created_from=start,
                            created_until=end, limit=MAX_REQUESTS)
        tickets, _ = await moderation_store(services).find_tickets(query)
        if service_code == UNCATEGORISED:
            tickets = [t for t in tickets if t.category is None]
    return PublicRequests(tuple(tickets), await _units_of(services, tickets))


async def one_request(services: Services, ticket_id: str) -> PublicRequests:
    """Open311 answers one request as a list of one."""
    found = await requests(services, ids=[ticket_id], service_code=None, status=None,
                           start=None, end=None)
    if not found.tickets:
        raise NotFound("no such service request / 工单不存在")
    return found
