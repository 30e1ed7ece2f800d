"""Identifiers: short, random, URL-safe and sortable enough for humans to read out."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def new_id(prefix: str, length: int = 12) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_join_code() -> str:
    """Eight characters without look-alikes, easy to read aloud or type from a poster."""
    alphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


def derived_id(prefix: str, digest: str, length: int = 12) -> str:
    """An id made from a (keyed) hex digest: the same input gives the same id."""
    bits = int(digest, 16)
    return prefix + "".join(_ALPHABET[(bits >> (5 * n)) & 31] for n in range(length))


class _TimeOrdered:
    """Nanoseconds since the epoch for ids, never the same twice in this process: ids made at
    one instant of the clock (a test clock stands still) keep the order they were made in."""

    def __init__(self) -> None:
        self._last = 0

    def next(self, moment: datetime) -> int:
        nanoseconds = (moment - _EPOCH) // _MICROSECOND * 1000
        self._last = max(nanoseconds, self._last + 1)
        return self._last


_time_ordered = _TimeOrdered()


def time_ordered_id(prefix: str, moment: datetime) -> str:
    """An id that sorts by `moment` (take it from `services.clock`): the time as 16 hex digits,
    then six random characters."""
    return f"{prefix}{_time_ordered.next(moment):016x}{new_id('', 6)}"
