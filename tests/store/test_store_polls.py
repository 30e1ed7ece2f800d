"""The Store contract for polls and ballots, on every backend. Data sets stay small (mongoeco
is slow)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bots.polls.models import Ballot, Poll, PollOption, PollResult
from bots.polls.tally import count_change
from chat.errors import Conflict, NotFound
from tests.support.stores import StoreTarget
from web.stores import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def poll(poll_id: str, minute: float = 0, **fields: Any) -> Poll:
    values: dict[str, Any] = {
        "id": poll_id, "room_id": "grid:g1", "community_id": "c1", "author_id": "w1",
        "author_name": "李娜", "question": "装不装充电桩？",
        "options": (PollOption(id="o1", text="装"), PollOption(id="o2", text="不装")),
        "multiple": False, "max_choices": 1, "anonymous": False, "per_household": True,
        "results": "live", "allow_change": True, "quorum_percent": 50,
        "deadline": at(minute + 60), "created_at": at(minute)}
    return Poll(**(values | fields))


def closed(p: Poll, minute: float, version: int | None = None) -> Poll:
    result = PollResult(counts={"o1": 1, "o2": 0}, voters=1, eligible=2, turnout=0.5,
                        quorum_met=True, winners=("o1",))
    return p.model_copy(update={"status": "closed", "closed_at": at(minute), "closed_by": "w1",
                                "closed_by_name": "李娜", "result": result,
                                "version": version or p.version + 1})


async def cast(store: Store, ballot: Ballot, previous: Ballot | None) -> Poll:
    return await store.cast_ballot(ballot, previous, count_change(ballot, previous))


def ballot(voter: str, *options: str, poll_id: str = "p1", caster: str | None = None
           ) -> Ballot:
    return Ballot(poll_id=poll_id, voter=voter, caster=caster or voter, option_ids=options)


async def test_add_get_and_list_newest_first(store: Store) -> None:
    first, second = poll("p1"), poll("p2", 5)
    await store.add_poll(first)
    await store.add_poll(second)
    await store.add_poll(poll("p3", 9, room_id="grid:g2"))
    assert await store.get_poll("p1") == first
    assert await store.get_poll("nope") is None
    assert [p.id for p in await store.list_polls("grid:g1", 10)] == ["p2", "p1"]
    assert [p.id for p in await store.list_polls("grid:g1", 1)] == ["p2"]
    with pytest.raises(Conflict):
        await store.add_poll(first)


async def test_ballots_bump_the_version_and_are_one_per_voter(store: Store) -> None:
    await store.add_poll(poll("p1"))
    first = ballot("h1", "o1", caster="u1")
    await cast(store, first, None)
    await cast(store, ballot("h2", "o2", caster="u3"), None)
    assert (await store.get_poll("p1") or poll("x")).version == 3
    assert await store.get_ballot("p1", "h1") == first
    assert await store.get_ballot("p1", "h9") is None
    with pytest.raises(Conflict):
        await cast(store, ballot("h1", "o2", caster="u2"), None)
    changed = ballot("h1", "o2", caster="u1")
    await cast(store, changed, first)
    with pytest.raises(Conflict):  # the stored ballot is no longer `first`
        await cast(store, ballot("h1", "o1", caster="u1"), first)
    assert [(b.voter, b.option_ids) for b in await store.list_ballots(["p1"])] == \
        [("h1", ("o2",)), ("h2", ("o2",))]
    assert (await store.get_poll("p1") or poll("x")).version == 4
    with pytest.raises(NotFound):
        await cast(store, ballot("h1", "o1", poll_id="nope"), None)


async def test_closing_is_a_compare_and_swap(store: Store, store_target: StoreTarget) -> None:
    p = poll("p1")
    await store.add_poll(p)
    await cast(store, ballot("h1", "o1"), None)
    with pytest.raises(Conflict):  # read before the ballot: must tally again
        await store.save_poll(closed(p, 30))
    other = store_target.new()  # a second process
    await other.open()
    try:
        fresh = await other.get_poll("p1")
        assert fresh is not None and fresh.version == 2
        await other.save_poll(closed(fresh, 30))
    finally:
        await other.close()
    with pytest.raises(Conflict):  # the second closer loses
        await store.save_poll(closed(fresh, 31))
    stored = await store.get_poll("p1")
    assert stored == closed(fresh, 30)
    with pytest.raises(Conflict):  # no ballots after closing
        await cast(store, ballot("h2", "o2"), None)
    assert [b.voter for b in await store.list_ballots(["p1"])] == ["h1"]
    with pytest.raises(NotFound):
        await store.save_poll(poll("nope", version=2))


async def test_due_polls_and_decisions(store: Store) -> None:
    for p in (poll("p1", 0), poll("p2", 10), poll("p3", 20, room_id="grid:g2"),
              poll("p4", 30, room_id="community:c1")):
        await store.add_poll(p)
    assert [p.id for p in await store.due_polls(at(75), 10)] == ["p1", "p2"]
    assert [p.id for p in await store.due_polls(at(90), 1)] == ["p1"]
    for poll_id, minute in (("p1", 70), ("p3", 95), ("p4", 80)):
        current = await store.get_poll(poll_id)
        assert current is not None
        await store.save_poll(closed(current, minute))
    assert [p.id for p in await store.due_polls(at(200), 10)] == ["p2"]
    rooms = ["grid:g1", "community:c1"]
    assert [p.id for p in await store.list_decisions(rooms, 10, 0)] == ["p4", "p1"]
    assert [p.id for p in await store.list_decisions(rooms, 1, 1)] == ["p1"]
    assert await store.list_decisions([], 10, 0) == []
    decided = await store.list_decisions(["grid:g2"], 10, 0)
    assert decided[0].result is not None and decided[0].result.counts == {"o1": 1, "o2": 0}


async def test_a_ballot_moves_the_running_tally_in_the_same_write(store: Store) -> None:
    await store.add_poll(poll("p1", multiple=True, max_choices=2,
                              counts={"o1": 0, "o2": 0}, eligible=3))
    after = await cast(store, ballot("h1", "o1", "o2"), None)
    assert (after.counts, after.voters, after.version, after.eligible) == \
        ({"o1": 1, "o2": 1}, 1, 2, 3)
    await cast(store, ballot("h2", "o1"), None)
    after = await cast(store, ballot("h1", "o2"), ballot("h1", "o1", "o2"))
    assert (after.counts, after.voters, after.version) == ({"o1": 1, "o2": 1}, 2, 4)
    assert await store.get_poll("p1") == after
    with pytest.raises(Conflict):  # a refused ballot leaves the tally alone
        await cast(store, ballot("h2", "o2", caster="u9"), None)
    assert await store.get_poll("p1") == after


async def test_ballots_read_in_batches(store: Store) -> None:
    await store.add_poll(poll("p1"))
    await store.add_poll(poll("p2", 1))
    odd = "g1/3.2/$701"  # keys may hold dots and dollars
    for b in (ballot(odd, "o1"), ballot("h2", "o2"), ballot("h1", "o2", poll_id="p2")):
        await cast(store, b, None)
    assert await store.get_ballot("p1", odd) == ballot(odd, "o1")
    found = await store.get_ballots([("p1", odd), ("p2", "h1"), ("p2", odd), ("p9", "h1")])
    assert sorted((b.poll_id, b.voter) for b in found) == [("p1", odd), ("p2", "h1")]
    assert await store.get_ballots([]) == []
    assert [(b.poll_id, b.voter) for b in await store.list_ballots(["p2", "p1"])] == \
        [("p1", odd), ("p1", "h2"), ("p2", "h1")]
    assert await store.list_ballots([]) == []
    listed = await store.list_polls("grid:g1", 10)
    assert [p.voters for p in listed] == [1, 2]


async def test_closed_polls_owe_an_announcement_until_marked(store: Store) -> None:
    for p in (poll("p1"), poll("p2", 1), poll("p3", 2), poll("p4", 3)):
        await store.add_poll(p)
    for poll_id, minute in (("p1", 30), ("p2", 20), ("p3", 40)):
        current = await store.get_poll(poll_id)
        assert current is not None
        await store.save_poll(closed(current, minute))
    assert [p.id for p in await store.unannounced_polls(at(0), at(35), 10)] == ["p2", "p1"]
    assert [p.id for p in await store.unannounced_polls(at(25), at(60), 1)] == ["p1"]
    assert await store.mark_announced("p1", at(31))
    assert not await store.mark_announced("p1", at(32))
    assert not await store.mark_announced("nope", at(32))
    stored = await store.get_poll("p1")
    assert stored is not None and stored.announced_at == at(31)
    assert [p.id for p in await store.unannounced_polls(at(0), at(60), 10)] == ["p2", "p3"]


async def test_a_close_counts_exactly_the_ballots_that_were_accepted(
        store: Store, store_target: StoreTarget) -> None:
    """Voters race a closer in another process: every ballot the store accepted is in the
    frozen tally, and none it refused."""
    closer = store_target.new()
    await closer.open()
    try:
        for n in range(4):
            poll_id = f"r{n}"
            await store.add_poll(poll(poll_id, per_household=False))
            accepted: set[str] = set()

            async def vote(voter: str, poll_id: str = poll_id,
                           accepted: set[str] = accepted) -> None:
                try:
                    await cast(store, ballot(voter, "o1", poll_id=poll_id), None)
                except Conflict:
                    return
                accepted.add(voter)

            *_, counted = await asyncio.gather(*(vote(f"u{v}") for v in range(4)),
                                               close_once(closer, poll_id))
            assert counted == accepted
            assert {b.voter for b in await store.list_ballots([poll_id])} == accepted
    finally:
        await closer.close()


async def close_once(store: Store, poll_id: str) -> set[str]:
    """Read the ballots, then compare-and-swap the poll closed; again while ballots arrive."""
    for _ in range(50):
        current = await store.get_poll(poll_id)
        assert current is not None
        counted = {b.voter for b in await store.list_ballots([poll_id])}
        try:
            await store.save_poll(closed(current, 30))
        except Conflict:
            continue
        return counted
    raise AssertionError("the poll never closed")
