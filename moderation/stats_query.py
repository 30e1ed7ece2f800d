"""Which tickets a staff member's statistics cover, read from the store page by page; the
figures themselves are computed in moderation.stats."""

from __future__ import annotations

from datetime import datetime

from chat.errors import Forbidden, Invalid
from chat.models import User
from chat.services import Services
from moderation.access import scope_filter
from moderation.models import LEVELS, OPEN, Ticket, TicketQuery
from moderation.replies import StatsReport
from moderation.stats import ticket_stats
from moderation.store.base import moderation_store

PAGE = 500


def stats_query(user: User, community_ids: tuple[str, ...] | None,
                grid_ids: tuple[str, ...] | None, created_from: datetime | None,
                created_until: datetime) -> TicketQuery:
    """Tickets created in the window that `user` sees as staff (moderation.access), narrowed
    to the communities and grids asked for; asking for others' narrows to nothing."""
    scope = scope_filter(user)
    if scope is None:
        raise Forbidden("staff only / 仅限工作人员")
    if created_from is not None and created_from > created_until:
        raise Invalid("from must not be after until / 起始时间不能晚于结束时间")
    for key, wanted in (("community_ids", community_ids), ("grid_ids", grid_ids)):
        if wanted is not None:
            allowed = scope.get(key)
            scope[key] = wanted if allowed is None else tuple(v for v in wanted if v in allowed)
    return TicketQuery(**scope, created_from=created_from, created_until=created_until,
                       limit=PAGE)


async def all_tickets(services: Services, query: TicketQuery) -> list[Ticket]:
    """Every ticket matching `query`, oldest pages last. The window ends at a fixed moment and
    tickets are never deleted, so a ticket filed meanwhile can only push others to a later
    page — read twice, kept once — never past the loop."""
    store = moderation_store(services)
    found: dict[str, Ticket] = {}
    offset = 0
    while True:
        page, _ = await store.find_tickets(query.model_copy(update={"offset": offset}))
        found.update((t.id, t) for t in page)
        if len(page) < query.limit:
            return list(found.values())
        offset += len(page)


async def grid_names(services: Services, grid_ids: set[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for grid_id in sorted(grid_ids):
        unit = await moderation_store(services).get_unit(grid_id)
        if unit is not None:
            names[grid_id] = unit.name
    return names


async def ticket_statistics(services: Services, user: User, *,
                            community_ids: tuple[str, ...] | None = None,
                            grid_ids: tuple[str, ...] | None = None,
                            created_from: datetime | None = None,
                            created_until: datetime | None = None) -> StatsReport:
    """GET /api/v1/stats/tickets: `until` left out means up to now, and is answered as such."""
    now = services.clock.now()
    until = created_until or now
    query = stats_query(user, community_ids, grid_ids, created_from, until)
    stats = ticket_stats(await all_tickets(services, query), now)
    names = await grid_names(services, {g for g in stats.by_grid if g is not None})
    return StatsReport(stats, names, created_from, until)


async def open_and_overdue_by_level(services: Services) -> dict[str, tuple[int, int]]:
    """level → (open tickets, overdue ones) across the deployment: one counting query each
    (a page of one), for the operators' metrics."""
    store = moderation_store(services)
    now = services.clock.now()
    counts: dict[str, tuple[int, int]] = {}
    for level in LEVELS:
        _, open_ = await store.find_tickets(TicketQuery(level=level, statuses=tuple(OPEN),
                                                        limit=1))
        _, overdue = await store.find_tickets(TicketQuery(level=level, overdue_at=now,
                                                          limit=1))
        counts[level] = (open_, overdue)
    return counts
