"""Version-0 databases: what every deployment made before schema versions has — each part's
tables and indexes as they are created today, no version record, none of the migrations."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from pydantic import SecretStr
from pymongo import MongoClient

from chat.store.schema import META
from config.settings import load_settings
from tests.support.server import DEMO_PASSWORD
from tests.support.stores import StoreTarget
from web.app import build_services
from web.demo import seed_demo
from web.store_mongo import MongoStore
from web.store_sqlite import SqliteStore
from web.stores import Store


class V0SqliteStore(SqliteStore):
    MIGRATIONS = ()


class V0MongoStore(MongoStore):
    MIGRATIONS = ()


def v0_store(target: StoreTarget) -> Store:
    if target.sqlite_path is not None:
        return V0SqliteStore(target.sqlite_path)
    assert target.mongo_url is not None and target.mongo_database is not None
    return V0MongoStore(target.mongo_url, target.mongo_database)


def forget_version(target: StoreTarget) -> None:
    """Drop the version record table (collection) a closed store made."""
    if target.sqlite_path is not None:
        with closing(sqlite3.connect(target.sqlite_path)) as conn:
            conn.execute(f"DROP TABLE {META}")
            conn.commit()
        return
    client: MongoClient[dict[str, object]] = MongoClient(target.mongo_url)
    with client:
        client[str(target.mongo_database)].drop_collection(META)


def set_version(target: StoreTarget, version: int) -> None:
    if target.sqlite_path is not None:
        with closing(sqlite3.connect(target.sqlite_path)) as conn:
            conn.execute(f"UPDATE {META} SET value = ? WHERE key = 'schema_version'",
                         (str(version),))
            conn.commit()
        return
    client: MongoClient[dict[str, object]] = MongoClient(target.mongo_url)
    with client:
        client[str(target.mongo_database)][META].update_one(
            {"_id": "schema_version"}, {"$set": {"value": version}})


async def seed_v0_data_dir(data_dir: Path) -> None:
    """A SQLite data dir with the demo community, as `linli serve --demo` made it before."""
    settings = load_settings(data_dir=data_dir, demo_password=SecretStr(DEMO_PASSWORD))
    store = V0SqliteStore(settings.sqlite_path)
    services = build_services(settings, None, None, store=store)
    await store.open()
    try:
        await seed_demo(services, data_dir)
    finally:
        await store.close()
    forget_version(StoreTarget("sqlite", sqlite_path=settings.sqlite_path))
