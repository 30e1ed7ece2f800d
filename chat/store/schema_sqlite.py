"""SQLite schema versions and migrations. A migration is a function of the connection, run
inside the write transaction that records its number, so a crash leaves the old version and
its whole effect undone. The transaction is BEGIN IMMEDIATE: the first process to start
migrates while the others wait on SQLite's file lock, then find nothing left to do."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import ClassVar

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
from chat.store.sqlite_base import SqliteBase

log = logging.getLogger(__name__)
SqliteMigration = Callable[[sqlite3.Connection], None]
RETRY_SECONDS = 0.2


def recorded_version(conn: sqlite3.Connection) -> int:
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                    (META,)).fetchone() is None:
        return 0
    row = conn.execute(f"SELECT value FROM {META} WHERE key = ?", (SCHEMA_KEY,)).fetchone()
    return 0 if row is None else int(row[0])


def migrate(conn: sqlite3.Connection, migrations: Sequence[SqliteMigration],
            wait_seconds: float = MIGRATION_WAIT_SECONDS) -> list[int]:
    """Bring the database to len(migrations); the numbers of the migrations this call ran."""
    known = len(migrations)
    found = recorded_version(conn)
    if found > known:
        raise SchemaTooNew(found, known)
    if found == known:
        return []
    _begin_immediate(conn, wait_seconds)
    try:
        found = recorded_version(conn)  # another process may have migrated meanwhile
        if found > known:
            raise SchemaTooNew(found, known)
        ran = list(range(found + 1, known + 1))
        for number in ran:
            log.info("migrating the SQLite schema to version %d", number)
            migrations[number - 1](conn)
        conn.execute(f"INSERT INTO {META} (key, value) VALUES (?, ?) ON CONFLICT (key) "
                     "DO UPDATE SET value = excluded.value", (SCHEMA_KEY, str(known)))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return ran


def _begin_immediate(conn: sqlite3.Connection, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")  # waits busy_timeout for the lock each time
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise MigrationBusy() from exc
            log.warning("waiting for another process to finish migrating the database")
            time.sleep(RETRY_SECONDS)


def peek_version(path: str) -> int:
    """The version recorded in the file at `path`, read before anything writes to it."""
    conn = sqlite3.connect(path)
    try:
        return recorded_version(conn)
    finally:
        conn.close()


class SqliteSchema(SqliteBase, SchemaRecords):
    """Mixed in first by the composed store: its MIGRATIONS run whenever the store opens."""

    MIGRATIONS: ClassVar[Sequence[SqliteMigration]] = ()
    SCHEMA = f"CREATE TABLE IF NOT EXISTS {META} (key TEXT PRIMARY KEY, value TEXT NOT NULL);"

    def _connect(self) -> None:
        if self._path.exists() and self._path.stat().st_size > 0:
            found = peek_version(str(self._path))  # before any CREATE TABLE touches it
            if found > len(self.MIGRATIONS):
                raise SchemaTooNew(found, len(self.MIGRATIONS))
        super()._connect()
        assert self._conn is not None
        try:
            migrate(self._conn, self.MIGRATIONS)
        except BaseException:
            self._conn.close()
            self._conn = None
            raise

    async def schema_version(self) -> int:
        return await self._run(recorded_version)

    async def last_backup(self) -> LastBackup | None:
        row = await self._run(lambda c: c.execute(
            f"SELECT value FROM {META} WHERE key = ?", (LAST_BACKUP_KEY,)).fetchone())
        return None if row is None else LastBackup.model_validate_json(row[0])

    async def record_backup(self, backup: LastBackup) -> None:
        sql = (f"INSERT INTO {META} (key, value) VALUES (?, ?) ON CONFLICT (key) "
               "DO UPDATE SET value = excluded.value")
        await self._write(lambda c: c.execute(sql, (LAST_BACKUP_KEY, backup.model_dump_json())))
