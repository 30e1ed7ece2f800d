"""Schema versions on every backend: a version-0 database (every deployment before versions)
is migrated when a store opens, a newer one is refused untouched, and of processes starting
at once one migrates while the others wait."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from chat.models import NewMessage, Room
from chat.store import schema_mongo, schema_sqlite
from chat.store.mongo_base import Doc
from chat.store.schema import META, SchemaTooNew
from tests.support.fakes import FakeClock
from tests.support.schema_v0 import forget_version, set_version, v0_store
from tests.support.stores import StoreTarget
from web.migrations import SCHEMA_VERSION
from web.stores import Store

T0 = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
RETENTION_INDEXES = {"messages_created", "audit_at", "tickets_status_created",
                     "webhook_deliveries_created"}


async def say(store: Store, text: str) -> None:
    await store.append_message(NewMessage(
        id=f"m-{text}", room_id="r1", sender_id="u1", sender_name="张伟",
        sender_role="resident", client_id=text, text=text, created_at=T0))


async def index_names(target: StoreTarget) -> set[str]:
    if target.sqlite_path is not None:
        with closing(sqlite3.connect(target.sqlite_path)) as conn:
            return {r[0] for r in conn.execute("SELECT name FROM sqlite_master "
                                               "WHERE type = 'index'")}
    client: AsyncMongoClient[Doc] = AsyncMongoClient(target.mongo_url)
    try:
        db = client[str(target.mongo_database)]
        names: set[str] = set()
        for collection in ("messages", "audit", "tickets", "webhook_deliveries"):
            names |= {ix["name"] async for ix in await db[collection].list_indexes()}
        return names
    finally:
        await client.close()


async def test_a_version_0_database_is_migrated_on_open(store_target: StoreTarget) -> None:
    old = v0_store(store_target)
    await old.open()
    await say(old, "旧消息")
    await say(old, "最新")
    await old.close()
    forget_version(store_target)
    assert not RETENTION_INDEXES & await index_names(store_target)

    store = store_target.new()
    await store.open()
    try:
        assert await store.schema_version() == SCHEMA_VERSION == 2
        assert [m.text for m in await store.history("r1", None, 10)] == ["旧消息", "最新"]
        # migration 1's index serves the purge of rows written before it existed
        assert await store.purge_messages(T0 + timedelta(days=1), 10) == 1
    finally:
        await store.close()
    assert await index_names(store_target) >= RETENTION_INDEXES


async def test_migration_2_stops_room_names_repeating_the_units_kind(
        store_target: StoreTarget) -> None:
    old = v0_store(store_target)
    await old.open()
    rooms = {"grid:g1": ("grid", "第一网格网格议事会"), "grid:g2": ("grid", "东区议事会"),
             "community:c1": ("community", "幸福社区社区议事厅"),
             "workers:c1": ("workers", "幸福社区网格员工作群")}
    for room_id, (kind, name) in rooms.items():
        await old.add_room(Room(id=room_id, kind=kind, name=name, community_id="c1",
                                grid_id="g1" if kind == "grid" else None, created_at=T0))
    await old.close()
    forget_version(store_target)

    store = store_target.new()
    await store.open()
    try:
        names = {r.id: r.name for r in await store.list_rooms("c1")}
    finally:
        await store.close()
    assert names == {"grid:g1": "第一网格议事会", "grid:g2": "东区议事会",
                     "community:c1": "幸福社区议事厅", "workers:c1": "幸福社区网格员工作群"}


async def test_a_newer_schema_is_refused_untouched(store_target: StoreTarget) -> None:
    store = store_target.new()
    await store.open()
    await say(store, "在")
    await store.close()
    set_version(store_target, SCHEMA_VERSION + 1)

    with pytest.raises(SchemaTooNew) as refused:
        await store_target.new().open()
    assert "拒绝启动" in str(refused.value) and "refusing to start" in str(refused.value)
    old = v0_store(store_target)  # a store without migrations only reads the version
    with pytest.raises(SchemaTooNew):
        await old.open()


SLOW_SECONDS = 0.5


def test_sqlite_processes_starting_at_once_migrate_once(tmp_path: Path) -> None:
    path = f"{tmp_path}/linli.sqlite3"

    def slow(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE runs (at REAL)")  # a second run would fail here
        time.sleep(SLOW_SECONDS)
        conn.execute("INSERT INTO runs VALUES (?)", (time.time(),))

    with closing(sqlite3.connect(path, isolation_level=None)) as conn:  # as the stores open
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"CREATE TABLE {META} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")

    def start() -> list[int]:  # a short busy timeout: the waiting must be migrate's own
        with closing(sqlite3.connect(path, isolation_level=None, timeout=0.05)) as conn:
            return schema_sqlite.migrate(conn, [slow], wait_seconds=10)

    async def both() -> list[list[int]]:
        return list(await asyncio.gather(asyncio.to_thread(start), asyncio.to_thread(start)))

    assert sorted(asyncio.run(both())) == [[], [1]]
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone() == (1,)
        assert schema_sqlite.recorded_version(conn) == 1


@pytest.mark.mongo
async def test_mongo_processes_starting_at_once_migrate_once(mongo_url: str) -> None:
    clients: list[AsyncMongoClient[Doc]] = [AsyncMongoClient(mongo_url) for _ in range(2)]
    name = f"linli_test_lock_{time.monotonic_ns()}"
    runs: list[float] = []
    clock = FakeClock(T0)
    locks: list[Doc | None] = []

    async def slow(db: object) -> None:
        runs.append(time.monotonic())
        await asyncio.sleep(SLOW_SECONDS)

    async def look(db: AsyncDatabase[Doc]) -> None:
        locks.append(await db[META].find_one({"_id": schema_mongo.LOCK_KEY}))

    try:
        ran = await asyncio.gather(*(schema_mongo.migrate(c[name], [slow], clock,
                                                          wait_seconds=10)
                                     for c in clients))
        assert sorted(ran) == [[], [1]] and len(runs) == 1
        db = clients[0][name]
        assert await schema_mongo.recorded_version(db) == 1
        assert await db[META].find_one({"_id": schema_mongo.LOCK_KEY}) is None, "released"
        # a lock left by a process that died while migrating expires, by the clock given
        await db[META].insert_one({"_id": schema_mongo.LOCK_KEY, "holder": "dead",
                                   "expires_at": T0 - timedelta(seconds=1)})
        assert await schema_mongo.migrate(db, [slow, look], clock, wait_seconds=5) == [2]
        assert locks and locks[0] is not None and locks[0]["holder"] != "dead"
        assert locks[0]["expires_at"].replace(tzinfo=UTC) == \
            T0 + timedelta(seconds=schema_mongo.LOCK_SECONDS)
    finally:
        await clients[0].drop_database(name)
        for client in clients:
            await client.close()
