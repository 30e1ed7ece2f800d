"""MongoDB backend: the detection-learning part. A model's file is a Binary `blob` field of
its record's document, left out of every read but get_detection_model_blob.

Activation without a multi-document transaction: the active model is retired, then the new
one set active; a partial unique index allows one active model at most, so of two racing
activations the later-writing one retries (for a moment, no stored model may be active)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from bson import Binary
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument

from chat.errors import Conflict, NotFound
from chat.store.mongo_base import Doc, MongoBase, back_off, from_doc, to_doc, translated_errors
from moderation.learning_models import DetectionExample, DetectionModelRecord
from moderation.store.learning import LearningStore, check_blob, settable_status

WITHOUT_BLOB = {"blob": 0}
OLDEST_FIRST = [("created_at", ASCENDING), ("_id", ASCENDING)]
ACTIVATE_ATTEMPTS = 16


class MongoLearning(MongoBase, LearningStore):
    INDEXES: ClassVar[dict[str, list[IndexModel]]] = {
        "detection_examples": [
            IndexModel(OLDEST_FIRST, name="detection_examples_created"),
            IndexModel([("community_id", ASCENDING), *OLDEST_FIRST],
                       name="detection_examples_community"),
        ],
        "detection_models": [
            IndexModel([("version", DESCENDING)], unique=True, name="detection_model_version"),
            IndexModel([("status", ASCENDING)], unique=True, name="detection_model_active",
                       partialFilterExpression={"status": "active"}),
        ],
    }

    # ---- examples -------------------------------------------------------------------------
    async def upsert_detection_example(self, example: DetectionExample) -> None:
        doc = to_doc(example)
        kept = {"created_at": doc.pop("created_at")}
        with translated_errors():
            await self._col("detection_examples").update_one(
                {"_id": doc.pop("_id")}, {"$set": doc, "$setOnInsert": kept}, upsert=True)

    async def list_detection_examples(self, *, community_id: str | None = None,
                                      limit: int | None = None) -> list[DetectionExample]:
        if limit == 0:
            return []  # to MongoDB, 0 means no limit
        query = {} if community_id is None else {"community_id": community_id}
        return await self._many("detection_examples", DetectionExample, query,
                                sort=OLDEST_FIRST, limit=limit or 0)

    async def count_detection_examples(self) -> int:
        with translated_errors():
            return await self._col("detection_examples").count_documents({})

    # ---- models ---------------------------------------------------------------------------
    async def add_detection_model(self, record: DetectionModelRecord, blob: bytes) -> None:
        check_blob(blob)
        await self._insert("detection_models", to_doc(record) | {"blob": Binary(blob)})

    async def get_detection_model(self, model_id: str) -> DetectionModelRecord | None:
        return await self._model({"_id": model_id})

    async def get_detection_model_blob(self, model_id: str) -> bytes | None:
        with translated_errors():
            doc = await self._col("detection_models").find_one({"_id": model_id}, {"blob": 1})
        return None if doc is None else bytes(doc["blob"])

    async def list_detection_models(self, limit: int = 50) -> list[DetectionModelRecord]:
        with translated_errors():
            docs = await self._col("detection_models").find(
                {}, WITHOUT_BLOB, sort=[("version", DESCENDING)], limit=limit).to_list()
        return [from_doc(DetectionModelRecord, doc) for doc in docs]

    async def next_detection_model_version(self) -> int:
        with translated_errors():
            doc = await self._col("detection_models").find_one(
                {}, {"version": 1}, sort=[("version", DESCENDING)])
        return 1 if doc is None else int(doc["version"]) + 1

    async def activate_detection_model(self, model_id: str | None, at: datetime
                                       ) -> DetectionModelRecord | None:
        if model_id is not None and await self._model({"_id": model_id}) is None:
            raise NotFound(f"no detection model {model_id}")
        for attempt in range(ACTIVATE_ATTEMPTS):
            await self._set_status({"status": "active", "_id": {"$ne": model_id}}, "retired")
            if model_id is None:
                return None
            try:
                doc = await self._set_status({"_id": model_id}, "active", activated_at=at)
            except Conflict:
                await back_off(attempt)
                continue
            if doc is None:
                raise NotFound(f"no detection model {model_id}")
            return from_doc(DetectionModelRecord, doc)
        raise Conflict("detection models were activated concurrently; try again")

    async def update_detection_model_status(self, model_id: str, status: str,
                                            note: str = "") -> None:
        fields = {"note": note} if note else {}
        if await self._set_status({"_id": model_id}, settable_status(status), **fields) is None:
            raise NotFound(f"no detection model {model_id}")

    async def active_detection_model(self) -> DetectionModelRecord | None:
        return await self._model({"status": "active"})

    async def _model(self, query: Doc) -> DetectionModelRecord | None:
        with translated_errors():
            doc = await self._col("detection_models").find_one(query, WITHOUT_BLOB)
        return None if doc is None else from_doc(DetectionModelRecord, doc)

    async def _set_status(self, query: Doc, status: str, **fields: object) -> Doc | None:
        """Set the status (and fields) of the first matching model; return it as stored."""
        with translated_errors():
            return await self._col("detection_models").find_one_and_update(
                query, {"$set": {"status": status, **fields}}, projection=WITHOUT_BLOB,
                return_document=ReturnDocument.AFTER)
