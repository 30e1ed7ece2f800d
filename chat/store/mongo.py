"""MongoDB backend over PyMongo's native async API.

Records are stored as their `model_dump()` with `_id` = the record's key. Message `seq` is
gapless without a counter: an insert takes the room's current max + 1, and the unique
(room_id, seq) index turns a race with another process into a jittered retry; a ticket's
per-community `number` is assigned the same way (moderation.store.mongo_tickets).

This module holds the chat core, its audit log and community configuration; the other parts
mix in from their own packages, and web.stores assembles the composed store."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from chat.errors import NotFound, Unavailable
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
from chat.store.mongo_base import (
    APPEND_ATTEMPTS,
    Doc,
    MongoBase,
    back_off,
    changed,
    duplicate_index,
    from_doc,
    to_doc,
    translated_errors,
)
from chat.store.mongo_cursors import MongoCursors
from chat.store.mongo_membership import MongoMembership

SEQ_INDEX = "room_seq"
CLIENT_ID_INDEX = "room_sender_client"


class MongoChat(MongoMembership, MongoCursors, MongoBase, ChatStore):
    INDEXES: ClassVar[dict[str, list[IndexModel]]] = {
        "units": [IndexModel([("kind", ASCENDING), ("parent_id", ASCENDING)])],
        "rooms": [IndexModel([("community_id", ASCENDING)])],
        "users": [
            IndexModel([("phone", ASCENDING)], unique=True, name="phone"),
            IndexModel([("community_id", ASCENDING), ("status", ASCENDING)]),
            IndexModel([("grid_ids", ASCENDING)]),
        ],
        "sessions": [
            IndexModel([("token_digest", ASCENDING)], unique=True, name="token_digest"),
            IndexModel([("user_id", ASCENDING), ("revoked_at", ASCENDING)]),
        ],
        "join_codes": [IndexModel([("grid_id", ASCENDING)])],
        "messages": [
            IndexModel([("room_id", ASCENDING), ("seq", ASCENDING)], unique=True, name=SEQ_INDEX),
            IndexModel(
                [("room_id", ASCENDING), ("sender_id", ASCENDING), ("client_id", ASCENDING)],
                unique=True,
                name=CLIENT_ID_INDEX,
            ),
            IndexModel([("room_id", ASCENDING), ("changed_at", ASCENDING)]),
        ],
        "read_markers": [IndexModel([("user_id", ASCENDING), ("room_id", ASCENDING)], unique=True)],
        "mutes": [IndexModel([("room_id", ASCENDING), ("user_id", ASCENDING)], unique=True)],
        "audit": [IndexModel([("community_id", ASCENDING), ("at", ASCENDING)])],
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

    # ---- messages -------------------------------------------------------------------------
    async def append_message(self, new: NewMessage) -> tuple[Message, bool]:
        # The lock only spares this process's own appends from racing each other; the
        # unique indexes keep other processes correct.
        lock = self._room_locks.setdefault(new.room_id, asyncio.Lock())
        async with lock:
            with translated_errors():
                return await self._append(new)

    async def _append(self, new: NewMessage) -> tuple[Message, bool]:
        messages = self._col("messages")
        for attempt in range(APPEND_ATTEMPTS):
            seq = await self._max("messages", {"room_id": new.room_id}, "seq") + 1
            doc = to_doc(
                Message.model_validate(
                    {**new.model_dump(), "seq": seq, "updated_at": new.created_at}
                )
            )
            try:
                await messages.insert_one(doc)
            except DuplicateKeyError as exc:
                if duplicate_index(exc) != SEQ_INDEX:
                    return await self._existing(new, exc), False
                await back_off(attempt)
                continue
            return from_doc(Message, self._as_stored(doc)), True
        raise Unavailable(f"could not assign a sequence number in room {new.room_id}")

    async def _existing(self, new: NewMessage, exc: DuplicateKeyError) -> Message:
        query = {"room_id": new.room_id, "sender_id": new.sender_id, "client_id": new.client_id}
        doc = await self._col("messages").find_one(query)
        if doc is None:
            raise exc
        return from_doc(Message, doc)

    async def get_message(self, message_id: str) -> Message | None:
        return await self._one("messages", Message, {"_id": message_id})

    async def history(self, room_id: str, before_seq: int | None, limit: int) -> list[Message]:
        query: Doc = {"room_id": room_id}
        if before_seq is not None:
            query["seq"] = {"$lt": before_seq}
        page = await self._many("messages", Message, query, sort=[("seq", DESCENDING)], limit=limit)
        page.reverse()
        return page

    async def messages_after(self, room_id: str, after_seq: int, limit: int) -> list[Message]:
        query = {"room_id": room_id, "seq": {"$gt": after_seq}}
        return await self._many("messages", Message, query, sort=[("seq", ASCENDING)], limit=limit)

    async def changed_since(
        self, room_id: str, up_to_seq: int, since: datetime, limit: int
    ) -> list[Message]:
        query = {"room_id": room_id, "changed_at": {"$gt": since}, "seq": {"$lte": up_to_seq}}
        return await self._many("messages", Message, query, sort=[("seq", ASCENDING)], limit=limit)

    async def update_message(self, message_id: str, changes: Mapping[str, Any]) -> Message:
        old = await self.get_message(message_id)
        if old is None:
            raise NotFound(f"no message {message_id}")
        new, fields = changed(old, changes)
        doc = await self._set(
            "messages", {"_id": message_id}, {**fields, "changed_at": new.updated_at}
        )
        if doc is None:
            raise NotFound(f"no message {message_id}")
        return from_doc(Message, doc)

    async def last_seqs(self, room_ids: Sequence[str]) -> dict[str, int]:
        if not room_ids:
            return {}
        pipeline: list[Doc] = [
            {"$match": {"room_id": {"$in": list(room_ids)}}},
            {"$sort": {"room_id": ASCENDING, "seq": DESCENDING}},
            {"$group": {"_id": "$room_id", "seq": {"$first": "$seq"}}},
        ]
        with translated_errors():
            cursor = await self._col("messages").aggregate(pipeline)
            found = {str(doc["_id"]): int(doc["seq"]) for doc in await cursor.to_list()}
        return {room_id: found.get(room_id, 0) for room_id in room_ids}

    # ---- read markers and mutes -------------------------------------------------------------
    async def mark_read(self, user_id: str, room_id: str, seq: int) -> int:
        with translated_errors():
            doc = await self._col("read_markers").find_one_and_update(
                {"user_id": user_id, "room_id": room_id},
                {"$max": {"seq": seq}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        if doc is None:
            raise Unavailable("MongoDB returned no read marker after an upsert")
        return int(doc["seq"])

    async def read_markers(self, user_id: str) -> dict[str, int]:
        with translated_errors():
            docs = await self._col("read_markers").find({"user_id": user_id}).to_list()
        return {str(doc["room_id"]): int(doc["seq"]) for doc in docs}

    async def unread_mentions(self, user_id: str, after: Mapping[str, int]) -> dict[str, int]:
        if not after:
            return {}
        unread = [{"room_id": room_id, "seq": {"$gt": seq}} for room_id, seq in after.items()]
        pipeline: list[Doc] = [
            {"$match": {
                "$or": unread, "sender_id": {"$ne": user_id}, "deleted_at": None,
                "$and": [{"$or": [{"mentions": user_id}, {"mention_all": True}]}]}},
            {"$group": {"_id": "$room_id", "count": {"$sum": 1}}},
        ]
        with translated_errors():
            cursor = await self._col("messages").aggregate(pipeline)
            found = {str(doc["_id"]): int(doc["count"]) for doc in await cursor.to_list()}
        return {room_id: found.get(room_id, 0) for room_id in after}

    async def set_mute(self, mute: Mute) -> None:
        with translated_errors():
            await self._col("mutes").replace_one(
                {"room_id": mute.room_id, "user_id": mute.user_id}, mute.model_dump(), upsert=True
            )

    async def get_mute(self, room_id: str, user_id: str) -> Mute | None:
        return await self._one("mutes", Mute, {"room_id": room_id, "user_id": user_id})

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

