"""MongoDB backend: the directory part."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from pymongo import ASCENDING, IndexModel

from bots.directory.models import DirectoryEntry
from bots.directory.store import DirectoryStore
from chat.errors import NotFound
from chat.store.mongo_base import MongoBase, to_doc, translated_errors

BY_NAME = [("name", ASCENDING), ("_id", ASCENDING)]


class MongoDirectory(MongoBase, DirectoryStore):
    INDEXES: ClassVar[dict[str, list[IndexModel]]] = {
        "directory": [
            IndexModel([("community_id", ASCENDING), ("name", ASCENDING)], unique=True,
                       name="directory_name"),
            IndexModel([("community_id", ASCENDING), ("category", ASCENDING),
                        ("name", ASCENDING)], name="directory_category"),
        ],
    }

    async def add_directory_entry(self, entry: DirectoryEntry) -> None:
        await self._insert("directory", to_doc(entry))

    async def get_directory_entry(self, entry_id: str) -> DirectoryEntry | None:
        return await self._one("directory", DirectoryEntry, {"_id": entry_id})

    async def update_directory_entry(self, entry: DirectoryEntry) -> None:
        with translated_errors():
            result = await self._col("directory").replace_one({"_id": entry.id}, to_doc(entry))
        if not result.matched_count:
            raise NotFound(f"no directory entry {entry.id}")

    async def delete_directory_entry(self, entry_id: str) -> bool:
        with translated_errors():
            result = await self._col("directory").delete_one({"_id": entry_id})
        return bool(result.deleted_count)

    async def list_directory_entries(self, community_id: str, category: str | None = None
                                     ) -> list[DirectoryEntry]:
        query: dict[str, Any] = {"community_id": community_id}
        if category is not None:
            query["category"] = category
        return await self._many("directory", DirectoryEntry, query, sort=BY_NAME)

    async def upsert_directory_entries(self, entries: Sequence[DirectoryEntry]
                                       ) -> tuple[int, int]:
        created = 0
        directory = self._col("directory")
        for entry in entries:
            doc = to_doc(entry)
            kept = {"_id": doc.pop("_id"), "created_at": doc.pop("created_at")}
            with translated_errors():
                result = await directory.update_one(
                    {"community_id": entry.community_id, "name": entry.name},
                    {"$set": doc, "$setOnInsert": kept}, upsert=True)
            created += result.upserted_id is not None
        return created, len(entries) - created
