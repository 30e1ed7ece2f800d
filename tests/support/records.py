"""What the store contract modules (tests/store/test_store_*.py) share: one start time and
ids in order. Datetimes are whole milliseconds (MongoDB keeps no more); data sets stay small
because the mongoeco wire server manages only tens of inserts per second."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Protocol

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


class Identified(Protocol):
    @property
    def id(self) -> str: ...


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def ids(records: Iterable[Identified]) -> list[str]:
    return sorted(record.id for record in records)
