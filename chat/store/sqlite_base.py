"""SQLite plumbing shared by the backend's parts: WAL, one connection owned by one dedicated
thread, documents as JSON. Every call runs on that thread, so a write transaction
(BEGIN IMMEDIATE) is also atomic against other processes sharing the file.

A part of the backend is a subclass of `SqliteBase` with a `SCHEMA` class attribute; the
tables of every part in the class's MRO are created when the store opens."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel

from chat.errors import TEMPORARILY_UNAVAILABLE, Conflict, Unavailable

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def load(model: type[M], row: sqlite3.Row | None) -> M | None:
    return None if row is None else model.model_validate_json(row["doc"])


def changed(record: M, changes: Mapping[str, Any]) -> M:
    return type(record).model_validate({**record.model_dump(), **changes})


class SqliteBase:
    SCHEMA: ClassVar[str] = ""

    def __init__(self, path: Path, synchronous: str = "FULL") -> None:
        self._path = path
        self._synchronous = synchronous
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="linli-sqlite")
        self._conn: sqlite3.Connection | None = None
        self._closed = False

    # ---- plumbing ---------------------------------------------------------------------
    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        if self._closed:
            raise Unavailable(TEMPORARILY_UNAVAILABLE)

        def call() -> T:
            if self._conn is None:
                raise Unavailable(TEMPORARILY_UNAVAILABLE)
            try:
                return fn(self._conn)
            except sqlite3.IntegrityError as exc:
                raise Conflict(f"already exists: {exc}") from exc
            except sqlite3.OperationalError as exc:
                raise Unavailable(TEMPORARILY_UNAVAILABLE) from exc

        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    async def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        def tx(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

        return await self._run(tx)

    async def _one(self, model: type[M], sql: str, *args: Any) -> M | None:
        return await self._run(lambda c: load(model, c.execute(sql, args).fetchone()))

    async def _many(self, model: type[M], sql: str, *args: Any) -> list[M]:
        rows = await self._run(lambda c: c.execute(sql, args).fetchall())
        return [model.model_validate_json(r["doc"]) for r in rows]

    def _connect(self) -> None:
        self._path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        os.close(os.open(self._path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE))
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        self._make_private()
        conn.execute(f"PRAGMA synchronous={self._synchronous}")
        conn.execute("PRAGMA busy_timeout=5000")
        for part in reversed(type(self).__mro__):
            if "SCHEMA" in vars(part):
                conn.executescript(vars(part)["SCHEMA"])
        self._conn = conn

    def _make_private(self) -> None:
        """The file holds password hashes, phone numbers and webhook secrets: owner only,
        also for files an earlier version created (SQLite gives -wal and -shm the main file's
        mode when it creates them)."""
        for suffix in ("", "-wal", "-shm"):
            path = self._path.with_name(self._path.name + suffix)
            if path.exists() and stat.S_IMODE(path.stat().st_mode) != PRIVATE_FILE:
                path.chmod(PRIVATE_FILE)

    async def open(self) -> None:
        if self._conn is None:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._connect)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True

        def shut() -> None:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

        await asyncio.get_running_loop().run_in_executor(self._executor, shut)
        self._executor.shutdown(wait=True)

    async def ping(self) -> None:
        await self._run(lambda c: c.execute("SELECT 1").fetchone())

