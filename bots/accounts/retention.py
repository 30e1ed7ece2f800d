"""Retention of the webhook delivery log."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from datetime import datetime

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from chat.store.mongo_base import Doc, MongoBase, translated_errors
from chat.store.sqlite_base import SqliteBase, ms


class DeliveryRetention(ABC):
    @abstractmethod
    async def purge_deliveries(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` webhook deliveries created before `before`; how many."""


def sqlite_indexes(c: sqlite3.Connection) -> None:
    c.execute("CREATE INDEX IF NOT EXISTS webhook_deliveries_created "
              "ON webhook_deliveries (created_ms)")


async def mongo_indexes(db: AsyncDatabase[Doc]) -> None:
    await db["webhook_deliveries"].create_indexes([IndexModel(
        [("created_at", ASCENDING)], name="webhook_deliveries_created")])


class SqliteDeliveryRetention(SqliteBase, DeliveryRetention):
    async def purge_deliveries(self, before: datetime, limit: int) -> int:
        sql = ("DELETE FROM webhook_deliveries WHERE id IN "
               "(SELECT id FROM webhook_deliveries WHERE created_ms < ? LIMIT ?)")
        return await self._write(lambda c: c.execute(sql, (ms(before), limit)).rowcount)


class MongoDeliveryRetention(MongoBase, DeliveryRetention):
    async def purge_deliveries(self, before: datetime, limit: int) -> int:
        deliveries = self._col("webhook_deliveries")
        with translated_errors():
            ids = [d["_id"] async for d in deliveries.find({"created_at": {"$lt": before}},
                                                           ["_id"], limit=limit)]
            if not ids:
                return 0
            return (await deliveries.delete_many({"_id": {"$in": ids}})).deleted_count
