"""SQLite backend: the detection-learning part (examples; models with their file as a BLOB)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from chat.errors import NotFound
from chat.store.sqlite_base import SqliteBase, changed, load, ms
from moderation.learning_models import DetectionExample, DetectionModelRecord
from moderation.store.learning import LearningStore, check_blob, settable_status

MODEL = "SELECT doc FROM detection_models"


def _save_model(c: sqlite3.Connection, record: DetectionModelRecord) -> None:
    c.execute("UPDATE detection_models SET status = ?, doc = ? WHERE id = ?",
              (record.status, record.model_dump_json(), record.id))


def _model(c: sqlite3.Connection, model_id: str) -> DetectionModelRecord:
    found = load(DetectionModelRecord, c.execute(f"{MODEL} WHERE id = ?", (model_id,)).fetchone())
    if found is None:
        raise NotFound(f"no detection model {model_id}")
    return found


class SqliteLearning(SqliteBase, LearningStore):
    SCHEMA = """
    CREATE TABLE IF NOT EXISTS detection_examples (id TEXT PRIMARY KEY,
        community_id TEXT NOT NULL, created_ms INTEGER NOT NULL, doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS detection_examples_created
        ON detection_examples (created_ms, id);
    CREATE INDEX IF NOT EXISTS detection_examples_community
        ON detection_examples (community_id, created_ms, id);
    CREATE TABLE IF NOT EXISTS detection_models (id TEXT PRIMARY KEY,
        version INTEGER NOT NULL UNIQUE, status TEXT NOT NULL, doc TEXT NOT NULL,
        blob BLOB NOT NULL);
    CREATE UNIQUE INDEX IF NOT EXISTS detection_models_active ON detection_models (status)
        WHERE status = 'active';
    """

    # ---- examples -------------------------------------------------------------------------
    async def upsert_detection_example(self, example: DetectionExample) -> None:
        def tx(c: sqlite3.Connection) -> None:
            row = c.execute("SELECT doc FROM detection_examples WHERE id = ?",
                            (example.id,)).fetchone()
            old = load(DetectionExample, row)
            new = example if old is None else \
                example.model_copy(update={"created_at": old.created_at})
            c.execute("INSERT OR REPLACE INTO detection_examples VALUES (?, ?, ?, ?)",
                      (new.id, new.community_id, ms(new.created_at), new.model_dump_json()))

        await self._write(tx)

    async def list_detection_examples(self, *, community_id: str | None = None,
                                      limit: int | None = None) -> list[DetectionExample]:
        where = "" if community_id is None else " WHERE community_id = ?"
        args = () if community_id is None else (community_id,)
        sql = f"SELECT doc FROM detection_examples{where} ORDER BY created_ms, id LIMIT ?"
        return await self._many(DetectionExample, sql, *args, -1 if limit is None else limit)

    async def count_detection_examples(self) -> int:
        row = await self._run(lambda c: c.execute(
            "SELECT COUNT(*) FROM detection_examples").fetchone())
        return int(row[0])

    # ---- models ---------------------------------------------------------------------------
    async def add_detection_model(self, record: DetectionModelRecord, blob: bytes) -> None:
        check_blob(blob)
        args = (record.id, record.version, record.status, record.model_dump_json(), blob)
        await self._write(lambda c: c.execute(
            "INSERT INTO detection_models VALUES (?, ?, ?, ?, ?)", args))

    async def get_detection_model(self, model_id: str) -> DetectionModelRecord | None:
        return await self._one(DetectionModelRecord, f"{MODEL} WHERE id = ?", model_id)

    async def get_detection_model_blob(self, model_id: str) -> bytes | None:
        row = await self._run(lambda c: c.execute(
            "SELECT blob FROM detection_models WHERE id = ?", (model_id,)).fetchone())
        return None if row is None else bytes(row["blob"])

    async def list_detection_models(self, limit: int = 50) -> list[DetectionModelRecord]:
        return await self._many(DetectionModelRecord, f"{MODEL} ORDER BY version DESC LIMIT ?",
                                limit)

    async def next_detection_model_version(self) -> int:
        row = await self._run(lambda c: c.execute(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM detection_models").fetchone())
        return int(row[0])

    async def activate_detection_model(self, model_id: str | None, at: datetime
                                       ) -> DetectionModelRecord | None:
        def tx(c: sqlite3.Connection) -> DetectionModelRecord | None:
            target = None if model_id is None else _model(c, model_id)
            active = load(DetectionModelRecord, c.execute(
                f"{MODEL} WHERE status = 'active'").fetchone())
            if active is not None:
                _save_model(c, changed(active, {"status": "retired"}))
            if target is None:
                return None
            new = changed(target, {"status": "active", "activated_at": at})
            _save_model(c, new)
            return new

        return await self._write(tx)

    async def update_detection_model_status(self, model_id: str, status: str,
                                            note: str = "") -> None:
        changes = {"status": settable_status(status)} | ({"note": note} if note else {})
        await self._write(lambda c: _save_model(c, changed(_model(c, model_id), changes)))

    async def active_detection_model(self) -> DetectionModelRecord | None:
        return await self._one(DetectionModelRecord, f"{MODEL} WHERE status = 'active'")
