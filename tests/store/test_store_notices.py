"""The Store contract for notices and acknowledgements, on every backend. Data sets stay
small (mongoeco is slow)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bots.notices.models import Notice, NoticeAck
from chat.errors import Conflict, NotFound
from web.stores import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def notice(notice_id: str, minute: float = 0, **fields: Any) -> Notice:
    values: dict[str, Any] = {
        "id": notice_id, "room_id": "grid:g1", "community_id": "c1", "author_id": "u1",
        "author_name": "赵**（5栋）", "title": f"停水通知 {notice_id}", "body": "明天9点到12点停水",
        "status": "pinned", "publish_at": at(minute), "published_at": at(minute),
        "created_at": at(minute), "updated_at": at(minute)}
    return Notice(**(values | fields))


def bumped(n: Notice, **changes: Any) -> Notice:
    return n.model_copy(update={"version": n.version + 1, **changes})


def ids(notices: list[Notice]) -> list[str]:
    return [n.id for n in notices]


async def test_add_get_and_duplicate(store: Store) -> None:
    n = notice("n1", requires_ack=True, expires_at=at(600), remind_after_hours=2.5)
    await store.add_notice(n)
    assert await store.get_notice("n1") == n
    assert await store.get_notice("nope") is None
    with pytest.raises(Conflict):
        await store.add_notice(n)


async def test_save_is_compare_and_swap(store: Store) -> None:
    n = notice("n1")
    await store.add_notice(n)
    first = bumped(n, status="unpinned", closed_by="w1", closed_at=at(5))
    await store.save_notice(first)
    assert await store.get_notice("n1") == first
    with pytest.raises(Conflict):  # a second process saving from the old version loses
        await store.save_notice(bumped(n, status="expired"))
    assert (await store.get_notice("n1")) == first
    with pytest.raises(NotFound):
        await store.save_notice(bumped(notice("ghost")))


async def test_concurrent_saves_let_exactly_one_win(store: Store) -> None:
    n = notice("n1")
    await store.add_notice(n)
    results = await asyncio.gather(
        *(store.save_notice(bumped(n, reminded_at=at(k))) for k in range(3)),
        return_exceptions=True)
    assert sum(r is None for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if r is not None)


async def test_room_notices_pinned_and_recent(store: Store) -> None:
    for n in (notice("old", 0), notice("new", 10), notice("gone", 5, status="expired"),
              notice("other", 20, room_id="grid:g2")):
        await store.add_notice(n)
    assert ids(await store.room_notices("grid:g1", pinned_only=True, limit=10)) == ["new", "old"]
    assert ids(await store.room_notices("grid:g1", pinned_only=False, limit=10)) == \
        ["new", "gone", "old"]
    assert ids(await store.room_notices("grid:g1", pinned_only=False, limit=1)) == ["new"]


async def test_due_notices_follow_publish_expiry_and_reminder(store: Store) -> None:
    scheduled = notice("sched", status="scheduled", publish_at=at(30), published_at=None)
    expiring = notice("exp", expires_at=at(20))
    reminding = notice("rem", requires_ack=True, remind_after_hours=0.25)  # due at minute 15
    for n in (scheduled, expiring, reminding, notice("quiet"),
              notice("no-ack", remind_after_hours=0.1)):
        await store.add_notice(n)
    assert await store.due_notices(at(10), 10) == []
    assert ids(await store.due_notices(at(20), 10)) == ["rem", "exp"]
    assert ids(await store.due_notices(at(40), 2)) == ["rem", "exp"]
    await store.save_notice(bumped(reminding, reminded_at=at(16)))
    await store.save_notice(bumped(scheduled, status="pinned", published_at=at(31)))
    assert ids(await store.due_notices(at(40), 10)) == ["exp"]


async def test_acks_are_once_per_person(store: Store) -> None:
    first = NoticeAck(notice_id="n1", user_id="u2", household="g1/3/2/701", at=at(1))
    assert await store.add_ack(first) == (first, True)
    again = first.model_copy(update={"at": at(9)})
    assert await store.add_ack(again) == (first, False)
    spouse = NoticeAck(notice_id="n1", user_id="u3", household="g1/3/2/701", at=at(2))
    staff = NoticeAck(notice_id="n1", user_id="w1", household=None, at=at(3))
    elsewhere = NoticeAck(notice_id="n2", user_id="u2", household="g1/3/2/701", at=at(4))
    for ack in (spouse, staff, elsewhere):
        await store.add_ack(ack)
    assert await store.list_acks("n1") == [first, spouse, staff]
    assert await store.acks_for(["n1", "n2"], "u3", "g1/3/2/701") == [first, spouse, elsewhere]
    assert await store.acks_for(["n1"], "w1", None) == [staff]
    assert await store.acks_for(["n3"], "u2", "g1/3/2/701") == []
    assert await store.acks_for([], "u2", None) == []


async def test_acks_are_counted_on_the_notice(store: Store) -> None:
    n = notice("n1", requires_ack=True)
    await store.add_notice(n)
    home = "g1/3/2/701"
    acks = [NoticeAck(notice_id="n1", user_id="u2", household=home, at=at(1)),
            NoticeAck(notice_id="n1", user_id="u3", household=home, at=at(2)),
            NoticeAck(notice_id="n1", user_id="u4", household=None, at=at(3)),
            NoticeAck(notice_id="n1", user_id="u2", household=home, at=at(4))]  # again
    for ack in acks:
        await store.add_ack(ack)
    stored = await store.get_notice("n1")
    assert stored is not None
    assert (stored.acked_members, stored.acked_households) == (3, 2)
    assert stored.version == n.version  # counting is no save: the notice's CAS is untouched

    await store.save_notice(bumped(n, status="unpinned", closed_at=at(5)))  # a stale copy
    saved = await store.get_notice("n1")
    assert saved is not None and saved.status == "unpinned"
    assert (saved.acked_members, saved.acked_households) == (3, 2)


async def test_a_household_acknowledging_at_once_counts_once(store: Store) -> None:
    await store.add_notice(notice("n1", requires_ack=True))
    home = "g1/3/2/701"
    results = await asyncio.gather(*(
        store.add_ack(NoticeAck(notice_id="n1", user_id=f"u{k}", household=home, at=at(k)))
        for k in range(4)))
    assert all(created for _, created in results)
    stored = await store.get_notice("n1")
    assert stored is not None
    assert (stored.acked_members, stored.acked_households) == (4, 1)
