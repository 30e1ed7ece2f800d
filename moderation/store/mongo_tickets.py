"""MongoDB backend: moderation's tickets. A ticket's per-community `number` is the
community's max + 1, made unique by an index (a lost race retries, like message seqs); each
message is claimed by one ticket at a time through a claim document per message."""

from __future__ import annotations

from contextlib import suppress
from typing import ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from chat.errors import Conflict, NotFound, Unavailable
from chat.store.mongo_base import (
    APPEND_ATTEMPTS,
    Doc,
    MongoBase,
    back_off,
    duplicate_index,
    from_doc,
    to_doc,
    translated_errors,
)
from moderation.models import LEVELS, OPEN, Ticket, TicketQuery
from moderation.store.base import TicketStore

NUMBER_INDEX = "community_number"
NEWEST_FIRST = [("created_at", DESCENDING), ("_id", DESCENDING)]


class MongoTickets(MongoBase, TicketStore):
    INDEXES: ClassVar[dict[str, list[IndexModel]]] = {
        "tickets": [
            IndexModel(
                [("community_id", ASCENDING), ("number", ASCENDING)], unique=True, name=NUMBER_INDEX
            ),
            IndexModel([("community_id", ASCENDING), ("status", ASCENDING),
                        ("created_at", ASCENDING)]),
            IndexModel([("status", ASCENDING), ("due_at", ASCENDING)]),
            IndexModel([("reporter_id", ASCENDING), ("created_at", ASCENDING)]),
            IndexModel([("message_ids", ASCENDING), ("created_at", ASCENDING)]),
        ],
    }

    # ---- tickets ----------------------------------------------------------------------------
    async def add_ticket(self, ticket: Ticket) -> Ticket:
        await self._claim_messages(ticket)
        try:
            return await self._insert_ticket(ticket)
        except BaseException:
            with translated_errors():
                await self._col("message_claims").delete_many({"ticket_id": ticket.id})
            raise

    async def _claim_messages(self, ticket: Ticket) -> None:
        """One claim document per message (`_id` = message id) makes a second ticket for the
        same message fail on the unique `_id`, across processes; a dismissed draft's claim is
        taken over with a compare-and-swap. A refused ticket lets go of only the claims it
        made: one whose id is taken (a detected draft's, derived from its message) must not
        release the holder's."""
        claims = self._col("message_claims")
        made: list[str] = []
        with translated_errors():
            for message_id in ticket.message_ids:
                with suppress(DuplicateKeyError):
                    await claims.insert_one({"_id": message_id, "ticket_id": ticket.id})
                    made.append(message_id)
                    continue
                held = await claims.find_one({"_id": message_id}) or {}
                holder = await self.get_ticket(str(held.get("ticket_id")))
                taken = holder is not None and holder.status == "dismissed" and (
                    await claims.update_one({"_id": message_id, "ticket_id": holder.id},
                                            {"$set": {"ticket_id": ticket.id}})).modified_count
                if not taken:
                    await claims.delete_many({"_id": {"$in": made}, "ticket_id": ticket.id})
                    raise Conflict("this message is already a ticket / 该消息已报事",
                                   ticket_id=holder.id if holder else None)

    async def _insert_ticket(self, ticket: Ticket) -> Ticket:
        tickets = self._col("tickets")
        with translated_errors():
            for attempt in range(APPEND_ATTEMPTS):
                scope = {"community_id": ticket.community_id}
                number = await self._max("tickets", scope, "number") + 1
                doc = to_doc(ticket.model_copy(update={"number": number}))
                try:
                    await tickets.insert_one(doc)
                except DuplicateKeyError as exc:
                    if duplicate_index(exc) != NUMBER_INDEX:
                        raise
                    await back_off(attempt)
                    continue
                return from_doc(Ticket, self._as_stored(doc))
        raise Unavailable(f"could not assign a ticket number in community {ticket.community_id}")

    async def get_ticket(self, ticket_id: str) -> Ticket | None:
        return await self._one("tickets", Ticket, {"_id": ticket_id})

    async def save_ticket(self, ticket: Ticket) -> None:
        tickets = self._col("tickets")
        with translated_errors():
            result = await tickets.replace_one(
                {"_id": ticket.id, "version": ticket.version - 1}, to_doc(ticket)
            )
            if result.matched_count:
                return
            if await tickets.find_one({"_id": ticket.id}, ["_id"]) is None:
                raise NotFound(f"no ticket {ticket.id}")
        raise Conflict("the ticket was changed meanwhile / 工单已被他人更新，请刷新")

    async def find_tickets(self, query: TicketQuery) -> tuple[list[Ticket], int]:
        where = _ticket_where(query)
        with translated_errors():
            tickets = self._col("tickets")
            total = await tickets.count_documents(where)
            docs = await tickets.find(
                where, sort=NEWEST_FIRST, skip=query.offset, limit=query.limit
            ).to_list()
        return [from_doc(Ticket, doc) for doc in docs], total

    async def ticket_for_message(self, message_id: str) -> Ticket | None:
        with translated_errors():
            doc = await self._col("tickets").find_one(
                {"message_ids": message_id}, sort=NEWEST_FIRST
            )
        return None if doc is None else from_doc(Ticket, doc)


def _ticket_where(q: TicketQuery) -> Doc:
    """The filter for a tickets query; like SQLite's, an empty tuple matches nothing."""
    clauses: list[Doc] = []
    for field, values in (
        ("community_id", q.community_ids),
        ("grid_id", q.grid_ids),
        ("status", q.statuses),
    ):
        if values is not None:
            clauses.append({field: {"$in": list(values)}})
    equal = {
        "street_id": q.street_id,
        "district_id": q.district_id,
        "reporter_id": q.reporter_id,
        "category": q.category,
        "urgency": q.urgency,
        "source": q.source,
        "assignee_id": q.assignee_id,
        "level": q.level,
    }
    clauses += [{field: value} for field, value in equal.items() if value is not None]
    if q.min_level is not None:
        clauses.append({"level": {"$in": list(LEVELS[LEVELS.index(q.min_level) :])}})
    if q.max_level is not None:
        clauses.append({"level": {"$in": list(LEVELS[: LEVELS.index(q.max_level) + 1])}})
    if q.overdue_at is not None:
        clauses.append({"status": {"$in": sorted(OPEN)}, "due_at": {"$lte": q.overdue_at}})
    if q.resolved_before is not None:
        clauses.append({"status": "resolved", "resolved_at": {"$lte": q.resolved_before}})
    if q.created_from is not None:
        clauses.append({"created_at": {"$gte": q.created_from}})
    if q.created_until is not None:
        clauses.append({"created_at": {"$lte": q.created_until}})
    return {"$and": clauses} if clauses else {}
