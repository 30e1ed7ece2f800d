"""Retention of the chat core's history: old messages and audit entries are deleted in small
batches (a short write lock each). A room's newest message is always kept, because the next
message's `seq` is the room's highest + 1: deleting it would hand out a number again.

The indexes that make these deletes cheap are created by a migration (web.migrations), from
the functions here."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from datetime import datetime

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from chat.store.mongo_base import Doc, MongoBase, translated_errors
from chat.store.sqlite_base import SqliteBase, ms

MESSAGE_CREATED_MS = ("CAST(ROUND((julianday(json_extract(doc, '$.created_at')) - 2440587.5)"
                      " * 86400000) AS INTEGER)")


class ChatRetention(ABC):
    @abstractmethod
    async def purge_messages(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` messages created before `before`, never a room's newest;
        how many were deleted."""

    @abstractmethod
    async def purge_audit(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` audit entries made before `before`; how many."""


def sqlite_indexes(c: sqlite3.Connection) -> None:
    c.execute("ALTER TABLE messages ADD COLUMN created_ms INTEGER "
              f"GENERATED ALWAYS AS ({MESSAGE_CREATED_MS}) VIRTUAL")
    c.execute("CREATE INDEX IF NOT EXISTS messages_created ON messages (created_ms)")
    c.execute("CREATE INDEX IF NOT EXISTS audit_at ON audit (at_ms)")


async def mongo_indexes(db: AsyncDatabase[Doc]) -> None:
    await db["messages"].create_indexes([
        IndexModel([("created_at", ASCENDING)], name="messages_created"),
        IndexModel([("room_id", ASCENDING), ("created_at", ASCENDING)],
                   name="messages_room_created")])
    await db["audit"].create_indexes([IndexModel([("at", ASCENDING)], name="audit_at")])


class SqliteChatRetention(SqliteBase, ChatRetention):
    async def purge_messages(self, before: datetime, limit: int) -> int:
        sql = """DELETE FROM messages WHERE id IN (
            SELECT m.id FROM messages m WHERE m.created_ms < ?
            AND m.seq < (SELECT MAX(x.seq) FROM messages x WHERE x.room_id = m.room_id)
            LIMIT ?)"""
        return await self._write(lambda c: c.execute(sql, (ms(before), limit)).rowcount)

    async def purge_audit(self, before: datetime, limit: int) -> int:
        sql = "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at_ms < ? LIMIT ?)"
        return await self._write(lambda c: c.execute(sql, (ms(before), limit)).rowcount)


class MongoChatRetention(MongoBase, ChatRetention):
    async def purge_messages(self, before: datetime, limit: int) -> int:
        messages = self._col("messages")
        deleted = 0
        with translated_errors():
            rooms = await messages.distinct("room_id", {"created_at": {"$lt": before}})
            for room_id in rooms:
                newest = await messages.find_one({"room_id": room_id}, ["seq"],
                                                 sort=[("seq", DESCENDING)])
                if newest is None:
                    continue
                old = {"room_id": room_id, "created_at": {"$lt": before},
                       "seq": {"$lt": newest["seq"]}}
                ids = [d["_id"] async for d in messages.find(old, ["_id"],
                                                             limit=limit - deleted)]
                if ids:
                    deleted += (await messages.delete_many({"_id": {"$in": ids}})).deleted_count
                if deleted >= limit:
                    break
        return deleted

    async def purge_audit(self, before: datetime, limit: int) -> int:
        audit = self._col("audit")
        with translated_errors():
            ids = [d["_id"] async for d in audit.find({"at": {"$lt": before}}, ["_id"],
                                                      limit=limit)]
            return (await audit.delete_many({"_id": {"$in": ids}})).deleted_count if ids else 0
