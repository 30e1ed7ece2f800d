"""The store interface of this part (composed into chat.store.base.Store)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
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
    async def list_decisions(self, room_ids: Sequence[str], limit: int,
                             offset: int) -> list[Poll]:
        """Closed polls of these rooms, most recently closed first."""

    @abstractmethod
    async def cast_ballot(self, ballot: Ballot, previous: Ballot | None) -> None:
        """Store a ballot while its poll is open, and bump the poll's version.

        With `previous` None the voter must not have a ballot yet; otherwise the stored ballot
        must still equal `previous` and is replaced. Raise Conflict when the poll is not open,
        when the voter already voted, or when the stored ballot changed meanwhile; NotFound
        when the poll does not exist."""

    @abstractmethod
    async def get_ballot(self, poll_id: str, voter: str) -> Ballot | None: ...

    @abstractmethod
    async def list_ballots(self, poll_id: str) -> list[Ballot]: ...
