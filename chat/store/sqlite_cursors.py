"""SQLite backend: the message consumers' part (cursors and leases, see chat.follow.store)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import datetime

from chat.follow.store import FollowStore
from chat.store.sqlite_base import SqliteBase, ms


class SqliteCursors(SqliteBase, FollowStore):
    SCHEMA = """
    CREATE TABLE IF NOT EXISTS follow_consumers (consumer TEXT PRIMARY KEY,
        started_ms INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS follow_cursors (consumer TEXT NOT NULL, room_id TEXT NOT NULL,
        seq INTEGER NOT NULL, PRIMARY KEY (consumer, room_id));
    CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL,
        until_ms INTEGER NOT NULL);
    """

    async def follow_cursors(self, consumer: str) -> dict[str, int] | None:
        def read(c: sqlite3.Connection) -> dict[str, int] | None:
            if c.execute("SELECT 1 FROM follow_consumers WHERE consumer = ?",
                         (consumer,)).fetchone() is None:
                return None
            rows = c.execute("SELECT room_id, seq FROM follow_cursors WHERE consumer = ?",
                             (consumer,)).fetchall()
            return {r["room_id"]: r["seq"] for r in rows}

        return await self._run(read)

    async def start_follow(self, consumer: str, seqs: Mapping[str, int],
                           started_at: datetime) -> bool:
        def tx(c: sqlite3.Connection) -> bool:
            inserted = c.execute(
                "INSERT INTO follow_consumers VALUES (?, ?) ON CONFLICT (consumer) DO NOTHING",
                (consumer, ms(started_at))).rowcount
            if not inserted:
                return False
            c.executemany("INSERT INTO follow_cursors VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                          [(consumer, room, seq) for room, seq in seqs.items()])
            return True

        return await self._write(tx)

    async def advance_follow(self, consumer: str, room_id: str, seq: int) -> int:
        def tx(c: sqlite3.Connection) -> int:
            c.execute("INSERT INTO follow_cursors VALUES (?, ?, ?) ON CONFLICT (consumer, room_id)"
                      " DO UPDATE SET seq = MAX(seq, excluded.seq)", (consumer, room_id, seq))
            sql = "SELECT seq FROM follow_cursors WHERE consumer = ? AND room_id = ?"
            return int(c.execute(sql, (consumer, room_id)).fetchone()[0])

        return await self._write(tx)

    async def take_lease(self, name: str, holder: str, now: datetime, until: datetime) -> bool:
        sql = ("INSERT INTO leases VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE"
               " SET holder = excluded.holder, until_ms = excluded.until_ms"
               " WHERE leases.until_ms <= ? OR leases.holder = excluded.holder")
        args = (name, holder, ms(until), ms(now))
        return bool(await self._write(lambda c: c.execute(sql, args).rowcount))

    async def drop_lease(self, name: str, holder: str) -> None:
        sql = "DELETE FROM leases WHERE name = ? AND holder = ?"
        await self._write(lambda c: c.execute(sql, (name, holder)))
