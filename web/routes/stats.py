"""Statistics for staff: ticket figures over a time window (工单统计)."""

from __future__ import annotations

import re
from datetime import datetime

from aiohttp import web

from chat.errors import Invalid
from moderation.stats_query import ticket_statistics
from moderation.wire import stats_report_view
from web.http import current, reply, services

routes = web.RouteTableDef()
# An offset's `+` left unescaped in a query string arrives as a space.
LOST_PLUS = re.compile(r" (\d\d:?\d\d)$")


def _moment(request: web.Request, name: str) -> datetime | None:
    """An ISO 8601 date-time with a time zone (`Z` or an offset), or None when left out."""
    raw = request.query.get(name, "")
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(LOST_PLUS.sub(r"+\1", raw).replace("Z", "+00:00"))
    except ValueError as exc:
        raise Invalid(f"{name} must be an ISO 8601 date-time / {name}时间格式错误") from exc
    if moment.tzinfo is None:
        raise Invalid(f"{name} needs a time zone / {name}须带时区")
    return moment


def _ids(request: web.Request, name: str) -> tuple[str, ...] | None:
    """A comma list; left out or empty means no narrowing."""
    return tuple(v for v in request.query.get(name, "").split(",") if v) or None


@routes.get("/api/v1/stats/tickets")
async def ticket_stats(request: web.Request) -> web.Response:
    user, _ = await current(request)
    report = await ticket_statistics(
        services(request), user, community_ids=_ids(request, "community_id"),
        grid_ids=_ids(request, "grid_id"), created_from=_moment(request, "from"),
        created_until=_moment(request, "until"))
    return reply(stats_report_view(report))
