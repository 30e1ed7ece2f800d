"""MongoDB backend: the polls part.

A poll's ballots live inside its document (`ballots.<voter>`), so one conditional update stores
a ballot, bumps the version and moves the running tally at once, and only while the poll is
open: no multi-document transaction is needed. Closing is a compare-and-swap on the version,
so a closer that read the ballots before a new one arrived has to read them again. Reads of
the poll leave the ballots out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument

from bots.polls.models import Ballot, Poll
from bots.polls.store import PollStore
from chat.errors import Conflict, NotFound
from chat.store.mongo_base import Doc, MongoBase, from_doc, to_doc, translated_errors

WITHOUT_BALLOTS = {"ballots": 0}


def _slot(voter: str) -> str:
    """The field of a voter's ballot; keys (ids, households, digests) escaped for field names."""
    escaped = voter.replace("%", "%25").replace(".", "%2E").replace("$", "%24")
    return f"ballots.{escaped}"


def _same_ballot(slot: str, ballot: Ballot | None) -> Doc:
    if ballot is None:
        return {slot: {"$exists": False}}
    return {f"{slot}.caster": ballot.caster, f"{slot}.option_ids": list(ballot.option_ids)}


def _cast(ballot: Ballot, previous: Ballot | None, change: Mapping[str, int]) -> Doc:
    inc: dict[str, Any] = {f"counts.{o}": n for o, n in change.items()}
    inc |= {"version": 1, "voters": 1 if previous is None else 0}
    return {"$set": {_slot(ballot.voter): ballot.model_dump()}, "$inc": inc}


def _ballots(doc: Doc) -> list[Ballot]:
    return [Ballot.model_validate(b) for b in doc.get("ballots", {}).values()]


class MongoPolls(MongoBase, PollStore):
    INDEXES: ClassVar[dict[str, list[IndexModel]]] = {
        "polls": [
            IndexModel([("room_id", ASCENDING), ("created_at", ASCENDING)]),
            IndexModel([("status", ASCENDING), ("deadline", ASCENDING)]),
            IndexModel([("room_id", ASCENDING), ("status", ASCENDING),
                        ("closed_at", ASCENDING)]),
            IndexModel([("status", ASCENDING), ("announced_at", ASCENDING),
                        ("closed_at", ASCENDING)]),
        ],
    }

    async def _polls(self, query: Doc, sort: list[tuple[str, int]], limit: int,
                     skip: int = 0) -> list[Poll]:
        with translated_errors():
            docs = await self._col("polls").find(query, WITHOUT_BALLOTS, sort=sort, skip=skip,
                                                 limit=limit).to_list()
        return [from_doc(Poll, doc) for doc in docs]

    async def add_poll(self, poll: Poll) -> None:
        await self._insert("polls", to_doc(poll))

    async def get_poll(self, poll_id: str) -> Poll | None:
        with translated_errors():
            doc = await self._col("polls").find_one({"_id": poll_id}, WITHOUT_BALLOTS)
        return None if doc is None else from_doc(Poll, doc)

    async def save_poll(self, poll: Poll) -> None:
        polls = self._col("polls")
        fields = to_doc(poll)
        del fields["_id"]
        with translated_errors():
            result = await polls.update_one({"_id": poll.id, "version": poll.version - 1},
                                            {"$set": fields})
            if result.matched_count == 1:
                return
            if await polls.find_one({"_id": poll.id}, ["_id"]) is None:
                raise NotFound(f"no poll {poll.id}")
        raise Conflict("the poll was changed meanwhile / 表决已变化，请刷新")

    async def list_polls(self, room_id: str, limit: int) -> list[Poll]:
        return await self._polls({"room_id": room_id},
                                 [("created_at", DESCENDING), ("_id", DESCENDING)], limit)

    async def due_polls(self, now: datetime, limit: int) -> list[Poll]:
        return await self._polls({"status": "open", "deadline": {"$lte": now}},
                                 [("deadline", ASCENDING), ("_id", ASCENDING)], limit)

    async def unannounced_polls(self, since: datetime, until: datetime,
                                limit: int) -> list[Poll]:
        query = {"status": "closed", "announced_at": None,
                 "closed_at": {"$gte": since, "$lte": until}}
        return await self._polls(query, [("closed_at", ASCENDING), ("_id", ASCENDING)], limit)

    async def mark_announced(self, poll_id: str, at: datetime) -> bool:
        with translated_errors():
            result = await self._col("polls").update_one(
                {"_id": poll_id, "announced_at": None}, {"$set": {"announced_at": at}})
        return result.modified_count == 1

    async def list_decisions(self, room_ids: Sequence[str], limit: int,
                             offset: int) -> list[Poll]:
        if not room_ids:
            return []
        query = {"room_id": {"$in": list(room_ids)}, "status": "closed"}
        return await self._polls(query, [("closed_at", DESCENDING), ("_id", DESCENDING)],
                                 limit, skip=offset)

    async def cast_ballot(self, ballot: Ballot, previous: Ballot | None,
                          change: Mapping[str, int]) -> Poll:
        slot = _slot(ballot.voter)
        query = {"_id": ballot.poll_id, "status": "open"} | _same_ballot(slot, previous)
        with translated_errors():
            doc = await self._col("polls").find_one_and_update(
                query, _cast(ballot, previous, change), projection=WITHOUT_BALLOTS,
                return_document=ReturnDocument.AFTER)
            if doc is not None:
                return from_doc(Poll, doc)
            found = await self._col("polls").find_one({"_id": ballot.poll_id}, ["status"])
        if found is None:
            raise NotFound(f"no poll {ballot.poll_id}")
        if found["status"] != "open":
            raise Conflict("the poll is closed / 表决已结束")
        raise Conflict("already voted / 已投票")

    async def get_ballot(self, poll_id: str, voter: str) -> Ballot | None:
        found = await self.get_ballots([(poll_id, voter)])
        return found[0] if found else None

    async def get_ballots(self, keys: Sequence[tuple[str, str]]) -> list[Ballot]:
        if not keys:
            return []
        wanted = set(keys)
        projection = {_slot(voter): 1 for _, voter in keys}
        with translated_errors():
            docs = await self._col("polls").find(
                {"_id": {"$in": sorted({poll_id for poll_id, _ in keys})}}, projection,
            ).to_list()
        return [b for doc in docs for b in _ballots(doc) if (b.poll_id, b.voter) in wanted]

    async def list_ballots(self, poll_ids: Sequence[str]) -> list[Ballot]:
        if not poll_ids:
            return []
        with translated_errors():
            docs = await self._col("polls").find({"_id": {"$in": list(poll_ids)}},
                                                 {"ballots": 1}).to_list()
        return sorted((b for doc in docs for b in _ballots(doc)),
                      key=lambda b: (b.poll_id, b.voter))
