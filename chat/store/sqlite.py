"""SQLite backend: the chat core, its audit log and community configuration. The other parts
(bots', moderation's) mix in next to it, each from its own package (see sqlite_base); the
composed store is assembled in web.stores."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from chat.errors import NotFound
from chat.models import (
    AuditEntry,
    CommunityConfig,
    JoinCode,
    Message,
    Mute,
    NewMessage,
    Room,
    Session,
    Unit,
    UnitKind,
    User,
)
from chat.store.base import ChatStore
from chat.store.sqlite_base import SqliteBase, changed, load, ms
from chat.store.sqlite_cursors import SqliteCursors
from chat.store.sqlite_membership import SqliteMembership, bump_membership


class SqliteChat(SqliteMembership, SqliteCursors, SqliteBase, ChatStore):
    SCHEMA = """
    CREATE TABLE IF NOT EXISTS units (id TEXT PRIMARY KEY, kind TEXT NOT NULL, parent_id TEXT,
        doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS units_kind_parent ON units (kind, parent_id);
    CREATE TABLE IF NOT EXISTS rooms (id TEXT PRIMARY KEY, community_id TEXT NOT NULL,
        doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS rooms_community ON rooms (community_id);
    CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, phone TEXT NOT NULL UNIQUE,
        community_id TEXT, status TEXT NOT NULL, role TEXT NOT NULL, doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS users_community ON users (community_id, status);
    CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL,
        token_digest TEXT NOT NULL UNIQUE, revoked INTEGER NOT NULL DEFAULT 0, doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id, revoked);
    CREATE TABLE IF NOT EXISTS join_codes (code TEXT PRIMARY KEY, grid_id TEXT NOT NULL,
        doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS join_codes_grid ON join_codes (grid_id);
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
    CREATE TABLE IF NOT EXISTS audit (id TEXT PRIMARY KEY, community_id TEXT, action TEXT NOT NULL,
        actor_id TEXT NOT NULL, target_id TEXT NOT NULL, at_ms INTEGER NOT NULL, doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS audit_community ON audit (community_id, at_ms);
    CREATE TABLE IF NOT EXISTS community_config (community_id TEXT PRIMARY KEY,
        doc TEXT NOT NULL);
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

    # ---- users and sessions ---------------------------------------------------------------
    async def add_user(self, user: User) -> None:
        sql = "INSERT INTO users (id, phone, community_id, status, role, doc) VALUES (?,?,?,?,?,?)"
        args = (user.id, user.phone, user.community_id, user.status, user.role,
                user.model_dump_json())

        def tx(c: sqlite3.Connection) -> None:
            c.execute(sql, args)
            if user.status == "verified":  # nobody else is in a room
                bump_membership(c, user.community_id)

        await self._write(tx)

    async def get_user(self, user_id: str) -> User | None:
        return await self._one(User, "SELECT doc FROM users WHERE id = ?", user_id)

    async def get_users(self, user_ids: Sequence[str]) -> list[User]:
        if not user_ids:
            return []
        marks = ",".join("?" * len(user_ids))
        return await self._many(User, f"SELECT doc FROM users WHERE id IN ({marks})", *user_ids)

    async def get_user_by_phone(self, phone: str) -> User | None:
        return await self._one(User, "SELECT doc FROM users WHERE phone = ?", phone)

    async def update_user(self, user_id: str, changes: Mapping[str, Any]) -> User:
        def tx(c: sqlite3.Connection) -> User:
            row = c.execute("SELECT doc FROM users WHERE id = ?", (user_id,)).fetchone()
            old = load(User, row)
            if old is None:
                raise NotFound(f"no user {user_id}")
            new = changed(old, changes)
            c.execute(
                "UPDATE users SET phone=?, community_id=?, status=?, role=?, doc=? WHERE id=?",
                (new.phone, new.community_id, new.status, new.role, new.model_dump_json(), user_id),
            )
            if old.room_facts != new.room_facts:
                bump_membership(c, old.community_id, new.community_id)
            return new

        return await self._write(tx)

    async def set_room_removal(self, user_id: str, room_id: str, removed: bool) -> User:
        def tx(c: sqlite3.Connection) -> User:
            old = load(User, c.execute("SELECT doc FROM users WHERE id = ?",
                                       (user_id,)).fetchone())
            if old is None:
                raise NotFound(f"no user {user_id}")
            rooms = tuple(r for r in old.removed_from if r != room_id)
            new = changed(old, {"removed_from": (*rooms, room_id) if removed else rooms})
            c.execute("UPDATE users SET doc = ? WHERE id = ?", (new.model_dump_json(), user_id))
            bump_membership(c, new.community_id)
            return new

        return await self._write(tx)

    async def list_users(
        self,
        *,
        community_id: str | None = None,
        grid_id: str | None = None,
        status: str | None = None,
        role: str | None = None,
        unit_id: str | None = None,
        limit: int = 500,
    ) -> list[User]:
        where, args = ["1=1"], []
        for column, value in (("community_id", community_id), ("status", status), ("role", role)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if grid_id is not None:
            where.append("EXISTS (SELECT 1 FROM json_each(doc, '$.grid_ids') WHERE value = ?)")
            args.append(grid_id)
        if unit_id is not None:
            where.append("json_extract(doc, '$.unit_id') = ?")
            args.append(unit_id)
        sql = f"SELECT doc FROM users WHERE {' AND '.join(where)} ORDER BY id LIMIT ?"
        return await self._many(User, sql, *args, limit)

    async def add_session(self, session: Session) -> None:
        sql = "INSERT INTO sessions (id, user_id, token_digest, doc) VALUES (?, ?, ?, ?)"
        args = (session.id, session.user_id, session.token_digest, session.model_dump_json())
        await self._write(lambda c: c.execute(sql, args))

    async def get_session_by_digest(self, token_digest: str) -> Session | None:
        sql = "SELECT doc FROM sessions WHERE token_digest = ?"
        return await self._one(Session, sql, token_digest)

    async def revoke_sessions(
        self, user_id: str, at: datetime, only: str | None = None, keep: str | None = None
    ) -> list[str]:
        def tx(c: sqlite3.Connection) -> list[str]:
            rows = c.execute(
                "SELECT doc FROM sessions WHERE user_id = ? AND revoked = 0", (user_id,)
            ).fetchall()
            revoked = []
            for row in rows:
                session = Session.model_validate_json(row["doc"])
                if (only is not None and session.id != only) or session.id == keep:
                    continue
                doc = changed(session, {"revoked_at": at}).model_dump_json()
                c.execute("UPDATE sessions SET revoked=1, doc=? WHERE id=?", (doc, session.id))
                revoked.append(session.id)
            return revoked

        return await self._write(tx)

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

    # ---- audit log and community configuration --------------------------------------------
    async def add_audit(self, entry: AuditEntry) -> None:
        args = (entry.id, entry.community_id, entry.action, entry.actor_id, entry.target_id,
                ms(entry.at), entry.model_dump_json())
        await self._write(lambda c: c.execute(
            "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?)", args))

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
        clauses: list[str] = ["1 = 1"]
        args: list[Any] = []
        for column, value in (("community_id", community_id), ("action", action),
                              ("actor_id", actor_id), ("target_id", target_id)):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        if before is not None and before_id is not None:
            clauses.append("(at_ms < ? OR (at_ms = ? AND id < ?))")
            args += [ms(before), ms(before), before_id]
        elif before is not None:
            clauses.append("at_ms < ?")
            args.append(ms(before))
        sql = (f"SELECT doc FROM audit WHERE {' AND '.join(clauses)}"
               " ORDER BY at_ms DESC, id DESC LIMIT ?")
        return await self._many(AuditEntry, sql, *args, limit)

    async def get_community_config(self, community_id: str) -> CommunityConfig | None:
        sql = "SELECT doc FROM community_config WHERE community_id = ?"
        return await self._one(CommunityConfig, sql, community_id)

    async def put_community_config(self, config: CommunityConfig) -> None:
        sql = ("INSERT INTO community_config VALUES (?, ?) ON CONFLICT (community_id)"
               " DO UPDATE SET doc = excluded.doc")
        args = (config.community_id, config.model_dump_json())
        await self._write(lambda c: c.execute(sql, args))

