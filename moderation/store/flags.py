"""The store interface of flags (composed into moderation.store.base.ModerationStore): a
resident's report of a message, open until staff handle it once."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from moderation.models import Flag


class FlagStore(ABC):
    @abstractmethod
    async def add_flag(self, flag: Flag) -> None: ...

    @abstractmethod
    async def get_flag(self, flag_id: str) -> Flag | None: ...

    @abstractmethod
    async def handle_flag(self, flag: Flag) -> bool:
        """Store the handled flag unless it was handled already; True when stored."""

    @abstractmethod
    async def list_flags(self, room_ids: Sequence[str], open_only: bool, limit: int) -> list[Flag]:
        """Flags of these rooms, newest first."""
