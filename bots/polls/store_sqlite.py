"""SQLite backend: the polls part. A ballot, its poll's version bump and running tally share
one transaction, so closing (a compare-and-swap on the version) never misses a ballot."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime

from bots.polls.models import Ballot, Poll
from bots.polls.store import PollStore
from chat.errors import Conflict, NotFound
from chat.store.sqlite_base import SqliteBase, changed, load, ms

POLL_COLUMNS = ("id, room_id, community_id, status, deadline_ms, created_ms, closed_ms, version,"
                " doc")


UNANNOUNCED = "status = 'closed' AND json_extract(doc, '$.announced_at') IS NULL"


def _poll_row(p: Poll) -> tuple[object, ...]:
    return (p.id, p.room_id, p.community_id, p.status, ms(p.deadline), ms(p.created_at),
            ms(p.closed_at) if p.closed_at else None, p.version, p.model_dump_json())


def _moved(poll: Poll, change: Mapping[str, int], new_voter: bool) -> Poll:
    """The poll record with its running tally moved (as MongoDB's $inc does)."""
    counts = dict(poll.counts)
    for option_id, n in change.items():
        counts[option_id] = counts.get(option_id, 0) + n
    return poll.model_copy(update={"counts": counts, "version": poll.version + 1,
                                   "voters": poll.voters + (1 if new_voter else 0)})


class SqlitePolls(SqliteBase, PollStore):
    SCHEMA = f"""
    CREATE TABLE IF NOT EXISTS polls (id TEXT PRIMARY KEY, room_id TEXT NOT NULL,
        community_id TEXT NOT NULL, status TEXT NOT NULL, deadline_ms INTEGER NOT NULL,
        created_ms INTEGER NOT NULL, closed_ms INTEGER, version INTEGER NOT NULL,
        doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS polls_room ON polls (room_id, created_ms);
    CREATE INDEX IF NOT EXISTS polls_due ON polls (status, deadline_ms);
    CREATE INDEX IF NOT EXISTS polls_closed ON polls (room_id, status, closed_ms);
    CREATE INDEX IF NOT EXISTS polls_unannounced ON polls (closed_ms) WHERE {UNANNOUNCED};
    CREATE TABLE IF NOT EXISTS ballots (poll_id TEXT NOT NULL, voter TEXT NOT NULL,
        doc TEXT NOT NULL, PRIMARY KEY (poll_id, voter));
    """

    async def add_poll(self, poll: Poll) -> None:
        sql = f"INSERT INTO polls ({POLL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        args = _poll_row(poll)
        await self._write(lambda c: c.execute(sql, args))

    async def get_poll(self, poll_id: str) -> Poll | None:
        return await self._one(Poll, "SELECT doc FROM polls WHERE id = ?", poll_id)

    async def save_poll(self, poll: Poll) -> None:
        def tx(c: sqlite3.Connection) -> None:
            row = c.execute("SELECT version FROM polls WHERE id = ?", (poll.id,)).fetchone()
            if row is None:
                raise NotFound(f"no poll {poll.id}")
            if row["version"] != poll.version - 1:
                raise Conflict("the poll was changed meanwhile / 表决已变化，请刷新")
            c.execute(f"REPLACE INTO polls ({POLL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      _poll_row(poll))

        await self._write(tx)

    async def list_polls(self, room_id: str, limit: int) -> list[Poll]:
        sql = "SELECT doc FROM polls WHERE room_id = ? ORDER BY created_ms DESC, id DESC LIMIT ?"
        return await self._many(Poll, sql, room_id, limit)

    async def due_polls(self, now: datetime, limit: int) -> list[Poll]:
        sql = ("SELECT doc FROM polls WHERE status = 'open' AND deadline_ms <= ?"
               " ORDER BY deadline_ms, id LIMIT ?")
        return await self._many(Poll, sql, ms(now), limit)

    async def unannounced_polls(self, since: datetime, until: datetime,
                                limit: int) -> list[Poll]:
        sql = (f"SELECT doc FROM polls WHERE {UNANNOUNCED} AND closed_ms BETWEEN ? AND ?"
               " ORDER BY closed_ms, id LIMIT ?")
        return await self._many(Poll, sql, ms(since), ms(until), limit)

    async def mark_announced(self, poll_id: str, at: datetime) -> bool:
        def tx(c: sqlite3.Connection) -> bool:
            poll = load(Poll, c.execute("SELECT doc FROM polls WHERE id = ?",
                                        (poll_id,)).fetchone())
            if poll is None or poll.announced_at is not None:
                return False
            c.execute("UPDATE polls SET doc = ? WHERE id = ?",
                      (changed(poll, {"announced_at": at}).model_dump_json(), poll_id))
            return True

        return await self._write(tx)

    async def list_decisions(self, room_ids: Sequence[str], limit: int,
                             offset: int) -> list[Poll]:
        if not room_ids:
            return []
        marks = ", ".join("?" * len(room_ids))
        sql = (f"SELECT doc FROM polls WHERE room_id IN ({marks}) AND status = 'closed'"
               " ORDER BY closed_ms DESC, id DESC LIMIT ? OFFSET ?")
        return await self._many(Poll, sql, *room_ids, limit, offset)

    async def cast_ballot(self, ballot: Ballot, previous: Ballot | None,
                          change: Mapping[str, int]) -> Poll:
        def tx(c: sqlite3.Connection) -> Poll:
            poll = load(Poll, c.execute("SELECT doc FROM polls WHERE id = ?",
                                        (ballot.poll_id,)).fetchone())
            if poll is None:
                raise NotFound(f"no poll {ballot.poll_id}")
            if poll.status != "open":
                raise Conflict("the poll is closed / 表决已结束")
            stored = load(Ballot, c.execute(
                "SELECT doc FROM ballots WHERE poll_id = ? AND voter = ?",
                (ballot.poll_id, ballot.voter)).fetchone())
            if stored != previous:
                raise Conflict("already voted / 已投票")
            c.execute("REPLACE INTO ballots (poll_id, voter, doc) VALUES (?, ?, ?)",
                      (ballot.poll_id, ballot.voter, ballot.model_dump_json()))
            after = _moved(poll, change, new_voter=previous is None)
            c.execute("UPDATE polls SET version = ?, doc = ? WHERE id = ?",
                      (after.version, after.model_dump_json(), after.id))
            return after

        return await self._write(tx)

    async def get_ballot(self, poll_id: str, voter: str) -> Ballot | None:
        sql = "SELECT doc FROM ballots WHERE poll_id = ? AND voter = ?"
        return await self._one(Ballot, sql, poll_id, voter)

    async def get_ballots(self, keys: Sequence[tuple[str, str]]) -> list[Ballot]:
        if not keys:
            return []
        marks = ", ".join("(?, ?)" for _ in keys)
        sql = f"SELECT doc FROM ballots WHERE (poll_id, voter) IN (VALUES {marks})"
        return await self._many(Ballot, sql, *(part for key in keys for part in key))

    async def list_ballots(self, poll_ids: Sequence[str]) -> list[Ballot]:
        if not poll_ids:
            return []
        marks = ", ".join("?" * len(poll_ids))
        sql = f"SELECT doc FROM ballots WHERE poll_id IN ({marks}) ORDER BY poll_id, voter"
        return await self._many(Ballot, sql, *poll_ids)
