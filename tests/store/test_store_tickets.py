"""The Store contract for tickets, on every backend. Data sets stay small (mongoeco is slow)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chat.errors import Conflict, NotFound
from moderation.machine import Confirm, Policy, apply, new_ticket
from moderation.models import Ticket, TicketQuery
from tests.support.stores import StoreTarget
from web.stores import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
POLICY = Policy()


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ticket(ticket_id: str, minute: float = 0, **fields: Any) -> Ticket:
    values: dict[str, Any] = {
        "status": "submitted", "by": "u1", "now": at(minute), "policy": POLICY, "id": ticket_id,
        "number": 0, "source": "resident", "description": f"3栋电梯坏了 {ticket_id}",
        "community_id": "c1", "grid_id": "g1", "street_id": "s1", "district_id": "d1",
        "reporter_id": "u1", "urgency": "normal", "message_ids": (f"m-{ticket_id}",),
    }
    values.update(fields)
    return new_ticket(**values)


def ids(tickets: list[Ticket]) -> list[str]:
    return [t.id for t in tickets]


async def test_add_assigns_running_numbers_per_community(store: Store) -> None:
    a = await store.add_ticket(ticket("t1"))
    b = await store.add_ticket(ticket("t2", 1))
    other = await store.add_ticket(ticket("t3", 2, community_id="c2"))
    assert (a.number, b.number, other.number) == (1, 2, 1)
    assert await store.get_ticket("t2") == b
    assert await store.get_ticket("nope") is None


async def test_duplicate_ticket_id_is_a_conflict(store: Store) -> None:
    await store.add_ticket(ticket("t1"))
    with pytest.raises(Conflict):
        await store.add_ticket(ticket("t1"))


async def test_concurrent_adds_get_distinct_numbers(store: Store) -> None:
    stored = await asyncio.gather(*(store.add_ticket(ticket(f"t{n}", n)) for n in range(4)))
    assert sorted(t.number for t in stored) == [1, 2, 3, 4]


async def test_save_checks_the_version(store: Store) -> None:
    draft = await store.add_ticket(ticket("t1", status="draft", source="detected"))
    confirmed = apply(draft, Confirm(), "w1", at(5), POLICY)
    await store.save_ticket(confirmed)
    assert await store.get_ticket("t1") == confirmed
    with pytest.raises(Conflict):
        await store.save_ticket(confirmed)  # stale: version already stored
    with pytest.raises(NotFound):
        await store.save_ticket(confirmed.model_copy(update={"id": "missing"}))


async def test_find_filters_pages_and_counts(store: Store) -> None:
    await store.add_ticket(ticket("t1", 0, category="电梯设施"))
    await store.add_ticket(ticket("t2", 1, grid_id="g2", urgency="urgent", source="worker"))
    await store.add_ticket(ticket("t3", 2, status="draft", source="detected"))
    await store.add_ticket(ticket("t4", 3, community_id="c2", grid_id="g9", street_id="s2"))
    await store.add_ticket(ticket("t5", 4, reporter_id="u2", level="street"))

    page, total = await store.find_tickets(TicketQuery(community_ids=("c1",), limit=2))
    assert (ids(page), total) == (["t5", "t3"], 4)
    page, total = await store.find_tickets(TicketQuery(community_ids=("c1",), offset=2, limit=2))
    assert (ids(page), total) == (["t2", "t1"], 4)

    async def found(**filters: Any) -> list[str]:
        return ids((await store.find_tickets(TicketQuery(**filters)))[0])

    assert await found(grid_ids=("g2", "g9")) == ["t4", "t2"]
    assert await found(grid_ids=()) == []
    assert await found(statuses=("draft",)) == ["t3"]
    assert await found(category="电梯设施") == ["t1"]
    assert await found(urgency="urgent") == ["t2"]
    assert await found(source="worker") == ["t2"]
    assert await found(reporter_id="u2") == ["t5"]
    assert await found(street_id="s1", min_level="street") == ["t5"]
    assert await found(level="street") == ["t5"]
    assert await found(community_ids=("c1",), max_level="grid") == ["t3", "t2", "t1"]
    assert await found(district_id="d1", community_ids=("c2",)) == ["t4"]
    assert await found(created_from=at(1), created_until=at(3)) == ["t4", "t3", "t2"]


async def test_overdue_and_resolved_before(store: Store) -> None:
    await store.add_ticket(ticket("t1", 0, urgency="urgent"))  # due at 2 h
    await store.add_ticket(ticket("t2", 0))  # due at 24 h
    await store.add_ticket(ticket("t3", 0, status="draft", source="detected"))  # no SLA
    resolved = (await store.add_ticket(ticket("t4", 0))).model_copy(update={
        "status": "resolved", "resolved_at": at(60), "version": 2})
    await store.save_ticket(resolved)

    async def found(**filters: Any) -> list[str]:
        return ids((await store.find_tickets(TicketQuery(**filters)))[0])

    assert await found(overdue_at=at(119)) == []
    assert await found(overdue_at=at(120)) == ["t1"]
    assert await found(overdue_at=at(24 * 60)) == ["t2", "t1"]
    assert await found(resolved_before=at(59)) == []
    assert await found(resolved_before=at(60)) == ["t4"]


async def test_a_message_belongs_to_one_ticket_at_a_time(store: Store) -> None:
    await store.add_ticket(ticket("t1", 0, message_ids=("m1", "m2")))
    with pytest.raises(Conflict) as taken:
        await store.add_ticket(ticket("t2", 5, message_ids=("m3", "m2")))
    assert taken.value.extra["ticket_id"] == "t1"
    assert await store.get_ticket("t2") is None
    await store.add_ticket(ticket("t2", 5, message_ids=("m3",)))  # m3's claim was released
    draft = await store.add_ticket(ticket("t3", 6, status="draft", source="detected",
                                          message_ids=("m4",)))
    await store.save_ticket(draft.model_copy(update={"status": "dismissed", "version": 2}))
    await store.add_ticket(ticket("t4", 7, message_ids=("m4",)))  # a dismissed draft lets go
    assert (await store.ticket_for_message("m4")).id == "t4"  # type: ignore[union-attr]


async def test_concurrent_tickets_for_one_message(store: Store) -> None:
    results = await asyncio.gather(
        *(store.add_ticket(ticket(f"t{n}", n, message_ids=("m1",))) for n in range(3)),
        return_exceptions=True)
    assert sum(isinstance(r, Ticket) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 2


async def test_ticket_for_message(store: Store) -> None:
    await store.add_ticket(ticket("t1", 0, message_ids=("m1", "m2")))
    assert (await store.ticket_for_message("m1")).id == "t1"  # type: ignore[union-attr]
    assert (await store.ticket_for_message("m2")).id == "t1"  # type: ignore[union-attr]
    assert await store.ticket_for_message("m3") is None
    t1 = await store.get_ticket("t1")
    assert t1 is not None
    await store.save_ticket(t1.model_copy(update={"message_ids": ("m1", "m3"), "version": 2}))
    assert (await store.ticket_for_message("m3")).id == "t1"  # type: ignore[union-attr]


async def test_tickets_survive_a_second_handle(store_target: StoreTarget) -> None:
    first = store_target.new()
    await first.open()
    await first.add_ticket(ticket("t1"))
    second = store_target.new()
    await second.open()
    try:
        stored = await second.add_ticket(ticket("t2", 1))
        assert stored.number == 2
        assert (await second.get_ticket("t1")) == (await first.get_ticket("t1"))
    finally:
        await first.close()
        await second.close()
