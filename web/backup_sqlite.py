"""Backup, restore and community export of the SQLite backend.

A backup copies every SQLite database in the data dir with SQLite's online backup API, in one
step: the copy is one read transaction's snapshot, and in WAL mode the serving processes keep
writing meanwhile. The secret key and the demo accounts file come along."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from chat.clock import Clock
from chat.store.schema import LAST_BACKUP_KEY, META, SchemaTooNew
from chat.store.schema_sqlite import recorded_version
from config.settings import Settings
from web.backup import (
    PRIVATE_FILE,
    BackupError,
    Collection,
    Manifest,
    Progress,
    copy_kept_files,
    json_line,
    prepare_destination,
    read_manifest,
    require_empty_data_dir,
    restore_kept_files,
    write_manifest,
    write_private,
)
from web.community_export import PLAN, without_secrets
from web.migrations import SCHEMA_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_MS = 30_000


def databases(data_dir: Path) -> list[Path]:
    """Every SQLite database file in the data dir (not its -wal and -shm companions)."""
    if not data_dir.is_dir():
        return []
    return sorted(p for p in data_dir.iterdir() if p.is_file() and _is_sqlite(p))


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None)) as conn:
        conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        yield conn


def table_counts(conn: sqlite3.Connection, progress: Progress) -> dict[str, Collection]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    counts: dict[str, Collection] = {}
    for done, name in enumerate(names, 1):
        (rows,) = conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()
        counts[name] = Collection(rows=rows)
        progress(done, len(names))
    return counts


def backup(settings: Settings, dest: Path, progress: Progress, clock: Clock) -> Manifest:
    found = databases(settings.data_dir)
    if settings.sqlite_path not in found:
        raise BackupError("数据目录中没有 linli 数据库。/ There is no linli database in the "
                          "data dir.")
    prepare_destination(dest)
    tables: dict[str, dict[str, Collection]] = {}
    version = 0
    for path in found:
        with _connect(path) as src, _connect(dest / path.name) as copy:
            if path == settings.sqlite_path:
                version = recorded_version(src)
                if version > SCHEMA_VERSION:
                    raise SchemaTooNew(version, SCHEMA_VERSION)
            src.backup(copy)  # one step: a consistent snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError("备份副本校验失败。/ The copy failed its integrity check.")
            tables[path.name] = table_counts(copy, progress)
        (dest / path.name).chmod(PRIVATE_FILE)
    files = copy_kept_files(settings.data_dir, dest)
    manifest = Manifest(backend="sqlite", schema_version=version, created_at=clock.now(),
                        databases=tables, files=files)
    write_manifest(dest, manifest)
    _record(settings.sqlite_path, manifest)
    return manifest


def _record(path: Path, manifest: Manifest) -> None:
    with _connect(path) as conn:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {META} (key TEXT PRIMARY KEY, "
                     "value TEXT NOT NULL)")
        conn.execute(f"INSERT INTO {META} (key, value) VALUES (?, ?) ON CONFLICT (key) "
                     "DO UPDATE SET value = excluded.value",
                     (LAST_BACKUP_KEY, manifest.record().model_dump_json()))


def restore(settings: Settings, src: Path, progress: Progress) -> Manifest:
    manifest = read_manifest(src, "sqlite")
    require_empty_data_dir(settings.data_dir)
    for name, expected in manifest.databases.items():
        target = settings.data_dir / name
        with _connect(src / name) as backup_copy, _connect(target) as restored:
            backup_copy.backup(restored)
            restored.execute("PRAGMA journal_mode=WAL")
            counts = table_counts(restored, progress)
        target.chmod(PRIVATE_FILE)
        if {t: c.rows for t, c in counts.items()} != {t: c.rows for t, c in expected.items()}:
            raise BackupError("恢复后的行数与备份清单不符。/ The restored row counts differ from "
                              "the backup's manifest.")
    restore_kept_files(src, settings.data_dir, manifest.files)
    return manifest


def export_community(settings: Settings, community_id: str, dest: Path,
                     progress: Progress) -> dict[str, int]:
    if not settings.sqlite_path.is_file():
        raise BackupError("数据目录中没有 linli 数据库。/ There is no linli database in the "
                          "data dir.")
    counts: dict[str, int] = {}
    keys: dict[str, list[str]] = {}
    with _connect(settings.sqlite_path) as conn:
        conn.row_factory = sqlite3.Row
        conn.execute("BEGIN")  # one snapshot for every table
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "units" not in present or conn.execute(
                "SELECT 1 FROM units WHERE id = ? AND kind = 'community'",
                (community_id,)).fetchone() is None:
            raise BackupError("没有这个社区。/ No such community.")
        prepare_destination(dest)
        for done, part in enumerate(PLAN, 1):
            values = [community_id] if part.through is None else keys.get(part.through, [])
            rows = _select(conn, part.table, part.fields, values) \
                if part.table in present and values else []
            records = [_record_of(row) for row in rows]
            if part.keyed:
                keys[part.table] = [str(r["id"]) for r in records]
            counts[part.table] = _write_lines(dest / f"{part.table}.jsonl", records)
            progress(done, len(PLAN))
        conn.execute("COMMIT")
    return counts


def _select(conn: sqlite3.Connection, table: str, fields: tuple[str, ...],
            values: list[str]) -> list[sqlite3.Row]:
    marks = ", ".join("?" * len(values))
    where = " OR ".join(f"{field} IN ({marks})" for field in fields)
    return conn.execute(f"SELECT * FROM {table} WHERE {where}",
                        tuple(values) * len(fields)).fetchall()


def _record_of(row: sqlite3.Row) -> dict[str, Any]:
    has_doc = "doc" in row.keys()  # noqa: SIM118 (`in` on a Row looks at its values)
    record: dict[str, Any] = json.loads(row["doc"]) if has_doc else dict(row)
    return without_secrets(record)


def _write_lines(path: Path, records: list[dict[str, Any]]) -> int:
    write_private(path, "".join(json_line(r) for r in records))
    return len(records)
