"""Likely duplicates (可能重复): a detected draft about a place that already has a ticket.

A draft is marked `duplicate_of` the newest ticket of the same community and grid, with the
same category, created within `duplicate_window_hours`, still open or itself a draft, not
merged, whose place overlaps the draft's (moderation.location; a ticket filed without a place
is read from its description). When that newest one is itself marked a duplicate of another
candidate, the draft points at that other one, where the merge would end up anyway. It is a
hint for the worker, who merges in one step (moderation.tickets) or not at all."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from chat.services import Services
from moderation.location import extract_place, places_overlap
from moderation.models import Ticket, TicketQuery, TicketStatus
from moderation.store.base import moderation_store

CANDIDATES: tuple[TicketStatus, ...] = ("draft", "submitted", "accepted", "in_progress",
                                        "reopened")
PAGE = 100


def _place(ticket: Ticket) -> str:
    return ticket.location or extract_place(ticket.description)


async def likely_duplicate(services: Services, *, community_id: str, grid_id: str | None,
                           category: str | None, location: str, now: datetime
                           ) -> Ticket | None:
    """The ticket a new draft probably repeats, or None (no grid, category or place)."""
    hours = services.settings.duplicate_window_hours
    if not (grid_id and category and location and hours > 0):
        return None
    query = TicketQuery(community_ids=(community_id,), grid_ids=(grid_id,), category=category,
                        statuses=CANDIDATES, created_from=now - timedelta(hours=hours),
                        created_until=now, limit=PAGE)
    page, _ = await moderation_store(services).find_tickets(query)  # newest first
    same = [t for t in page if t.merged_into is None and places_overlap(location, _place(t))]
    if not same:
        return None
    newest = same[0]
    return next((t for t in same if t.id == newest.duplicate_of), newest)


async def targets(services: Services, tickets: Iterable[Ticket]) -> dict[str, Ticket]:
    """The tickets these ones are marked likely duplicates of, by id (for their views)."""
    ids = sorted({t.duplicate_of for t in tickets if t.duplicate_of})
    found = await asyncio.gather(*(moderation_store(services).get_ticket(i) for i in ids))
    return {t.id: t for t in found if t is not None}


def target_of(ticket: Ticket, found: Mapping[str, Ticket]) -> Ticket | None:
    return found.get(ticket.duplicate_of) if ticket.duplicate_of else None
