"""MongoDB backend: the notices part. A notice's document carries `due_at` (see
`Notice.due_at`) so the sweep finds due notices by one index. A new acknowledgement is counted
on its notice with `$inc`; whether it is its household's first is decided by inserting a marker
(`notice_ack_households`, keyed by notice and household), so two members acknowledging at once
count the household once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel

from bots.notices.models import Notice, NoticeAck
from bots.notices.store import NoticeStore
from chat.errors import Conflict, NotFound
from chat.store.mongo_base import Doc, MongoBase, from_doc, to_doc, translated_errors


def _notice_doc(notice: Notice) -> Doc:
    return to_doc(notice) | {"due_at": notice.due_at}


COUNTS = ("acked_members", "acked_households")


def _saved_fields(notice: Notice) -> Doc:
    """What a save sets: everything but the key and the counts `add_ack` keeps."""
    doc = _notice_doc(notice)
    for name in ("_id", *COUNTS):
        doc.pop(name)
    return doc


def _ack_key(notice_id: str, user_id: str) -> str:
    return f"{notice_id}/{user_id}"


class MongoNotices(MongoBase, NoticeStore):
    INDEXES: ClassVar[dict[str, list[IndexModel]]] = {
        "notices": [
            IndexModel([("room_id", ASCENDING), ("status", ASCENDING),
                        ("publish_at", DESCENDING)], name="notices_room"),
            IndexModel([("due_at", ASCENDING)], name="notices_due"),
        ],
        "notice_acks": [
            IndexModel([("notice_id", ASCENDING), ("user_id", ASCENDING)],
                       name="notice_acks_notice"),
            IndexModel([("household", ASCENDING), ("notice_id", ASCENDING)],
                       name="notice_acks_household"),
        ],
    }

    async def add_notice(self, notice: Notice) -> None:
        await self._insert("notices", _notice_doc(notice))

    async def get_notice(self, notice_id: str) -> Notice | None:
        return await self._one("notices", Notice, {"_id": notice_id})

    async def save_notice(self, notice: Notice) -> None:
        notices = self._col("notices")
        with translated_errors():
            result = await notices.update_one(
                {"_id": notice.id, "version": notice.version - 1},
                {"$set": _saved_fields(notice)})
            if result.matched_count:
                return
            if await notices.find_one({"_id": notice.id}, ["_id"]) is None:
                raise NotFound(f"no notice {notice.id}")
        raise Conflict("the notice was changed meanwhile / 公告已被他人更新，请刷新")

    async def room_notices(self, room_id: str, *, pinned_only: bool, limit: int
                           ) -> list[Notice]:
        query: dict[str, Any] = {"room_id": room_id}
        if pinned_only:
            query["status"] = "pinned"
        return await self._many("notices", Notice, query,
                                sort=[("publish_at", DESCENDING), ("_id", DESCENDING)],
                                limit=limit)

    async def due_notices(self, now: datetime, limit: int) -> list[Notice]:
        due = {"due_at": {"$ne": None, "$lte": now}}  # nothing due is stored as null
        return await self._many("notices", Notice, due,
                                sort=[("due_at", ASCENDING), ("_id", ASCENDING)], limit=limit)

    async def add_ack(self, ack: NoticeAck) -> tuple[NoticeAck, bool]:
        key = _ack_key(ack.notice_id, ack.user_id)
        try:
            await self._insert("notice_acks", ack.model_dump() | {"_id": key})
        except Conflict:
            stored = await self._one("notice_acks", NoticeAck, {"_id": key})
            if stored is None:
                raise
            return stored, False
        await self._count_ack(ack)
        return from_doc(NoticeAck, self._as_stored(ack.model_dump())), True

    async def _count_ack(self, ack: NoticeAck) -> None:
        first = True
        if ack.household is not None:
            try:
                await self._insert("notice_ack_households",
                                   {"_id": f"{ack.notice_id}/{ack.household}"})
            except Conflict:
                first = False
        with translated_errors():
            await self._col("notices").update_one(
                {"_id": ack.notice_id},
                {"$inc": {"acked_members": 1, "acked_households": int(first)}})

    async def list_acks(self, notice_id: str) -> list[NoticeAck]:
        return await self._many("notice_acks", NoticeAck, {"notice_id": notice_id},
                                sort=[("user_id", ASCENDING)])

    async def acks_for(self, notice_ids: Sequence[str], user_id: str,
                       household: str | None) -> list[NoticeAck]:
        if not notice_ids:
            return []
        who: list[Doc] = [{"user_id": user_id}]
        if household is not None:
            who.append({"household": household})
        return await self._many(
            "notice_acks", NoticeAck, {"notice_id": {"$in": list(notice_ids)}, "$or": who},
            sort=[("notice_id", ASCENDING), ("user_id", ASCENDING)])
