"""MongoDB plumbing shared by the backend's parts, over PyMongo's native async API.

Records are stored as their `model_dump()` with `_id` = the record's key. A part of the
backend is a subclass of `MongoBase` with an `INDEXES` class attribute (collection → index
models); the indexes of every part in the class's MRO are created when the store opens."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC
from typing import Any, ClassVar, TypeVar

import bson
from bson.codec_options import CodecOptions
from pydantic import BaseModel
from pymongo import DESCENDING, AsyncMongoClient, IndexModel, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from chat.errors import TEMPORARILY_UNAVAILABLE, Conflict, Unavailable

M = TypeVar("M", bound=BaseModel)
Doc = dict[str, Any]
BACK_OFF_CAP = 0.05  # seconds
APPEND_ATTEMPTS = 64
"""How often an insert that takes the next number (max + 1) retries after losing a race."""


@contextmanager
def translated_errors() -> Iterator[None]:
    try:
        yield
    except DuplicateKeyError as exc:
        raise Conflict(f"already exists: {duplicate_index(exc)}") from exc
    except PyMongoError as exc:
        # The cause (hosts, topology) stays in the chained exception for the logs only.
        raise Unavailable(TEMPORARILY_UNAVAILABLE) from exc


def duplicate_index(exc: DuplicateKeyError) -> str:
    """The name of the unique index an insert or update violated."""
    details = exc.details or {}
    message = str(details.get("errmsg", exc))
    _, _, rest = message.partition(" index: ")
    return rest.split(" ", 1)[0]


async def back_off(attempt: int) -> None:
    """Jittered exponential back-off, so processes racing for the next seq or ticket number
    take turns."""
    await asyncio.sleep(random.uniform(0, min(BACK_OFF_CAP, 0.001 * 2**attempt)))


def to_doc(record: BaseModel, key: str = "id") -> Doc:
    doc = record.model_dump()
    doc["_id"] = doc.pop(key)
    return doc


def from_doc(model: type[M], doc: Mapping[str, Any], key: str = "id") -> M:
    """Rebuild a record, leaving out storage-only fields such as a message's `changed_at`."""
    fields = {name: doc[name] for name in model.model_fields if name in doc}
    if key in model.model_fields:
        fields[key] = doc["_id"]
    return model.model_validate(fields)


def changed(record: M, changes: Mapping[str, Any]) -> tuple[M, Doc]:
    """The validated new record and the `$set` document for the changed fields."""
    new = type(record).model_validate({**record.model_dump(), **changes})
    return new, new.model_dump(include=set(changes))


class MongoBase:
    INDEXES: ClassVar[dict[str, list[IndexModel]]] = {}

    def __init__(
        self, url: str, database: str = "linli", *, server_selection_timeout_ms: int = 5000
    ) -> None:
        self._url = url
        self._database = database
        self._server_selection_timeout_ms = server_selection_timeout_ms
        self._codec: CodecOptions[Doc] = CodecOptions(tz_aware=True, tzinfo=UTC)
        self._client: AsyncMongoClient[Doc] | None = None
        self._room_locks: dict[str, asyncio.Lock] = {}

    # ---- plumbing ---------------------------------------------------------------------
    def _db(self) -> AsyncDatabase[Doc]:
        if self._client is None:
            raise Unavailable(TEMPORARILY_UNAVAILABLE)
        return self._client[self._database]

    def _col(self, name: str) -> AsyncCollection[Doc]:
        return self._db()[name]

    async def _one(self, name: str, model: type[M], query: Doc, key: str = "id") -> M | None:
        with translated_errors():
            doc = await self._col(name).find_one(query)
        return None if doc is None else from_doc(model, doc, key)

    async def _many(
        self,
        name: str,
        model: type[M],
        query: Doc,
        sort: list[tuple[str, int]] | None = None,
        limit: int = 0,
        key: str = "id",
    ) -> list[M]:
        with translated_errors():
            docs = await self._col(name).find(query, sort=sort, limit=limit).to_list()
        return [from_doc(model, doc, key) for doc in docs]

    async def _insert(self, name: str, doc: Doc) -> None:
        with translated_errors():
            await self._col(name).insert_one(doc)

    async def _set(self, name: str, query: Doc, fields: Doc) -> Doc | None:
        """Set fields on the document matching `query`; return it as stored afterwards."""
        with translated_errors():
            return await self._col(name).find_one_and_update(
                query, {"$set": fields}, return_document=ReturnDocument.AFTER
            )

    async def _max(self, name: str, query: Doc, field: str) -> int:
        """The highest `field` of the matching documents (0 when none match)."""
        last = await self._col(name).find_one(query, [field], sort=[(field, DESCENDING)])
        return 0 if last is None else int(last[field])

    def _as_stored(self, doc: Doc) -> Doc:
        """The document as a read would return it (millisecond datetimes, lists)."""
        return bson.decode(bson.encode(doc), codec_options=self._codec)

    # ---- lifecycle --------------------------------------------------------------------
    async def open(self) -> None:
        if self._client is not None:
            return
        self._client = AsyncMongoClient(
            self._url,
            serverSelectionTimeoutMS=self._server_selection_timeout_ms,
            tz_aware=True,
            tzinfo=UTC,
        )
        try:
            with translated_errors():
                for part in reversed(type(self).__mro__):
                    for name, indexes in vars(part).get("INDEXES", {}).items():
                        await self._col(name).create_indexes(indexes)
        except Unavailable:
            await self.close()
            raise

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    async def ping(self) -> None:
        with translated_errors():
            await self._db().command("ping")

