"""MongoDB schema versions and migrations. One process migrates while the others wait: it
holds a lock document in `linli_meta` that expires (by the real time of the clock it is
given, as every process sharing the database reads it), so a process that died while migrating
does not block the others for ever. Migrations must be safe to run again (create an index,
not insert a document), since one that ran before a crash is not recorded as done."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import ClassVar

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chat.clock import Clock
from chat.store.mongo_base import Doc, MongoBase, translated_errors
from chat.store.schema import (
    LAST_BACKUP_KEY,
    META,
    MIGRATION_WAIT_SECONDS,
    SCHEMA_KEY,
    LastBackup,
    MigrationBusy,
    SchemaRecords,
    SchemaTooNew,
)

log = logging.getLogger(__name__)
MongoMigration = Callable[[AsyncDatabase[Doc]], Awaitable[None]]
LOCK_KEY = "migration_lock"
LOCK_SECONDS = 120.0
RETRY_SECONDS = 0.2


async def recorded_version(db: AsyncDatabase[Doc]) -> int:
    doc = await db[META].find_one({"_id": SCHEMA_KEY})
    return 0 if doc is None else int(doc["value"])


async def migrate(db: AsyncDatabase[Doc], migrations: Sequence[MongoMigration], clock: Clock,
                  wait_seconds: float = MIGRATION_WAIT_SECONDS) -> list[int]:
    """Bring the database to len(migrations); the numbers of the migrations this call ran."""
    known = len(migrations)
    found = await recorded_version(db)
    if found > known:
        raise SchemaTooNew(found, known)
    if found == known:
        return []
    holder = secrets.token_hex(8)
    await _lock(db, holder, clock, wait_seconds)
    try:
        found = await recorded_version(db)  # another process may have migrated meanwhile
        if found > known:
            raise SchemaTooNew(found, known)
        ran = list(range(found + 1, known + 1))
        for number in ran:
            log.info("migrating the MongoDB schema to version %d", number)
            await migrations[number - 1](db)
            await db[META].update_one({"_id": SCHEMA_KEY}, {"$set": {"value": number}},
                                      upsert=True)
            await _renew(db, holder, clock)
        return ran
    finally:
        await db[META].delete_one({"_id": LOCK_KEY, "holder": holder})


async def _lock(db: AsyncDatabase[Doc], holder: str, clock: Clock, wait_seconds: float
                ) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        now = clock.now()
        expiry = now + timedelta(seconds=LOCK_SECONDS)
        try:
            await db[META].insert_one({"_id": LOCK_KEY, "holder": holder, "expires_at": expiry})
            return
        except DuplicateKeyError:
            taken = await db[META].find_one_and_update(
                {"_id": LOCK_KEY, "expires_at": {"$lt": now}},
                {"$set": {"holder": holder, "expires_at": expiry}})
            if taken is not None:
                log.warning("took over an expired migration lock")
                return
        if time.monotonic() > deadline:
            raise MigrationBusy()
        log.info("waiting for another process to finish migrating the database")
        await asyncio.sleep(RETRY_SECONDS)


async def _renew(db: AsyncDatabase[Doc], holder: str, clock: Clock) -> None:
    expiry = clock.now() + timedelta(seconds=LOCK_SECONDS)
    await db[META].update_one({"_id": LOCK_KEY, "holder": holder},
                              {"$set": {"expires_at": expiry}})


class MongoSchema(MongoBase, SchemaRecords):
    """Mixed in first by the composed store: its MIGRATIONS run whenever the store opens,
    under a lock timed by its LOCK_CLOCK."""

    MIGRATIONS: ClassVar[Sequence[MongoMigration]] = ()
    LOCK_CLOCK: ClassVar[Clock]

    async def open(self) -> None:
        if self._client is not None:
            return
        await super().open()
        try:
            with translated_errors():
                await migrate(self._db(), self.MIGRATIONS, self.LOCK_CLOCK)
        except BaseException:
            await self.close()
            raise

    async def schema_version(self) -> int:
        with translated_errors():
            return await recorded_version(self._db())

    async def last_backup(self) -> LastBackup | None:
        with translated_errors():
            doc = await self._col(META).find_one({"_id": LAST_BACKUP_KEY})
        return None if doc is None else LastBackup.model_validate(doc["value"])

    async def record_backup(self, backup: LastBackup) -> None:
        with translated_errors():
            await self._col(META).update_one(
                {"_id": LAST_BACKUP_KEY}, {"$set": {"value": backup.model_dump()}}, upsert=True)
