"""Tickets as Open311 GeoReport v2 service requests (docs/architecture.md#tickets-and-escalation),
read-only.

Drafts and dismissed drafts are internal and never published; nor is anything naming a
person. `status` is "open" while someone still has to act, "closed" once resolved or ended."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chat.clock import iso
from chat.errors import NotFound
from chat.models import Unit
from chat.services import Services
from moderation.categories import BY_CODE, BY_NAME, CATEGORIES
from moderation.machine import STATUS_LABELS
from moderation.models import OPEN, PUBLIC_STATUSES, Ticket, TicketQuery, TicketStatus
from moderation.replies import PublicRequests
from moderation.store.base import moderation_store
from moderation.wire import LEVEL_LABELS, public_note

CLOSED: tuple[TicketStatus, ...] = ("resolved", "closed", "rejected", "duplicate")
UNCATEGORISED = "uncategorized"
MAX_REQUESTS = 1000
MAX_IDS = 50


def services_list() -> list[dict[str, Any]]:
    return [{"service_code": c.code, "service_name": c.name, "description": c.scope,
             "metadata": False, "type": "realtime", "keywords": c.name, "group": "报事"}
            for c in CATEGORIES]


def _agency(t: Ticket, units: Mapping[str, Unit]) -> str:
    unit_id = {"grid": t.grid_id, "community": t.community_id, "street": t.street_id,
               "district": t.district_id}[t.level]
    unit = units.get(unit_id or "")
    return unit.name if unit else LEVEL_LABELS[t.level]


def request_view(t: Ticket, units: Mapping[str, Unit]) -> dict[str, Any]:
    note = public_note(t)
    notes = STATUS_LABELS[t.status] + (f"：{note}" if note else "")
    category = BY_NAME.get(t.category or "")
    return {
        "service_request_id": t.id,
        "status": "open" if t.status in OPEN else "closed",
        "status_notes": notes,
        "service_name": category.name if category else "未分类",
        "service_code": category.code if category else UNCATEGORISED,
        "description": "" if t.redacted else t.description,
        "agency_responsible": _agency(t, units),
        "service_notice": f"第{t.number}号",
        "requested_datetime": iso(t.submitted_at or t.created_at),
        "updated_datetime": iso(t.updated_at),
        "expected_datetime": iso(t.due_at) if t.due_at and t.status in OPEN else None,
        "address": t.location or None,
        "media_url": None,
    }


async def _units_of(services: Services, tickets: list[Ticket]) -> dict[str, Unit]:
    ids = {i for t in tickets for i in (t.grid_id, t.community_id, t.street_id, t.district_id)
           if i}
    units = {}
    for unit_id in ids:
        unit = await moderation_store(services).get_unit(unit_id)
        if unit is not None:
            units[unit_id] = unit
    return units


def requests_view(found: PublicRequests) -> list[dict[str, Any]]:
    return [request_view(t, found.units) for t in found.tickets]


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
