"""The store interface of message consumers (composed into web.stores.Store): how far each
consumer got in each room, and which process runs it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import datetime


class FollowStore(ABC):
    @abstractmethod
    async def follow_cursors(self, consumer: str) -> dict[str, int] | None:
        """Room → the seq up to which the consumer is done; None before its first start.
        A room without an entry starts at 0."""

    @abstractmethod
    async def start_follow(self, consumer: str, seqs: Mapping[str, int],
                           started_at: datetime) -> bool:
        """The first time: store `seqs` as the consumer's cursors, and when it started, and
        return True (history before it is not followed); afterwards change nothing and return
        False."""

    @abstractmethod
    async def advance_follow(self, consumer: str, room_id: str, seq: int) -> int:
        """Move the room's cursor forward only; return the cursor now stored."""

    @abstractmethod
    async def take_lease(self, name: str, holder: str, now: datetime, until: datetime) -> bool:
        """Hold `name` until `until` if nobody else holds it at `now` (never taken, expired or
        already `holder`'s); True when `holder` holds it now."""

    @abstractmethod
    async def drop_lease(self, name: str, holder: str) -> None:
        """Give the lease up if `holder` still holds it."""
