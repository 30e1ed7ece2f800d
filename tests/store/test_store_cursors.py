"""The Store contract for what makes follow-on work durable and idempotent, on every backend:
consumer cursors, leases, the webhook delivery log's unique ids and one ticket per id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bots.webhooks.models import Delivery
from chat.errors import Conflict
from moderation.machine import Policy, new_ticket
from moderation.models import Ticket
from web.stores import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def draft(ticket_id: str, message_id: str) -> Ticket:
    return new_ticket(status="draft", by="system", now=T0, policy=Policy(), id=ticket_id,
                      number=0, source="detected", description="3栋电梯困人了",
                      community_id="c1", grid_id="g1", reporter_id="u1",
                      message_ids=(message_id,))


# ---- cursors ----------------------------------------------------------------------------------


async def test_a_consumer_starts_once_from_the_seqs_it_is_given(store: Store) -> None:
    assert await store.follow_cursors("detection") is None
    assert await store.start_follow("detection", {"r1": 5, "r2": 0}, T0)
    assert await store.follow_cursors("detection") == {"r1": 5, "r2": 0}
    assert not await store.start_follow("detection", {"r1": 9, "r3": 2}, at(1))
    assert await store.follow_cursors("detection") == {"r1": 5, "r2": 0}
    assert await store.follow_cursors("webhooks") is None
    assert await store.start_follow("webhooks", {}, T0)
    assert await store.follow_cursors("webhooks") == {}


async def test_cursors_only_move_forward_per_consumer_and_room(store: Store) -> None:
    await store.start_follow("bots", {"r1": 3}, T0)
    await store.start_follow("webhooks", {"r1": 3}, T0)
    assert await store.advance_follow("bots", "r1", 4) == 4
    assert await store.advance_follow("bots", "r1", 2) == 4
    assert await store.advance_follow("bots", "r9", 1) == 1  # a room created later
    assert await store.follow_cursors("bots") == {"r1": 4, "r9": 1}
    assert await store.follow_cursors("webhooks") == {"r1": 3}


# ---- leases -----------------------------------------------------------------------------------


async def test_a_lease_has_one_holder_until_it_expires(store: Store) -> None:
    assert await store.take_lease("detection", "a", now=at(0), until=at(10))
    assert not await store.take_lease("detection", "b", now=at(5), until=at(15))
    assert await store.take_lease("detection", "a", now=at(5), until=at(15))  # renewed
    assert not await store.take_lease("detection", "b", now=at(12), until=at(22))
    assert await store.take_lease("bots", "b", now=at(12), until=at(22))  # another name
    assert await store.take_lease("detection", "b", now=at(15), until=at(25))  # expired
    assert not await store.take_lease("detection", "a", now=at(16), until=at(26))


async def test_only_the_holder_drops_a_lease(store: Store) -> None:
    assert await store.take_lease("webhooks", "a", now=at(0), until=at(10))
    await store.drop_lease("webhooks", "b")
    assert not await store.take_lease("webhooks", "b", now=at(1), until=at(11))
    await store.drop_lease("webhooks", "a")
    assert await store.take_lease("webhooks", "b", now=at(1), until=at(11))


# ---- idempotent effects -----------------------------------------------------------------------


async def test_a_delivery_id_is_recorded_once(store: Store) -> None:
    first = Delivery(id="d-w1-m1", webhook_id="w1", event="message.created", event_id="ev1",
                     created_at=T0)
    await store.add_delivery(first)
    await store.update_delivery(first.id, {"status": "delivered", "attempts": 1})
    with pytest.raises(Conflict):
        await store.add_delivery(first)
    stored = await store.get_delivery(first.id)
    assert stored is not None and (stored.status, stored.attempts) == ("delivered", 1)
    assert await store.get_delivery("nope") is None


async def test_a_draft_added_twice_under_its_id_stays_one_draft(store: Store) -> None:
    """Detection derives a draft's id from its message: the second try must neither add a
    ticket nor let the message go (another ticket for it stays refused)."""
    await store.add_ticket(draft("t-m1", "m1"))
    with pytest.raises(Conflict):
        await store.add_ticket(draft("t-m1", "m1"))
    with pytest.raises(Conflict):
        await store.add_ticket(draft("t-other", "m1"))
    stored = await store.get_ticket("t-m1")
    assert stored is not None and stored.message_ids == ("m1",)
    assert await store.get_ticket("t-other") is None


async def test_a_dismissed_draft_is_not_made_again_under_its_id(store: Store) -> None:
    made = await store.add_ticket(draft("t-m2", "m2"))
    await store.save_ticket(made.model_copy(update={"status": "dismissed", "version": 2}))
    with pytest.raises(Conflict):
        await store.add_ticket(draft("t-m2", "m2"))
    stored = await store.get_ticket("t-m2")
    assert stored is not None and stored.status == "dismissed"
    later = await store.add_ticket(draft("t-later", "m2"))  # a report may still take it
    assert later.id == "t-later"
