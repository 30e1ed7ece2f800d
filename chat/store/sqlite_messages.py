"""SQLite backend: the messages' part (messages with gapless seqs, read markers, unread
mentions, mutes; see chat.store.messages)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from chat.errors import NotFound
from chat.models import Message, Mute, NewMessage
from chat.store.messages import MessageStore
from chat.store.sqlite_base import SqliteBase, changed, load, ms


class SqliteMessages(SqliteBase, MessageStore):
    SCHEMA = """
    CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, room_id TEXT NOT NULL,
        seq INTEGER NOT NULL, sender_id TEXT NOT NULL, client_id TEXT NOT NULL,
        changed_ms INTEGER, doc TEXT NOT NULL,
        UNIQUE (room_id, seq), UNIQUE (room_id, sender_id, client_id));
    CREATE INDEX IF NOT EXISTS messages_changed ON messages (room_id, changed_ms)
        WHERE changed_ms IS NOT NULL;
    CREATE TABLE IF NOT EXISTS read_markers (user_id TEXT NOT NULL, room_id TEXT NOT NULL,
        seq INTEGER NOT NULL, PRIMARY KEY (user_id, room_id));
    CREATE TABLE IF NOT EXISTS mutes (room_id TEXT NOT NULL, user_id TEXT NOT NULL,
        doc TEXT NOT NULL, PRIMARY KEY (room_id, user_id));
    """

    # ---- messages -------------------------------------------------------------------------
    async def append_message(self, new: NewMessage) -> tuple[Message, bool]:
        def tx(c: sqlite3.Connection) -> tuple[Message, bool]:
            existing = c.execute(
                "SELECT doc FROM messages WHERE room_id=? AND sender_id=? AND client_id=?",
                (new.room_id, new.sender_id, new.client_id),
            ).fetchone()
            if existing is not None:
                return Message.model_validate_json(existing["doc"]), False
            (seq,) = c.execute(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE room_id = ?", (new.room_id,)
            ).fetchone()
            message = Message(**new.model_dump(), seq=seq, updated_at=new.created_at)
            c.execute(
                "INSERT INTO messages (id, room_id, seq, sender_id, client_id, doc)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (message.id, message.room_id, seq, message.sender_id, message.client_id,
                 message.model_dump_json()),
            )
            return message, True

        return await self._write(tx)

    async def get_message(self, message_id: str) -> Message | None:
        return await self._one(Message, "SELECT doc FROM messages WHERE id = ?", message_id)

    async def history(self, room_id: str, before_seq: int | None, limit: int) -> list[Message]:
        sql = "SELECT doc FROM messages WHERE room_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?"
        page = await self._many(Message, sql, room_id, before_seq or 2**62, limit)
        page.reverse()
        return page

    async def messages_after(self, room_id: str, after_seq: int, limit: int) -> list[Message]:
        sql = "SELECT doc FROM messages WHERE room_id = ? AND seq > ? ORDER BY seq LIMIT ?"
        return await self._many(Message, sql, room_id, after_seq, limit)

    async def changed_since(
        self, room_id: str, up_to_seq: int, since: datetime, limit: int
    ) -> list[Message]:
        sql = (
            "SELECT doc FROM messages WHERE room_id = ? AND changed_ms > ? AND seq <= ?"
            " ORDER BY seq LIMIT ?"
        )
        return await self._many(Message, sql, room_id, ms(since), up_to_seq, limit)

    async def update_message(self, message_id: str, changes: Mapping[str, Any]) -> Message:
        def tx(c: sqlite3.Connection) -> Message:
            row = c.execute("SELECT doc FROM messages WHERE id = ?", (message_id,)).fetchone()
            old = load(Message, row)
            if old is None:
                raise NotFound(f"no message {message_id}")
            new = changed(old, changes)
            c.execute(
                "UPDATE messages SET changed_ms = ?, doc = ? WHERE id = ?",
                (ms(new.updated_at), new.model_dump_json(), message_id),
            )
            return new

        return await self._write(tx)

    async def last_seqs(self, room_ids: Sequence[str]) -> dict[str, int]:
        def read(c: sqlite3.Connection) -> dict[str, int]:
            sql = "SELECT COALESCE(MAX(seq), 0) FROM messages WHERE room_id = ?"
            return {r: c.execute(sql, (r,)).fetchone()[0] for r in room_ids}

        return await self._run(read)

    # ---- read markers and mutes -------------------------------------------------------------
    async def mark_read(self, user_id: str, room_id: str, seq: int) -> int:
        def tx(c: sqlite3.Connection) -> int:
            c.execute(
                "INSERT INTO read_markers (user_id, room_id, seq) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id, room_id) DO UPDATE SET seq = MAX(seq, excluded.seq)",
                (user_id, room_id, seq),
            )
            sql = "SELECT seq FROM read_markers WHERE user_id = ? AND room_id = ?"
            return int(c.execute(sql, (user_id, room_id)).fetchone()[0])

        return await self._write(tx)

    async def read_markers(self, user_id: str) -> dict[str, int]:
        sql = "SELECT room_id, seq FROM read_markers WHERE user_id = ?"
        rows = await self._run(lambda c: c.execute(sql, (user_id,)).fetchall())
        return {r["room_id"]: r["seq"] for r in rows}

    async def unread_mentions(self, user_id: str, after: Mapping[str, int]) -> dict[str, int]:
        sql = (
            "SELECT COUNT(*) FROM messages WHERE room_id = ? AND seq > ? AND sender_id != ?"
            " AND json_extract(doc, '$.deleted_at') IS NULL"
            " AND (json_extract(doc, '$.mention_all')"
            " OR EXISTS (SELECT 1 FROM json_each(doc, '$.mentions') WHERE value = ?))"
        )

        def read(c: sqlite3.Connection) -> dict[str, int]:
            return {room_id: c.execute(sql, (room_id, seq, user_id, user_id)).fetchone()[0]
                    for room_id, seq in after.items()}

        return await self._run(read)

    async def set_mute(self, mute: Mute) -> None:
        sql = (
            "INSERT INTO mutes (room_id, user_id, doc) VALUES (?, ?, ?)"
            " ON CONFLICT (room_id, user_id) DO UPDATE SET doc = excluded.doc"
        )
        args = (mute.room_id, mute.user_id, mute.model_dump_json())
        await self._write(lambda c: c.execute(sql, args))

    async def get_mute(self, room_id: str, user_id: str) -> Mute | None:
        sql = "SELECT doc FROM mutes WHERE room_id = ? AND user_id = ?"
        return await self._one(Mute, sql, room_id, user_id)
