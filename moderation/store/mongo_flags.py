"""MongoDB backend: moderation's flags (see moderation.store.flags)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from pymongo import ASCENDING, IndexModel

from chat.store.mongo_base import Doc, MongoBase, to_doc, translated_errors
from moderation.models import Flag
from moderation.store.flags import FlagStore
from moderation.store.mongo_tickets import NEWEST_FIRST


class MongoFlags(MongoBase, FlagStore):
    INDEXES: ClassVar[dict[str, list[IndexModel]]] = {
        "flags": [
            IndexModel([("room_id", ASCENDING), ("handled_at", ASCENDING),
                        ("created_at", ASCENDING)])
        ],
    }

    async def add_flag(self, flag: Flag) -> None:
        await self._insert("flags", to_doc(flag))

    async def get_flag(self, flag_id: str) -> Flag | None:
        return await self._one("flags", Flag, {"_id": flag_id})

    async def handle_flag(self, flag: Flag) -> bool:
        with translated_errors():
            result = await self._col("flags").replace_one(
                {"_id": flag.id, "handled_at": None}, to_doc(flag))
        return bool(result.matched_count)

    async def list_flags(self, room_ids: Sequence[str], open_only: bool, limit: int) -> list[Flag]:
        if not room_ids:
            return []
        query: Doc = {"room_id": {"$in": list(room_ids)}}
        if open_only:
            query["handled_at"] = None
        return await self._many("flags", Flag, query, sort=NEWEST_FIRST, limit=limit)
