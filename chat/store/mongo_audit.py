"""MongoDB backend: the audit log and community configuration's part (see
chat.store.audit)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel

from chat.models import AuditEntry, CommunityConfig
from chat.store.audit import AuditStore
from chat.store.mongo_base import Doc, MongoBase, to_doc, translated_errors


class MongoAudit(MongoBase, AuditStore):
    INDEXES: ClassVar[dict[str, list[IndexModel]]] = {
        "audit": [IndexModel([("community_id", ASCENDING), ("at", ASCENDING)])],
    }

    # ---- audit log and community configuration --------------------------------------------
    async def add_audit(self, entry: AuditEntry) -> None:
        await self._insert("audit", to_doc(entry))

    async def list_audit(
        self,
        *,
        community_id: str | None,
        action: str | None = None,
        actor_id: str | None = None,
        target_id: str | None = None,
        before: datetime | None = None,
        before_id: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        filters = {
            "community_id": community_id,
            "action": action,
            "actor_id": actor_id,
            "target_id": target_id,
        }
        query: Doc = {field: value for field, value in filters.items() if value is not None}
        if before is not None:
            cut = _to_millisecond(before)  # as stored: BSON dates keep milliseconds
            if before_id is None:
                query["at"] = {"$lt": cut}
            else:
                query["$or"] = [{"at": {"$lt": cut}}, {"at": cut, "_id": {"$lt": before_id}}]
        sort = [("at", DESCENDING), ("_id", DESCENDING)]
        return await self._many("audit", AuditEntry, query, sort=sort, limit=limit)

    async def get_community_config(self, community_id: str) -> CommunityConfig | None:
        query = {"_id": community_id}
        return await self._one("community_config", CommunityConfig, query, key="community_id")

    async def put_community_config(self, config: CommunityConfig) -> None:
        doc = to_doc(config, key="community_id")
        with translated_errors():
            await self._col("community_config").replace_one({"_id": doc["_id"]}, doc, upsert=True)


def _to_millisecond(moment: datetime) -> datetime:
    """The moment as BSON stores it (dropping sub-millisecond digits, as SQLite's at_ms does)."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
