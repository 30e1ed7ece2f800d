"""The store interface of this part (composed into web.stores.Store)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime

from bots.notices.models import Notice, NoticeAck


class NoticeStore(ABC):
    @abstractmethod
    async def add_notice(self, notice: Notice) -> None:
        """Raise Conflict when the id is taken."""

    @abstractmethod
    async def get_notice(self, notice_id: str) -> Notice | None: ...

    @abstractmethod
    async def save_notice(self, notice: Notice) -> None:
        """Replace the notice if the stored version is `notice.version - 1`; otherwise raise
        Conflict (someone else changed it first), or NotFound if there is none. The
        acknowledgement counts stay as stored (only `add_ack` changes them)."""

    @abstractmethod
    async def room_notices(self, room_id: str, *, pinned_only: bool, limit: int
                           ) -> list[Notice]:
        """The room's notices, latest `publish_at` first."""

    @abstractmethod
    async def due_notices(self, now: datetime, limit: int) -> list[Notice]:
        """Notices whose `due_at` is at or before `now`, earliest first."""

    @abstractmethod
    async def add_ack(self, ack: NoticeAck) -> tuple[NoticeAck, bool]:
        """Store the acknowledgement unless that person already acknowledged; return the
        stored one and whether it is new. A new one is counted on its notice in the same
        atomic step: `acked_members` + 1, and `acked_households` + 1 when it is the first of
        its household (someone without a household is a household alone)."""

    @abstractmethod
    async def list_acks(self, notice_id: str) -> list[NoticeAck]: ...

    @abstractmethod
    async def acks_for(self, notice_ids: Sequence[str], user_id: str,
                       household: str | None) -> list[NoticeAck]:
        """Acknowledgements of these notices by the person or anyone of their household."""
