"""Ticket statistics over hand-built tickets: every figure, empty input, unrated and merged
tickets, drafts counted apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from moderation.models import PUBLIC_STATUSES, Ticket
from moderation.replies import StatsReport
from moderation.stats import TicketStats, ticket_stats
from moderation.wire import stats_report_view

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=3)
n = 0


def ticket(status: str, **fields: Any) -> Ticket:
    global n
    n += 1
    base: dict[str, Any] = {
        "id": f"t{n}", "number": n, "source": "resident", "status": status,
        "description": "电梯坏了", "community_id": "c1", "grid_id": "g1",
        "reporter_id": "u1", "created_by": "u1", "created_at": T0, "updated_at": T0,
        "submitted_at": None if status in ("draft", "dismissed") else T0}
    return Ticket.model_validate(base | fields)


def minutes(m: float) -> datetime:
    return T0 + timedelta(minutes=m)


def sample() -> list[Ticket]:
    return [
        # closed 满意: responded after 10 min, closed after 2 h
        ticket("closed", category="电梯设施", first_response_at=minutes(10),
               resolved_at=minutes(100), closed_at=minutes(120), rating="满意"),
        # closed 基本满意: 20 min, 4 h
        ticket("closed", category="电梯设施", grid_id="g2", first_response_at=minutes(20),
               resolved_at=minutes(200), closed_at=minutes(240), rating="基本满意"),
        # reopened after 不满意: responded after 30 min, not closed, rated
        ticket("reopened", category="环境卫生", first_response_at=minutes(30),
               rating="不满意", due_at=NOW + timedelta(hours=1)),
        # resolved and not yet rated; responded after 40 min
        ticket("resolved", category="环境卫生", first_response_at=minutes(40),
               resolved_at=minutes(60)),
        # rejected: responded and closed after 60 min
        ticket("rejected", first_response_at=minutes(60), closed_at=minutes(60), reason="非职责"),
        # submitted, no response yet, overdue
        ticket("submitted", due_at=NOW - timedelta(minutes=1)),
        # in progress, overdue, at grid g2
        ticket("in_progress", category="治安", grid_id="g2", first_response_at=minutes(5),
               due_at=NOW - timedelta(hours=2)),
        # merged into the first: in the counts, not in the averages
        ticket("duplicate", category="电梯设施", merged_into="t1", first_response_at=minutes(1),
               closed_at=minutes(1)),
        # a draft never confirmed and a dismissed draft: only counted apart
        ticket("draft", category="治安"),
        ticket("dismissed", closed_at=minutes(2), first_response_at=minutes(2)),
        ticket("dismissed"),
    ]


def test_every_figure() -> None:
    stats = ticket_stats(sample(), NOW)
    assert stats.total == 8
    assert stats.by_category == {"电梯设施": 3, "环境卫生": 2, "unclassified": 2, "治安": 1}
    assert stats.by_status == {**dict.fromkeys(PUBLIC_STATUSES, 0), "closed": 2, "reopened": 1,
                               "resolved": 1, "rejected": 1, "submitted": 1, "in_progress": 1,
                               "duplicate": 1}
    assert "draft" not in stats.by_status and "dismissed" not in stats.by_status
    assert stats.by_grid == {"g1": 6, "g2": 2}
    # 10, 20, 30, 40, 60, 5 minutes: not the merged ticket's 1 nor the dismissed draft's 2
    assert stats.first_response.count == 6
    assert stats.first_response.avg_seconds == 165 / 6 * 60
    # 120, 240 and 60 minutes (the rejection closes too)
    assert stats.close.count == 3
    assert stats.close.avg_seconds == 140 * 60
    assert (stats.rated, stats.satisfied) == (3, 2)
    assert stats.satisfaction_rate == 2 / 3
    assert stats.overdue == 2
    assert (stats.drafts_open, stats.drafts_dismissed) == (1, 2)


def test_empty_input() -> None:
    stats = ticket_stats([], NOW)
    assert stats == TicketStats(
        total=0, by_category={}, by_status=dict.fromkeys(PUBLIC_STATUSES, 0), by_grid={},
        first_response=stats.first_response, close=stats.close, rated=0, satisfied=0,
        overdue=0, drafts_open=0, drafts_dismissed=0)
    assert (stats.first_response.count, stats.first_response.avg_seconds) == (0, None)
    assert (stats.close.count, stats.close.avg_seconds) == (0, None)
    assert stats.satisfaction_rate is None
    view = stats_report_view(StatsReport(stats, {}, None, NOW))
    assert view["satisfaction"] == {"rated": 0, "satisfied": 0, "rate": None}
    assert view["by_grid"] == [] and view["from"] is None
    assert view["until"] == "2026-05-04T08:00:00.000Z"


def test_unrated_tickets_leave_the_rate_undefined() -> None:
    closed = ticket("closed", first_response_at=minutes(3), closed_at=minutes(90))
    resolved = ticket("resolved", first_response_at=minutes(5), resolved_at=minutes(30))
    stats = ticket_stats([closed, resolved], NOW)
    assert (stats.rated, stats.satisfied, stats.satisfaction_rate) == (0, 0, None)
    assert stats.first_response.count == 2 and stats.first_response.avg_seconds == 240
    assert stats.close.count == 1 and stats.close.avg_seconds == 90 * 60


def test_only_unsatisfied_ratings_give_zero() -> None:
    stats = ticket_stats([ticket("reopened", rating="不满意")], NOW)
    assert (stats.rated, stats.satisfied, stats.satisfaction_rate) == (1, 0, 0.0)


def test_merged_tickets_count_but_stay_out_of_averages() -> None:
    kept = ticket("closed", first_response_at=minutes(10), closed_at=minutes(60), rating="满意")
    merged = ticket("duplicate", merged_into=kept.id, first_response_at=minutes(1000),
                    closed_at=minutes(1000))
    stats = ticket_stats([kept, merged], NOW)
    assert stats.total == 2 and stats.by_status["duplicate"] == 1
    assert (stats.first_response.count, stats.first_response.avg_seconds) == (1, 600)
    assert (stats.close.count, stats.close.avg_seconds) == (1, 3600)
    assert (stats.rated, stats.satisfied) == (1, 1)


def test_overdue_depends_on_the_moment() -> None:
    due = NOW + timedelta(minutes=5)
    open_ticket = ticket("accepted", due_at=due, first_response_at=minutes(1))
    finished = ticket("closed", due_at=NOW - timedelta(days=1), closed_at=minutes(2))
    assert ticket_stats([open_ticket, finished], NOW).overdue == 0
    assert ticket_stats([open_ticket, finished], due).overdue == 1


def test_averages_need_both_moments() -> None:
    # A ticket without submitted_at (never expected past a draft, but tolerated) adds nothing.
    odd = ticket("accepted", submitted_at=None, first_response_at=minutes(4))
    stats = ticket_stats([odd], NOW)
    assert stats.total == 1 and stats.first_response.count == 0


def test_view_shape_and_grid_order() -> None:
    tickets = [ticket("submitted", grid_id="g2"), ticket("submitted", grid_id="g1"),
               ticket("submitted", grid_id="g3"), ticket("submitted", grid_id="g3"),
               ticket("submitted", grid_id=None, category="治安")]
    names = {"g1": "第一网格", "g2": "第二网格", "g3": "第三网格"}
    view = stats_report_view(StatsReport(ticket_stats(tickets, NOW), names, T0, NOW))
    assert list(view) == ["total", "by_category", "by_status", "by_grid", "first_response",
                          "close", "satisfaction", "overdue", "drafts_open",
                          "drafts_dismissed", "from", "until"]
    assert view["by_grid"] == [
        {"grid_id": "g3", "name": "第三网格", "count": 2},
        {"grid_id": "g1", "name": "第一网格", "count": 1},
        {"grid_id": "g2", "name": "第二网格", "count": 1},
        {"grid_id": None, "name": None, "count": 1}]
    assert view["by_category"] == {"unclassified": 4, "治安": 1}
    assert view["first_response"] == {"count": 0, "avg_seconds": None}
    assert (view["from"], view["until"]) == ("2026-05-01T08:00:00.000Z",
                                             "2026-05-04T08:00:00.000Z")
