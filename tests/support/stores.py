"""Store fixtures, loaded as a pytest plugin (`pytest_plugins = ["tests.support.stores"]`).

`store` yields a fresh, opened store per test, once per backend: SQLite in a temporary
directory, and MongoDB in a fresh database on one wire server per test session.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pymongo import MongoClient

from tests.support.mongo_wire import mongo_server, mongo_skip_reason
from web.store_mongo import MongoStore
from web.store_sqlite import SqliteStore
from web.stores import Store

BACKENDS = ["sqlite", pytest.param("mongo", marks=pytest.mark.mongo)]
MONGO_SKIPPED = pytest.StashKey[str]()


@dataclass(frozen=True)
class StoreTarget:
    """One backend's database for one test; `new()` makes another handle on the same data,
    as a second server process would have."""

    backend: str
    sqlite_path: Path | None = None
    mongo_url: str | None = None
    mongo_database: str | None = None

    def new(self) -> Store:
        if self.sqlite_path is not None:
            return SqliteStore(self.sqlite_path, synchronous="FULL")
        if self.mongo_url is not None and self.mongo_database is not None:
            return MongoStore(self.mongo_url, database=self.mongo_database)
        raise ValueError(f"incomplete store target {self}")


@pytest.fixture(scope="session")
def mongo_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A MongoDB wire endpoint shared by the session (mongoeco is slow to start and fill)."""
    reason = mongo_skip_reason()
    if reason is not None:
        request.config.stash[MONGO_SKIPPED] = reason
        pytest.skip(reason)
    with mongo_server() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreTarget]:
    if request.param == "sqlite":
        yield StoreTarget("sqlite", sqlite_path=tmp_path / "linli.sqlite3")
        return
    url: str = request.getfixturevalue("mongo_url")
    database = f"linli_test_{secrets.token_hex(6)}"
    yield StoreTarget("mongo", mongo_url=url, mongo_database=database)
    _drop_mongo_database(url, database)


@pytest.fixture
async def store(store_target: StoreTarget) -> AsyncIterator[Store]:
    store = store_target.new()
    await store.open()
    try:
        yield store
    finally:
        await store.close()


def _drop_mongo_database(url: str, database: str) -> None:
    client: MongoClient[dict[str, object]] = MongoClient(url, serverSelectionTimeoutMS=5000)
    with client:
        client.drop_database(database)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reason = terminalreporter.config.stash.get(MONGO_SKIPPED, None)
    if reason is not None:
        terminalreporter.section("MongoDB backend", sep="!", yellow=True, bold=True)
        terminalreporter.write_line(f"WARNING: {reason}", yellow=True, bold=True)
