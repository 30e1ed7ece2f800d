"""Ticket statistics (工单统计) for staff: pure figures over a set of tickets and a moment.

What counts: every ticket that became public (PUBLIC_STATUSES). Drafts never confirmed and
dismissed drafts are no reports, so they are only counted apart (`drafts_open`,
`drafts_dismissed`). Tickets merged into another (我也遇到) count in the totals but not in the
averages or the satisfaction rate: the kept ticket stands for them. Satisfied means 满意 or
基本满意, the two ratings that close a ticket (docs/architecture.md#tickets-and-escalation);
不满意 reopens it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from moderation.models import PUBLIC_STATUSES, Rating, Ticket

UNCLASSIFIED = "unclassified"
SATISFIED: frozenset[Rating] = frozenset({"满意", "基本满意"})


@dataclass(frozen=True)
class Duration:
    """How many tickets reached a moment, and the mean seconds it took them."""

    count: int = 0
    avg_seconds: float | None = None


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
