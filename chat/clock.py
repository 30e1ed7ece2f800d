"""Time is injected everywhere (docs/architecture.md#conventions); this is the one place that
reads the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# People read times in China Standard Time (UTC+8 all year, no daylight saving since 1991):
# a fixed offset gives Asia/Shanghai without depending on the system's time-zone files.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def local_text(moment: datetime) -> str:
    """What bots write for people: 「12月8日 周二 14:00」 in Asia/Shanghai."""
    t = moment.astimezone(SHANGHAI)
    return f"{t.month}月{t.day}日 {WEEKDAYS[t.weekday()]} {t:%H:%M}"
