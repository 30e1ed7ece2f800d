"""Upgrading a deployment: two `linli serve` processes started at once on a data dir of the
previous schema both come up, one of them having migrated it; a data dir of a newer schema
is refused with a message, not a traceback, and left as it was."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from chat.store.schema import META
from chat.store.schema_sqlite import recorded_version
from tests.support.schema_v0 import seed_v0_data_dir
from tests.support.server import ROOT, ServerProcess, free_port, login
from web.migrations import SCHEMA_VERSION

MIGRATED = f"migrating the SQLite schema to version {SCHEMA_VERSION}"


def index_names(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}


async def test_two_servers_starting_at_once_migrate_a_version_0_data_dir_once(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    await seed_v0_data_dir(data)
    assert "messages_created" not in index_names(data / "linli.sqlite3")
    servers = [ServerProcess(data, env={"LINLI_LOG_LEVEL": "INFO"}) for _ in range(2)]
    try:
        await asyncio.gather(*(asyncio.to_thread(server.start) for server in servers))
        for server in servers:
            await login(server, "张伟")  # both serve the data the old version wrote
    finally:
        for server in servers:
            server.stop()
    logs = [server.log_path.read_text() for server in servers]
    assert sum(log.count(MIGRATED) for log in logs) == 1, logs
    assert "messages_created" in index_names(data / "linli.sqlite3")
    with closing(sqlite3.connect(data / "linli.sqlite3")) as conn:
        assert recorded_version(conn) == SCHEMA_VERSION


async def test_serve_refuses_a_newer_schema_without_a_traceback(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await seed_v0_data_dir(data)
    with closing(sqlite3.connect(data / "linli.sqlite3")) as conn:
        conn.execute(f"CREATE TABLE {META} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute(f"INSERT INTO {META} VALUES ('schema_version', '7')")
        conn.commit()
    result = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "web.cli", "serve", "--data-dir", str(data),
                         "--port", str(free_port())],
        cwd=ROOT, env=os.environ, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "数据库结构版本 7" in result.stderr and "refusing to start" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert str(tmp_path) not in result.stderr
    assert "messages_created" not in index_names(data / "linli.sqlite3"), "left as it was"
