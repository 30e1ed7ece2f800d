"""SQLite backend: the accounts' part (users and sessions, see chat.store.accounts); writes
that change who is in a community's rooms bump its membership version in the same
transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from chat.errors import NotFound
from chat.models import Session, User
from chat.store.accounts import AccountStore
from chat.store.sqlite_base import changed, load
from chat.store.sqlite_membership import SqliteMembership, bump_membership


class SqliteAccounts(SqliteMembership, AccountStore):
    SCHEMA = """
    CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, phone TEXT NOT NULL UNIQUE,
        community_id TEXT, status TEXT NOT NULL, role TEXT NOT NULL, doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS users_community ON users (community_id, status);
    CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL,
        token_digest TEXT NOT NULL UNIQUE, revoked INTEGER NOT NULL DEFAULT 0, doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id, revoked);
    """

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
