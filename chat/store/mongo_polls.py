"""MongoDB backend: the polls part.

A ballot is written first and then bumps its poll's version, only while the poll is open; when
the poll closed in between, the ballot is rolled back. Closing is a compare-and-swap on the
version, so a closer that read the ballots before a new one arrived has to read them again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument

from bots.polls.models import Ballot, Poll
from chat.errors import Conflict, NotFound
from chat.store.mongo_base import Doc, MongoBase, from_doc, to_doc, translated_errors


def _ballot_key(poll_id: str, voter: str) -> str:
    return f"{poll_id}/{voter}"


def _ballot_doc(ballot: Ballot) -> Doc:
    return {"_id": _ballot_key(ballot.poll_id, ballot.voter), **ballot.model_dump()}


class MongoPolls(MongoBase):
    INDEXES: ClassVar[dict[str, list[IndexModel]]] = {
        "polls": [
            IndexModel([("room_id", ASCENDING), ("created_at", ASCENDING)]),
            IndexModel([("status", ASCENDING), ("deadline", ASCENDING)]),
            IndexModel([("room_id", ASCENDING), ("status", ASCENDING),
                        ("closed_at", ASCENDING)]),
        ],
        "ballots": [IndexModel([("poll_id", ASCENDING), ("voter", ASCENDING)])],
    }

    async def add_poll(self, poll: Poll) -> None:
        await self._insert("polls", to_doc(poll))

    async def get_poll(self, poll_id: str) -> Poll | None:
        return await self._one("polls", Poll, {"_id": poll_id})

    async def save_poll(self, poll: Poll) -> None:
        polls = self._col("polls")
        with translated_errors():
            result = await polls.replace_one({"_id": poll.id, "version": poll.version - 1},
                                             to_doc(poll))
            if result.matched_count == 1:
                return
            if await polls.find_one({"_id": poll.id}, ["_id"]) is None:
                raise NotFound(f"no poll {poll.id}")
        raise Conflict("the poll was changed meanwhile / 表决已变化，请刷新")

    async def list_polls(self, room_id: str, limit: int) -> list[Poll]:
        return await self._many("polls", Poll, {"room_id": room_id},
                                sort=[("created_at", DESCENDING), ("_id", DESCENDING)],
                                limit=limit)

    async def due_polls(self, now: datetime, limit: int) -> list[Poll]:
        return await self._many("polls", Poll, {"status": "open", "deadline": {"$lte": now}},
                                sort=[("deadline", ASCENDING), ("_id", ASCENDING)], limit=limit)

    async def list_decisions(self, room_ids: Sequence[str], limit: int,
                             offset: int) -> list[Poll]:
        if not room_ids:
            return []
        query = {"room_id": {"$in": list(room_ids)}, "status": "closed"}
        with translated_errors():
            docs = await self._col("polls").find(
                query, sort=[("closed_at", DESCENDING), ("_id", DESCENDING)],
                skip=offset, limit=limit).to_list()
        return [from_doc(Poll, doc) for doc in docs]

    async def cast_ballot(self, ballot: Ballot, previous: Ballot | None) -> None:
        await self._store_ballot(ballot, previous)
        with translated_errors():
            bumped = await self._col("polls").find_one_and_update(
                {"_id": ballot.poll_id, "status": "open"}, {"$inc": {"version": 1}},
                projection=["_id"], return_document=ReturnDocument.AFTER)
        if bumped is not None:
            return
        await self._undo_ballot(ballot, previous)
        if await self.get_poll(ballot.poll_id) is None:
            raise NotFound(f"no poll {ballot.poll_id}")
        raise Conflict("the poll is closed / 表决已结束")

    async def _store_ballot(self, ballot: Ballot, previous: Ballot | None) -> None:
        ballots = self._col("ballots")
        if previous is None:
            await self._insert("ballots", _ballot_doc(ballot))
            return
        with translated_errors():
            result = await ballots.replace_one(_ballot_doc(previous), _ballot_doc(ballot))
        if result.matched_count != 1:
            raise Conflict("already voted / 已投票")

    async def _undo_ballot(self, ballot: Ballot, previous: Ballot | None) -> None:
        ballots = self._col("ballots")
        with translated_errors():
            if previous is None:
                await ballots.delete_one(_ballot_doc(ballot))
            else:
                await ballots.replace_one(_ballot_doc(ballot), _ballot_doc(previous))

    async def get_ballot(self, poll_id: str, voter: str) -> Ballot | None:
        return await self._one("ballots", Ballot, {"_id": _ballot_key(poll_id, voter)})

    async def list_ballots(self, poll_id: str) -> list[Ballot]:
        return await self._many("ballots", Ballot, {"poll_id": poll_id},
                                sort=[("voter", ASCENDING)], limit=0)
