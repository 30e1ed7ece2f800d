"""Migration 2: room names made before 「第一网格」 + 网格议事会 stopped doubling the unit's kind
(「第一网格网格议事会」 → 「第一网格议事会」, 「幸福社区社区议事厅」 → 「幸福社区议事厅」)."""

from __future__ import annotations

import sqlite3

from pymongo.asynchronous.database import AsyncDatabase

from chat.store.mongo_base import Doc

_DOUBLED = {"grid": ("网格网格议事会", "网格议事会"), "community": ("社区社区议事厅", "社区议事厅")}


def unrepeated(kind: str, name: str) -> str | None:
    """The name without the doubled kind, or None when it has none."""
    doubled, single = _DOUBLED.get(kind, ("", ""))
    if not doubled or not name.endswith(doubled):
        return None
    return name.removesuffix(doubled) + single


def sqlite_rename(c: sqlite3.Connection) -> None:
    rows = c.execute("SELECT id, json_extract(doc, '$.kind'), json_extract(doc, '$.name') "
                     "FROM rooms").fetchall()
    for room_id, kind, name in rows:
        if (renamed := unrepeated(kind, name)) is not None:
            c.execute("UPDATE rooms SET doc = json_set(doc, '$.name', ?) WHERE id = ?",
                      (renamed, room_id))


async def mongo_rename(db: AsyncDatabase[Doc]) -> None:
    async for room in db["rooms"].find({"kind": {"$in": list(_DOUBLED)}}, {"kind": 1, "name": 1}):
        if (renamed := unrepeated(room["kind"], room["name"])) is not None:
            await db["rooms"].update_one({"_id": room["_id"]}, {"$set": {"name": renamed}})
