"""The store interface of this part (composed into web.stores.Store)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import datetime

from bots.polls.models import Ballot, Poll


class PollStore(ABC):
    @abstractmethod
    async def add_poll(self, poll: Poll) -> None:
        """Raise Conflict when the id is taken."""

    @abstractmethod
    async def get_poll(self, poll_id: str) -> Poll | None: ...

    @abstractmethod
    async def save_poll(self, poll: Poll) -> None:
        """Replace the stored poll whose version is `poll.version - 1`; raise Conflict when
        it changed meanwhile (a ballot or another closer), NotFound when it does not exist."""

    @abstractmethod
    async def list_polls(self, room_id: str, limit: int) -> list[Poll]:
        """The room's polls, newest first."""

    @abstractmethod
    async def due_polls(self, now: datetime, limit: int) -> list[Poll]:
        """Open polls whose deadline is at or before `now`, earliest deadline first."""

    @abstractmethod
    async def unannounced_polls(self, since: datetime, until: datetime,
                                limit: int) -> list[Poll]:
        """Closed polls without `announced_at` that closed between `since` and `until`
        (inclusive), earliest first."""

    @abstractmethod
    async def mark_announced(self, poll_id: str, at: datetime) -> bool:
        """Set `announced_at` unless already set; False when it was (or the poll is gone)."""

    @abstractmethod
    async def list_decisions(self, room_ids: Sequence[str], limit: int,
                             offset: int) -> list[Poll]:
        """Closed polls of these rooms, most recently closed first."""

    @abstractmethod
    async def cast_ballot(self, ballot: Ballot, previous: Ballot | None,
                          change: Mapping[str, int]) -> Poll:
        """Store a ballot while its poll is open and, in the same atomic write, bump the poll's
        version and move its running tally: each option's count by `change` (worked out by the
        caller, bots.polls.tally.count_change), `voters` by one when `previous` is None;
        return the poll as stored.

        With `previous` None the voter must not have a ballot yet; otherwise the stored ballot
        must still equal `previous` and is replaced. Raise Conflict when the poll is not open,
        when the voter already voted, or when the stored ballot changed meanwhile; NotFound
        when the poll does not exist."""

    @abstractmethod
    async def get_ballot(self, poll_id: str, voter: str) -> Ballot | None: ...

    @abstractmethod
    async def get_ballots(self, keys: Sequence[tuple[str, str]]) -> list[Ballot]:
        """The ballots stored under these (poll id, voter) pairs, in one read."""

    @abstractmethod
    async def list_ballots(self, poll_ids: Sequence[str]) -> list[Ballot]:
        """Every ballot of these polls, by poll id then voter."""
