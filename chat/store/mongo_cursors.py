"""MongoDB backend: the message consumers' part (cursors and leases, see chat.follow.store)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar

from pymongo import ASCENDING, IndexModel
from pymongo.errors import BulkWriteError, DuplicateKeyError

from chat.follow.store import FollowStore
from chat.store.mongo_base import MongoBase, translated_errors


def _cursor_id(consumer: str, room_id: str) -> str:
    return f"{consumer}\0{room_id}"


class MongoCursors(MongoBase, FollowStore):
    INDEXES: ClassVar[dict[str, list[IndexModel]]] = {
        "follow_cursors": [IndexModel([("consumer", ASCENDING)])],
    }

    async def follow_cursors(self, consumer: str) -> dict[str, int] | None:
        with translated_errors():
            if await self._col("follow_consumers").find_one({"_id": consumer}) is None:
                return None
            docs = await self._col("follow_cursors").find({"consumer": consumer}).to_list()
        return {doc["room_id"]: int(doc["seq"]) for doc in docs}

    async def start_follow(self, consumer: str, seqs: Mapping[str, int],
                           started_at: datetime) -> bool:
        """Cursors first, then the consumer's record: a start cut short leaves no record, so
        the next start writes the cursors again (the ones written stay)."""
        with translated_errors():
            if await self._col("follow_consumers").find_one({"_id": consumer}) is not None:
                return False
            docs = [{"_id": _cursor_id(consumer, room), "consumer": consumer, "room_id": room,
                     "seq": seq} for room, seq in seqs.items()]
            if docs:
                try:
                    await self._col("follow_cursors").insert_many(docs, ordered=False)
                except BulkWriteError as exc:
                    if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
                        raise
            try:
                await self._col("follow_consumers").insert_one(
                    {"_id": consumer, "started_at": started_at})
            except DuplicateKeyError:
                return False
        return True

    async def advance_follow(self, consumer: str, room_id: str, seq: int) -> int:
        key = _cursor_id(consumer, room_id)
        cursors = self._col("follow_cursors")
        with translated_errors():
            try:
                await cursors.insert_one({"_id": key, "consumer": consumer, "room_id": room_id,
                                          "seq": seq})
                return seq
            except DuplicateKeyError:
                pass
            await cursors.update_one({"_id": key, "seq": {"$lt": seq}}, {"$set": {"seq": seq}})
            doc = await cursors.find_one({"_id": key}) or {}
        return int(doc.get("seq", seq))

    async def take_lease(self, name: str, holder: str, now: datetime, until: datetime) -> bool:
        leases = self._col("leases")
        with translated_errors():
            try:
                await leases.insert_one({"_id": name, "holder": holder, "until": until})
                return True
            except DuplicateKeyError:
                pass
            taken = await leases.update_one(
                {"_id": name, "$or": [{"until": {"$lte": now}}, {"holder": holder}]},
                {"$set": {"holder": holder, "until": until}})
        return taken.matched_count == 1

    async def drop_lease(self, name: str, holder: str) -> None:
        with translated_errors():
            await self._col("leases").delete_one({"_id": name, "holder": holder})
