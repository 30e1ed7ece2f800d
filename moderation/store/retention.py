"""Retention of detection drafts: a draft nobody confirmed, or one dismissed, goes after the
configured days, with its message claims (so the message may be reported again)."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from datetime import datetime

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from chat.store.mongo_base import Doc, MongoBase, translated_errors
from chat.store.sqlite_base import SqliteBase, ms
from moderation.models import TicketStatus

DRAFT_STATUSES: tuple[TicketStatus, ...] = ("draft", "dismissed")


class DraftRetention(ABC):
    @abstractmethod
    async def purge_drafts(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` drafts (pending or dismissed) created before `before`."""


def sqlite_indexes(c: sqlite3.Connection) -> None:
    c.execute("CREATE INDEX IF NOT EXISTS tickets_status_created ON tickets (status, created_ms)")
    c.execute("CREATE INDEX IF NOT EXISTS ticket_messages_ticket ON ticket_messages (ticket_id)")
    c.execute("CREATE INDEX IF NOT EXISTS message_claims_ticket ON message_claims (ticket_id)")


async def mongo_indexes(db: AsyncDatabase[Doc]) -> None:
    await db["tickets"].create_indexes([IndexModel(
        [("status", ASCENDING), ("created_at", ASCENDING)], name="tickets_status_created")])
    await db["message_claims"].create_indexes([IndexModel([("ticket_id", ASCENDING)],
                                                          name="message_claims_ticket")])


class SqliteDraftRetention(SqliteBase, DraftRetention):
    async def purge_drafts(self, before: datetime, limit: int) -> int:
        marks = ", ".join("?" * len(DRAFT_STATUSES))
        pick = (f"SELECT id FROM tickets WHERE status IN ({marks}) AND created_ms < ? LIMIT ?")

        def tx(c: sqlite3.Connection) -> int:
            ids = [r[0] for r in c.execute(pick, (*DRAFT_STATUSES, ms(before), limit))]
            rows = [(i,) for i in ids]
            c.executemany("DELETE FROM message_claims WHERE ticket_id = ?", rows)
            c.executemany("DELETE FROM ticket_messages WHERE ticket_id = ?", rows)
            c.executemany("DELETE FROM tickets WHERE id = ?", rows)
            return len(ids)

        return await self._write(tx)


class MongoDraftRetention(MongoBase, DraftRetention):
    async def purge_drafts(self, before: datetime, limit: int) -> int:
        query = {"status": {"$in": list(DRAFT_STATUSES)}, "created_at": {"$lt": before}}
        with translated_errors():
            ids = [d["_id"] async for d in self._col("tickets").find(query, ["_id"],
                                                                     limit=limit)]
            if not ids:
                return 0
            await self._col("message_claims").delete_many({"ticket_id": {"$in": ids}})
            return (await self._col("tickets").delete_many({"_id": {"$in": ids}})).deleted_count
