"""SQLite backend: the community hierarchy's part (units, rooms, join codes; see
chat.store.hierarchy)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from chat.models import JoinCode, Room, Unit, UnitKind
from chat.store.hierarchy import HierarchyStore
from chat.store.sqlite_base import SqliteBase, changed, load


class SqliteHierarchy(SqliteBase, HierarchyStore):
    SCHEMA = """
    CREATE TABLE IF NOT EXISTS units (id TEXT PRIMARY KEY, kind TEXT NOT NULL, parent_id TEXT,
        doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS units_kind_parent ON units (kind, parent_id);
    CREATE TABLE IF NOT EXISTS rooms (id TEXT PRIMARY KEY, community_id TEXT NOT NULL,
        doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS rooms_community ON rooms (community_id);
    CREATE TABLE IF NOT EXISTS join_codes (code TEXT PRIMARY KEY, grid_id TEXT NOT NULL,
        doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS join_codes_grid ON join_codes (grid_id);
    """

    # ---- hierarchy and rooms -------------------------------------------------------------
    async def add_unit(self, unit: Unit) -> None:
        sql = "INSERT INTO units (id, kind, parent_id, doc) VALUES (?, ?, ?, ?)"
        args = (unit.id, unit.kind, unit.parent_id, unit.model_dump_json())
        await self._write(lambda c: c.execute(sql, args))

    async def get_unit(self, unit_id: str) -> Unit | None:
        return await self._one(Unit, "SELECT doc FROM units WHERE id = ?", unit_id)

    async def list_units(self, kind: UnitKind, parent_id: str | None = None) -> list[Unit]:
        if parent_id is None:
            return await self._many(Unit, "SELECT doc FROM units WHERE kind = ? ORDER BY id", kind)
        sql = "SELECT doc FROM units WHERE kind = ? AND parent_id = ? ORDER BY id"
        return await self._many(Unit, sql, kind, parent_id)

    async def add_room(self, room: Room) -> None:
        sql = "INSERT INTO rooms (id, community_id, doc) VALUES (?, ?, ?)"
        args = (room.id, room.community_id, room.model_dump_json())
        await self._write(lambda c: c.execute(sql, args))

    async def get_room(self, room_id: str) -> Room | None:
        return await self._one(Room, "SELECT doc FROM rooms WHERE id = ?", room_id)

    async def list_rooms(self, community_id: str) -> list[Room]:
        sql = "SELECT doc FROM rooms WHERE community_id = ? ORDER BY id"
        return await self._many(Room, sql, community_id)

    # ---- join codes -----------------------------------------------------------------------
    async def add_join_code(self, code: JoinCode) -> None:
        sql = "INSERT INTO join_codes (code, grid_id, doc) VALUES (?, ?, ?)"
        args = (code.code, code.grid_id, code.model_dump_json())
        await self._write(lambda c: c.execute(sql, args))

    async def get_join_code(self, code: str) -> JoinCode | None:
        return await self._one(JoinCode, "SELECT doc FROM join_codes WHERE code = ?", code)

    async def list_join_codes(self, grid_id: str) -> list[JoinCode]:
        sql = "SELECT doc FROM join_codes WHERE grid_id = ? ORDER BY code"
        return await self._many(JoinCode, sql, grid_id)

    async def revoke_join_code(self, code: str, at: datetime) -> JoinCode | None:
        def tx(c: sqlite3.Connection) -> JoinCode | None:
            row = c.execute("SELECT doc FROM join_codes WHERE code = ?", (code,)).fetchone()
            old = load(JoinCode, row)
            if old is None or old.revoked_at is not None:
                return old
            new = changed(old, {"revoked_at": at})
            c.execute("UPDATE join_codes SET doc = ? WHERE code = ?", (new.model_dump_json(), code))
            return new

        return await self._write(tx)
