"""MongoDB backend: the community hierarchy's part (units, rooms, join codes; see
chat.store.hierarchy)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pymongo import ASCENDING, IndexModel

from chat.models import JoinCode, Room, Unit, UnitKind
from chat.store.hierarchy import HierarchyStore
from chat.store.mongo_base import Doc, MongoBase, from_doc, to_doc


class MongoHierarchy(MongoBase, HierarchyStore):
    INDEXES: ClassVar[dict[str, list[IndexModel]]] = {
        "units": [IndexModel([("kind", ASCENDING), ("parent_id", ASCENDING)])],
        "rooms": [IndexModel([("community_id", ASCENDING)])],
        "join_codes": [IndexModel([("grid_id", ASCENDING)])],
    }

    # ---- hierarchy and rooms -------------------------------------------------------------
    async def add_unit(self, unit: Unit) -> None:
        await self._insert("units", to_doc(unit))

    async def get_unit(self, unit_id: str) -> Unit | None:
        return await self._one("units", Unit, {"_id": unit_id})

    async def list_units(self, kind: UnitKind, parent_id: str | None = None) -> list[Unit]:
        query: Doc = {"kind": kind}
        if parent_id is not None:
            query["parent_id"] = parent_id
        return await self._many("units", Unit, query, sort=[("_id", ASCENDING)])

    async def add_room(self, room: Room) -> None:
        await self._insert("rooms", to_doc(room))

    async def get_room(self, room_id: str) -> Room | None:
        return await self._one("rooms", Room, {"_id": room_id})

    async def list_rooms(self, community_id: str) -> list[Room]:
        query = {"community_id": community_id}
        return await self._many("rooms", Room, query, sort=[("_id", ASCENDING)])

    # ---- join codes -----------------------------------------------------------------------
    async def add_join_code(self, code: JoinCode) -> None:
        await self._insert("join_codes", to_doc(code, key="code"))

    async def get_join_code(self, code: str) -> JoinCode | None:
        return await self._one("join_codes", JoinCode, {"_id": code}, key="code")

    async def list_join_codes(self, grid_id: str) -> list[JoinCode]:
        query = {"grid_id": grid_id}
        sort = [("_id", ASCENDING)]
        return await self._many("join_codes", JoinCode, query, sort=sort, key="code")

    async def revoke_join_code(self, code: str, at: datetime) -> JoinCode | None:
        doc = await self._set("join_codes", {"_id": code, "revoked_at": None}, {"revoked_at": at})
        if doc is not None:
            return from_doc(JoinCode, doc, key="code")
        return await self.get_join_code(code)
