"""MongoDB backend: the accounts' part (users and sessions, see chat.store.accounts); writes
that change who is in a community's rooms bump its membership version afterwards."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from pymongo import ASCENDING, IndexModel, ReturnDocument

from chat.errors import NotFound
from chat.models import Session, User
from chat.store.accounts import AccountStore
from chat.store.mongo_base import Doc, changed, from_doc, to_doc, translated_errors
from chat.store.mongo_membership import MongoMembership


class MongoAccounts(MongoMembership, AccountStore):
    INDEXES: ClassVar[dict[str, list[IndexModel]]] = {
        "users": [
            IndexModel([("phone", ASCENDING)], unique=True, name="phone"),
            IndexModel([("community_id", ASCENDING), ("status", ASCENDING)]),
            IndexModel([("grid_ids", ASCENDING)]),
        ],
        "sessions": [
            IndexModel([("token_digest", ASCENDING)], unique=True, name="token_digest"),
            IndexModel([("user_id", ASCENDING), ("revoked_at", ASCENDING)]),
        ],
    }

    # ---- users and sessions ---------------------------------------------------------------
    async def add_user(self, user: User) -> None:
        await self._insert("users", to_doc(user))
        if user.status == "verified":  # nobody else is in a room
            await self._bump_membership(user.community_id)

    async def get_user(self, user_id: str) -> User | None:
        return await self._one("users", User, {"_id": user_id})

    async def get_users(self, user_ids: Sequence[str]) -> list[User]:
        if not user_ids:
            return []
        return await self._many("users", User, {"_id": {"$in": list(user_ids)}})

    async def get_user_by_phone(self, phone: str) -> User | None:
        return await self._one("users", User, {"phone": phone})

    async def update_user(self, user_id: str, changes: Mapping[str, Any]) -> User:
        old = await self.get_user(user_id)
        if old is None:
            raise NotFound(f"no user {user_id}")
        new, fields = changed(old, changes)
        if not fields:
            return new
        doc = await self._set("users", {"_id": user_id}, fields)
        if doc is None:
            raise NotFound(f"no user {user_id}")
        if old.room_facts != new.room_facts:
            await self._bump_membership(old.community_id, new.community_id)
        return from_doc(User, doc)

    async def set_room_removal(self, user_id: str, room_id: str, removed: bool) -> User:
        change = {"$addToSet": {"removed_from": room_id}} if removed else \
            {"$pull": {"removed_from": room_id}}
        with translated_errors():
            doc = await self._col("users").find_one_and_update(
                {"_id": user_id}, change, return_document=ReturnDocument.AFTER)
        if doc is None:
            raise NotFound(f"no user {user_id}")
        user = from_doc(User, doc)
        await self._bump_membership(user.community_id)
        return user

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
        filters = {
            "community_id": community_id,
            "grid_ids": grid_id,
            "status": status,
            "role": role,
            "unit_id": unit_id,
        }
        query = {field: value for field, value in filters.items() if value is not None}
        return await self._many("users", User, query, sort=[("_id", ASCENDING)], limit=limit)

    async def add_session(self, session: Session) -> None:
        await self._insert("sessions", to_doc(session))

    async def get_session_by_digest(self, token_digest: str) -> Session | None:
        return await self._one("sessions", Session, {"token_digest": token_digest})

    async def revoke_sessions(
        self, user_id: str, at: datetime, only: str | None = None, keep: str | None = None
    ) -> list[str]:
        which: Doc = {}
        if only is not None:
            which["$eq"] = only
        if keep is not None:
            which["$ne"] = keep
        query: Doc = {"user_id": user_id, "revoked_at": None}
        if which:
            query["_id"] = which
        sessions = self._col("sessions")
        with translated_errors():
            ids = [str(doc["_id"]) for doc in await sessions.find(query, ["_id"]).to_list()]
            if ids:
                await sessions.update_many(
                    {"_id": {"$in": ids}, "revoked_at": None}, {"$set": {"revoked_at": at}}
                )
        return ids
