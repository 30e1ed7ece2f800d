"""The numbered schema migrations of each backend, in order: migration N brings a database
from version N-1 to N. A database made before versions were recorded is version 0. Never
change or reorder a migration that has shipped; append a new one.

The steps live beside the parts whose tables they change; this list only orders them."""

from __future__ import annotations

import sqlite3

from pymongo.asynchronous.database import AsyncDatabase

from bots.accounts import retention as delivery_retention
from chat.store import retention as chat_retention
from chat.store import room_names
from chat.store.mongo_base import Doc
from chat.store.schema_mongo import MongoMigration
from chat.store.schema_sqlite import SqliteMigration
from moderation.store import retention as draft_retention


def sqlite_1_retention_indexes(c: sqlite3.Connection) -> None:
    """Indexes on creation time for the retention sweep's deletes."""
    chat_retention.sqlite_indexes(c)
    draft_retention.sqlite_indexes(c)
    delivery_retention.sqlite_indexes(c)


async def mongo_1_retention_indexes(db: AsyncDatabase[Doc]) -> None:
    """Indexes on creation time for the retention sweep's deletes."""
    await chat_retention.mongo_indexes(db)
    await draft_retention.mongo_indexes(db)
    await delivery_retention.mongo_indexes(db)


SQLITE_MIGRATIONS: tuple[SqliteMigration, ...] = (sqlite_1_retention_indexes,
                                                  room_names.sqlite_rename)
MONGO_MIGRATIONS: tuple[MongoMigration, ...] = (mongo_1_retention_indexes,
                                                room_names.mongo_rename)
SCHEMA_VERSION = len(SQLITE_MIGRATIONS)
assert len(MONGO_MIGRATIONS) == SCHEMA_VERSION, "both backends share one version number"
