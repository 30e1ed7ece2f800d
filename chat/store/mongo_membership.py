"""MongoDB backend: each community's membership version, bumped after every write that
changes who is in its rooms or how they are named (so a process holding a cache of the
community's rooms knows with one read whether the cache still holds). Readers read the version
before the members, writers bump after the write: a cache built from a read that missed a
write carries a version the bump has passed."""

from __future__ import annotations

from chat.store.mongo_base import MongoBase, translated_errors

COLLECTION = "membership_versions"


class MongoMembership(MongoBase):
    async def _bump_membership(self, *community_ids: str | None) -> None:
        for community_id in {cid for cid in community_ids if cid is not None}:
            with translated_errors():
                await self._col(COLLECTION).update_one(
                    {"_id": community_id}, {"$inc": {"version": 1}}, upsert=True)

    async def membership_version(self, community_id: str) -> int:
        with translated_errors():
            doc = await self._col(COLLECTION).find_one({"_id": community_id})
        return int(doc["version"]) if doc is not None else 0
