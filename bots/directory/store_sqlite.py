"""SQLite backend: the directory part."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from bots.directory.models import DirectoryEntry
from bots.directory.store import DirectoryStore
from chat.errors import NotFound
from chat.store.sqlite_base import SqliteBase, load


def _row(e: DirectoryEntry) -> tuple[Any, ...]:
    return e.id, e.community_id, e.category, e.name, e.model_dump_json()


def _upsert(c: sqlite3.Connection, entry: DirectoryEntry) -> bool:
    """Whether the entry was created (rather than replacing the one of the same name)."""
    row = c.execute("SELECT doc FROM directory WHERE community_id = ? AND name = ?",
                    (entry.community_id, entry.name)).fetchone()
    old = load(DirectoryEntry, row)
    if old is None:
        c.execute("INSERT INTO directory VALUES (?, ?, ?, ?, ?)", _row(entry))
        return True
    new = entry.model_copy(update={"id": old.id, "created_at": old.created_at})
    c.execute("UPDATE directory SET category = ?, doc = ? WHERE id = ?",
              (new.category, new.model_dump_json(), old.id))
    return False


class SqliteDirectory(SqliteBase, DirectoryStore):
    SCHEMA = """
    CREATE TABLE IF NOT EXISTS directory (id TEXT PRIMARY KEY, community_id TEXT NOT NULL,
        category TEXT NOT NULL, name TEXT NOT NULL, doc TEXT NOT NULL,
        UNIQUE (community_id, name));
    CREATE INDEX IF NOT EXISTS directory_category ON directory (community_id, category, name);
    """

    async def add_directory_entry(self, entry: DirectoryEntry) -> None:
        await self._write(lambda c: c.execute("INSERT INTO directory VALUES (?, ?, ?, ?, ?)",
                                              _row(entry)))

    async def get_directory_entry(self, entry_id: str) -> DirectoryEntry | None:
        return await self._one(DirectoryEntry, "SELECT doc FROM directory WHERE id = ?",
                               entry_id)

    async def update_directory_entry(self, entry: DirectoryEntry) -> None:
        def tx(c: sqlite3.Connection) -> None:
            updated = c.execute(
                "UPDATE directory SET community_id = ?, category = ?, name = ?, doc = ?"
                " WHERE id = ?", (*_row(entry)[1:], entry.id)).rowcount
            if not updated:
                raise NotFound(f"no directory entry {entry.id}")

        await self._write(tx)

    async def delete_directory_entry(self, entry_id: str) -> bool:
        deleted = await self._write(lambda c: c.execute(
            "DELETE FROM directory WHERE id = ?", (entry_id,)).rowcount)
        return bool(deleted)

    async def list_directory_entries(self, community_id: str, category: str | None = None
                                     ) -> list[DirectoryEntry]:
        if category is None:
            return await self._many(
                DirectoryEntry, "SELECT doc FROM directory WHERE community_id = ?"
                " ORDER BY name, id", community_id)
        return await self._many(
            DirectoryEntry, "SELECT doc FROM directory WHERE community_id = ? AND category = ?"
            " ORDER BY name, id", community_id, category)

    async def upsert_directory_entries(self, entries: Sequence[DirectoryEntry]
                                       ) -> tuple[int, int]:
        def tx(c: sqlite3.Connection) -> tuple[int, int]:
            created = sum(_upsert(c, e) for e in entries)
            return created, len(entries) - created

        return await self._write(tx)
