"""SQLite backend: moderation's flags (see moderation.store.flags)."""

from __future__ import annotations

from collections.abc import Sequence

from chat.store.sqlite_base import SqliteBase, ms
from moderation.models import Flag
from moderation.store.flags import FlagStore


class SqliteFlags(SqliteBase, FlagStore):
    SCHEMA = """
    CREATE TABLE IF NOT EXISTS flags (id TEXT PRIMARY KEY, room_id TEXT NOT NULL,
        handled INTEGER NOT NULL, created_ms INTEGER NOT NULL, doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS flags_room ON flags (room_id, handled, created_ms);
    """

    async def add_flag(self, flag: Flag) -> None:
        args = (flag.id, flag.room_id, flag.handled_at is not None, ms(flag.created_at),
                flag.model_dump_json())
        await self._write(lambda c: c.execute("INSERT INTO flags VALUES (?, ?, ?, ?, ?)", args))

    async def get_flag(self, flag_id: str) -> Flag | None:
        return await self._one(Flag, "SELECT doc FROM flags WHERE id = ?", flag_id)

    async def handle_flag(self, flag: Flag) -> bool:
        args = (flag.model_dump_json(), flag.id)
        sql = "UPDATE flags SET handled = 1, doc = ? WHERE id = ? AND handled = 0"
        return bool(await self._write(lambda c: c.execute(sql, args).rowcount))

    async def list_flags(self, room_ids: Sequence[str], open_only: bool, limit: int) -> list[Flag]:
        if not room_ids:
            return []
        marks = ", ".join("?" * len(room_ids))
        handled = " AND handled = 0" if open_only else ""
        sql = (f"SELECT doc FROM flags WHERE room_id IN ({marks}){handled}"
               " ORDER BY created_ms DESC, id DESC LIMIT ?")
        return await self._many(Flag, sql, *room_ids, limit)
