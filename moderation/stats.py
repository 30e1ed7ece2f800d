"""Ticket statistics (工单统计) for staff: pure figures over a set of tickets and a moment.

What counts: every ticket that became public (PUBLIC_STATUSES). Drafts never confirmed and
dismissed drafts are no reports, so they are only counted apart (`drafts_open`,
`drafts_dismissed`). Tickets merged into another (我也遇到) count in the totals but not in the
averages or the satisfaction rate: the kept ticket stands for them. Satisfied means 满意 or
基本满意, the two ratings that close a ticket (docs/architecture.md#tickets-and-escalation);
不满意 reopens it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chat.clock import iso
from moderation.models import PUBLIC_STATUSES, Rating, Ticket

UNCLASSIFIED = "unclassified"
SATISFIED: frozenset[Rating] = frozenset({"满意", "基本满意"})


@dataclass(frozen=True)
class Duration:
    """How many tickets reached a moment, and the mean seconds it took them."""

    count: int = 0
    avg_seconds: float | None = None

    def view(self) -> dict[str, Any]:
        return {"count": self.count, "avg_seconds": self.avg_seconds}


@dataclass(frozen=True)
class TicketStats:
    total: int
    by_category: dict[str, int]
    by_status: dict[str, int]
    by_grid: dict[str | None, int]
    first_response: Duration
    close: Duration
    rated: int
    satisfied: int
    overdue: int
    drafts_open: int
    drafts_dismissed: int

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


def _mean_seconds(spans: list[float]) -> Duration:
    if not spans:
        return Duration()
    return Duration(len(spans), round(sum(spans) / len(spans), 3))


def _span(start: datetime | None, end: datetime | None) -> float | None:
    return None if start is None or end is None else (end - start).total_seconds()


def ticket_stats(tickets: Iterable[Ticket], now: datetime) -> TicketStats:
    """The figures for these tickets as of `now` (which decides what is overdue)."""
    counted: list[Ticket] = []
    drafts = Counter[str]()
    for t in tickets:
        if t.status in PUBLIC_STATUSES:
            counted.append(t)
        else:
            drafts[t.status] += 1
    unmerged = [t for t in counted if t.merged_into is None]
    responses = [s for t in unmerged if (s := _span(t.submitted_at, t.first_response_at))
                 is not None]
    closings = [s for t in unmerged if (s := _span(t.submitted_at, t.closed_at)) is not None]
    ratings = [t.rating for t in unmerged if t.rating is not None]
    by_status: dict[str, int] = dict.fromkeys(PUBLIC_STATUSES, 0)
    by_status.update(Counter(t.status for t in counted))
    return TicketStats(
        total=len(counted),
        by_category=dict(Counter(t.category or UNCLASSIFIED for t in counted)),
        by_status=by_status,
        by_grid=dict(Counter(t.grid_id for t in counted)),
        first_response=_mean_seconds(responses),
        close=_mean_seconds(closings),
        rated=len(ratings),
        satisfied=sum(r in SATISFIED for r in ratings),
        overdue=sum(t.overdue(now) for t in counted),
        drafts_open=drafts["draft"],
        drafts_dismissed=drafts["dismissed"],
    )


def stats_view(stats: TicketStats, grid_names: Mapping[str, str], created_from: datetime | None,
               created_until: datetime | None) -> dict[str, Any]:
    """The JSON of GET /api/v1/stats/tickets; grids busiest first, then by name, tickets
    without a grid after the grids with as many."""
    grids = sorted(stats.by_grid.items(), key=lambda item: (
        -item[1], item[0] is None, grid_names.get(item[0] or "", ""), item[0] or ""))
    return {
        "total": stats.total,
        "by_category": stats.by_category,
        "by_status": stats.by_status,
        "by_grid": [{"grid_id": grid_id, "name": grid_names.get(grid_id) if grid_id else None,
                     "count": count} for grid_id, count in grids],
        "first_response": stats.first_response.view(),
        "close": stats.close.view(),
        "satisfaction": {"rated": stats.rated, "satisfied": stats.satisfied,
                         "rate": stats.satisfaction_rate},
        "overdue": stats.overdue,
        "drafts_open": stats.drafts_open,
        "drafts_dismissed": stats.drafts_dismissed,
        "from": iso(created_from) if created_from else None,
        "until": iso(created_until) if created_until else None,
    }
