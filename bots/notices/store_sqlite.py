"""SQLite backend: the notices part."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bots.notices.models import Notice, NoticeAck
from bots.notices.store import NoticeStore
from chat.errors import Conflict, NotFound
from chat.store.sqlite_base import SqliteBase, load, ms

NOTICE_COLUMNS = "id, room_id, status, publish_ms, due_ms, version, doc"
KEPT_COUNTS = ("json_set(?, '$.acked_members', coalesce(json_extract(doc, '$.acked_members'), 0),"
               " '$.acked_households', coalesce(json_extract(doc, '$.acked_households'), 0))")
"""The saved document with the acknowledgement counts as stored (`add_ack` keeps them)."""
COUNT_ACK = ("UPDATE notices SET doc = json_set(doc,"
             " '$.acked_members', coalesce(json_extract(doc, '$.acked_members'), 0) + 1,"
             " '$.acked_households', coalesce(json_extract(doc, '$.acked_households'), 0) + ?)"
             " WHERE id = ?")


def _notice_row(n: Notice) -> tuple[Any, ...]:
    due = n.due_at
    return (n.id, n.room_id, n.status, ms(n.publish_at), ms(due) if due else None, n.version,
            n.model_dump_json())


def _first_of_household(c: sqlite3.Connection, ack: NoticeAck) -> bool:
    return ack.household is None or c.execute(
        "SELECT 1 FROM notice_acks WHERE household = ? AND notice_id = ? AND user_id != ?"
        " LIMIT 1", (ack.household, ack.notice_id, ack.user_id)).fetchone() is None


class SqliteNotices(SqliteBase, NoticeStore):
    SCHEMA = """
    CREATE TABLE IF NOT EXISTS notices (id TEXT PRIMARY KEY, room_id TEXT NOT NULL,
        status TEXT NOT NULL, publish_ms INTEGER NOT NULL, due_ms INTEGER,
        version INTEGER NOT NULL, doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS notices_room ON notices (room_id, status, publish_ms);
    CREATE INDEX IF NOT EXISTS notices_due ON notices (due_ms) WHERE due_ms IS NOT NULL;
    CREATE TABLE IF NOT EXISTS notice_acks (notice_id TEXT NOT NULL, user_id TEXT NOT NULL,
        household TEXT, doc TEXT NOT NULL, PRIMARY KEY (notice_id, user_id));
    CREATE INDEX IF NOT EXISTS notice_acks_household ON notice_acks (household, notice_id);
    """

    async def add_notice(self, notice: Notice) -> None:
        await self._write(lambda c: c.execute(
            f"INSERT INTO notices ({NOTICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            _notice_row(notice)))

    async def get_notice(self, notice_id: str) -> Notice | None:
        return await self._one(Notice, "SELECT doc FROM notices WHERE id = ?", notice_id)

    async def save_notice(self, notice: Notice) -> None:
        def tx(c: sqlite3.Connection) -> None:
            updated = c.execute(
                "UPDATE notices SET status = ?, publish_ms = ?, due_ms = ?, version = ?,"
                f" doc = {KEPT_COUNTS} WHERE id = ? AND version = ?",
                (*_notice_row(notice)[2:], notice.id, notice.version - 1)).rowcount
            if updated:
                return
            if c.execute("SELECT 1 FROM notices WHERE id = ?", (notice.id,)).fetchone() is None:
                raise NotFound(f"no notice {notice.id}")
            raise Conflict("the notice was changed meanwhile / 公告已被他人更新，请刷新")

        await self._write(tx)

    async def room_notices(self, room_id: str, *, pinned_only: bool, limit: int
                           ) -> list[Notice]:
        status = " AND status = 'pinned'" if pinned_only else ""
        return await self._many(
            Notice, f"SELECT doc FROM notices WHERE room_id = ?{status}"
            " ORDER BY publish_ms DESC, id DESC LIMIT ?", room_id, limit)

    async def due_notices(self, now: datetime, limit: int) -> list[Notice]:
        return await self._many(
            Notice, "SELECT doc FROM notices WHERE due_ms IS NOT NULL AND due_ms <= ?"
            " ORDER BY due_ms, id LIMIT ?", ms(now), limit)

    async def add_ack(self, ack: NoticeAck) -> tuple[NoticeAck, bool]:
        def tx(c: sqlite3.Connection) -> tuple[NoticeAck, bool]:
            created = c.execute(
                "INSERT OR IGNORE INTO notice_acks VALUES (?, ?, ?, ?)",
                (ack.notice_id, ack.user_id, ack.household, ack.model_dump_json())).rowcount
            if created:
                c.execute(COUNT_ACK, (int(_first_of_household(c, ack)), ack.notice_id))
            row = c.execute("SELECT doc FROM notice_acks WHERE notice_id = ? AND user_id = ?",
                            (ack.notice_id, ack.user_id)).fetchone()
            stored = load(NoticeAck, row)
            assert stored is not None
            return stored, created == 1

        return await self._write(tx)

    async def list_acks(self, notice_id: str) -> list[NoticeAck]:
        return await self._many(
            NoticeAck, "SELECT doc FROM notice_acks WHERE notice_id = ? ORDER BY user_id",
            notice_id)

    async def acks_for(self, notice_ids: Sequence[str], user_id: str,
                       household: str | None) -> list[NoticeAck]:
        if not notice_ids:
            return []
        marks = ", ".join("?" * len(notice_ids))
        return await self._many(
            NoticeAck, f"SELECT doc FROM notice_acks WHERE notice_id IN ({marks})"
            " AND (user_id = ? OR household = ?) ORDER BY notice_id, user_id",
            *notice_ids, user_id, household)
