"""MongoDB backend: the messages' part (messages, read markers, unread mentions, mutes; see
chat.store.messages).

Message `seq` is gapless without a counter: an insert takes the room's current max + 1, and the
unique (room_id, seq) index turns a race with another process into a jittered retry; a
ticket's per-community `number` is assigned the same way (moderation.store.mongo_tickets)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from chat.errors import NotFound, Unavailable
from chat.models import Message, Mute, NewMessage
from chat.store.messages import MessageStore
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

SEQ_INDEX = "room_seq"
CLIENT_ID_INDEX = "room_sender_client"


class MongoMessages(MongoBase, MessageStore):
    INDEXES: ClassVar[dict[str, list[IndexModel]]] = {
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
    }

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
