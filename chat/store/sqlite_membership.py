"""SQLite backend: each community's membership version, bumped in the same transaction as
every write that changes who is in its rooms or how they are named (so a process holding a
cache of the community's rooms knows with one read whether the cache still holds)."""

from __future__ import annotations

import sqlite3

from chat.store.sqlite_base import SqliteBase


def bump_membership(c: sqlite3.Connection, *community_ids: str | None) -> None:
    """Inside a write transaction: one more change to the members of these communities."""
    for community_id in {cid for cid in community_ids if cid is not None}:
        c.execute("INSERT INTO membership_versions (community_id, version) VALUES (?, 1) "
                  "ON CONFLICT (community_id) DO UPDATE SET version = version + 1",
                  (community_id,))


class SqliteMembership(SqliteBase):
    SCHEMA = """
    CREATE TABLE IF NOT EXISTS membership_versions (community_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL);
    """

    async def membership_version(self, community_id: str) -> int:
        sql = "SELECT version FROM membership_versions WHERE community_id = ?"
        row = await self._run(lambda c: c.execute(sql, (community_id,)).fetchone())
        return int(row["version"]) if row is not None else 0
