"""Tickets as Open311 GeoReport v2 sees them (docs/architecture.md#tickets-and-escalation):
the service list and service requests, for the public read-only API and the webhooks. Nothing
here names a person."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chat.clock import iso
from chat.models import Unit
from moderation.categories import BY_NAME, CATEGORIES, UNCATEGORISED
from moderation.machine import STATUS_LABELS
from moderation.models import OPEN, Ticket
from moderation.replies import PublicRequests
from moderation.wire import LEVEL_LABELS, public_note


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


def requests_view(found: PublicRequests) -> list[dict[str, Any]]:
    return [request_view(t, found.units) for t in found.tickets]
