"""The store interface of this part (composed into web.stores.Store)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from bots.directory.models import DirectoryEntry


class DirectoryStore(ABC):
    @abstractmethod
    async def add_directory_entry(self, entry: DirectoryEntry) -> None:
        """Raise Conflict when the id, or the name within the community, is taken."""

    @abstractmethod
    async def get_directory_entry(self, entry_id: str) -> DirectoryEntry | None: ...

    @abstractmethod
    async def update_directory_entry(self, entry: DirectoryEntry) -> None:
        """Replace the stored entry with this id; NotFound if there is none, Conflict if the
        new name is taken by another entry of the community."""

    @abstractmethod
    async def delete_directory_entry(self, entry_id: str) -> bool:
        """Whether an entry was deleted."""

    @abstractmethod
    async def list_directory_entries(self, community_id: str, category: str | None = None
                                     ) -> list[DirectoryEntry]:
        """The community's entries (of one category), ordered by name."""

    @abstractmethod
    async def upsert_directory_entries(self, entries: Sequence[DirectoryEntry]
                                       ) -> tuple[int, int]:
        """Store each entry by (community_id, name): insert it, or replace the entry of that
        name keeping its id and created_at. Return (created, updated)."""
