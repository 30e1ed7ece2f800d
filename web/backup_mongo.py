"""Backup, restore and community export of the MongoDB backend, as a logical export: every
collection as JSON Lines in MongoDB Extended JSON (relaxed), its indexes in the manifest.

Each collection is read in one pass while linli serves; collections are not one snapshot
together. For a point-in-time copy of a replica set use `mongodump --oplog` (see README)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC
from pathlib import Path
from typing import Any

from bson import json_util
from bson.json_util import RELAXED_JSON_OPTIONS
from pymongo import AsyncMongoClient, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from chat.clock import Clock
from chat.store.mongo_base import Doc
from chat.store.schema import LAST_BACKUP_KEY, META, SchemaTooNew
from chat.store.schema_mongo import LOCK_KEY, recorded_version
from config.settings import Settings
from web.backup import (
    BackupError,
    Collection,
    Manifest,
    Progress,
    copy_kept_files,
    prepare_destination,
    read_manifest,
    restore_kept_files,
    write_manifest,
    write_private,
)
from web.community_export import PLAN, without_secrets
from web.migrations import SCHEMA_VERSION

DATABASE = "mongodb"
BATCH = 1000
INDEX_OPTIONS = ("unique", "sparse", "partialFilterExpression", "expireAfterSeconds")
UNREACHABLE = ("无法连接 MongoDB。/ Cannot reach MongoDB.")


@asynccontextmanager
async def _database(settings: Settings) -> AsyncIterator[AsyncDatabase[Doc]]:
    if not settings.mongodb_url:
        raise BackupError("未配置 MongoDB。/ MongoDB is not configured.")
    client: AsyncMongoClient[Doc] = AsyncMongoClient(
        settings.mongodb_url, tz_aware=True, tzinfo=UTC, serverSelectionTimeoutMS=5000)
    try:
        yield client[settings.mongodb_database]
    except PyMongoError as exc:
        raise BackupError(UNREACHABLE) from exc
    finally:
        await client.close()


def _line(doc: Doc) -> str:
    return json_util.dumps(doc, json_options=RELAXED_JSON_OPTIONS, ensure_ascii=False) + "\n"


async def backup(settings: Settings, dest: Path, progress: Progress, clock: Clock
                 ) -> Manifest:
    async with _database(settings) as db:
        version = await recorded_version(db)
        if version > SCHEMA_VERSION:
            raise SchemaTooNew(version, SCHEMA_VERSION)
        names = sorted(await db.list_collection_names())
        prepare_destination(dest)
        total = sum([await db[n].estimated_document_count() for n in names])
        collections: dict[str, Collection] = {}
        done = 0
        for name in names:
            indexes = [_index_spec(ix) async for ix in await db[name].list_indexes()]
            rows = 0
            with (dest / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
                (dest / f"{name}.jsonl").chmod(0o600)
                skip = {"_id": {"$ne": LOCK_KEY}} if name == META else {}  # a live lock
                async for doc in db[name].find(skip):
                    fh.write(_line(doc))
                    rows += 1
                    done += 1
                    if done % BATCH == 0:
                        progress(done, max(total, done))
            collections[name] = Collection(rows=rows, indexes=[i for i in indexes if i])
        progress(done, done)
        manifest = Manifest(backend="mongodb", schema_version=version,
                            created_at=clock.now(), databases={DATABASE: collections},
                            files=copy_kept_files(settings.data_dir, dest))
        write_manifest(dest, manifest)
        await db[META].update_one({"_id": LAST_BACKUP_KEY},
                                  {"$set": {"value": manifest.record().model_dump()}},
                                  upsert=True)
        return manifest


def _index_spec(index: Any) -> dict[str, Any]:
    """An index as the manifest keeps it (in Extended JSON); {} for the implicit `_id_`."""
    spec = dict(index)
    if spec.get("name") == "_id_":
        return {}
    kept = {k: spec[k] for k in ("key", "name", *INDEX_OPTIONS) if k in spec}
    kept["key"] = [[field, direction] for field, direction in dict(kept["key"]).items()]
    result: dict[str, Any] = json_util.loads(json_util.dumps(kept))
    return result


async def restore(settings: Settings, src: Path, progress: Progress) -> Manifest:
    manifest = read_manifest(src, "mongodb")
    collections = manifest.databases.get(DATABASE, {})
    total, done = sum(c.rows for c in collections.values()), 0
    async with _database(settings) as db:
        if await db.list_collection_names():
            raise BackupError("目标 MongoDB 数据库不是空的，拒绝覆盖；请指定一个空数据库。/ The "
                              "MongoDB database to restore into is not empty; refusing to "
                              "overwrite it. Use an empty one.")
        for name, expected in collections.items():
            await db.create_collection(name)
            models = [_index_model(spec) for spec in expected.indexes]
            if models:
                await db[name].create_indexes(models)
            batch: list[Doc] = []
            with (src / f"{name}.jsonl").open(encoding="utf-8") as fh:
                for line in fh:
                    batch.append(json_util.loads(line, json_options=RELAXED_JSON_OPTIONS))
                    if len(batch) == BATCH:
                        await db[name].insert_many(batch)
                        done += len(batch)
                        progress(done, total)
                        batch = []
            if batch:
                await db[name].insert_many(batch)
                done += len(batch)
            progress(done, total)
            if await db[name].count_documents({}) != expected.rows:
                raise BackupError("恢复后的文档数与备份清单不符。/ The restored document counts "
                                  "differ from the backup's manifest.")
    restore_kept_files(src, settings.data_dir, manifest.files)
    return manifest


def _index_model(spec: dict[str, Any]) -> IndexModel:
    options = {k: spec[k] for k in INDEX_OPTIONS if k in spec}
    return IndexModel([(field, direction) for field, direction in spec["key"]],
                      name=spec["name"], **options)


async def export_community(settings: Settings, community_id: str, dest: Path,
                           progress: Progress) -> dict[str, int]:
    counts: dict[str, int] = {}
    keys: dict[str, list[Any]] = {}
    async with _database(settings) as db:
        if await db["units"].find_one({"_id": community_id, "kind": "community"}) is None:
            raise BackupError("没有这个社区。/ No such community.")
        prepare_destination(dest)
        for done, part in enumerate(PLAN, 1):
            values = [community_id] if part.through is None else keys.get(part.through, [])
            fields = part.fields_on(DATABASE)
            query = {"$or": [{f: {"$in": values}} for f in fields]}
            docs = [without_secrets(d) async for d in db[part.table].find(query)] \
                if values else []
            if part.keyed:
                keys[part.table] = [d["_id"] for d in docs]
            write_private(dest / f"{part.table}.jsonl", "".join(_line(d) for d in docs))
            counts[part.table] = len(docs)
            progress(done, len(PLAN))
    return counts
