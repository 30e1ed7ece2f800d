"""After a deaf spell a process hands its sockets what they missed, from the store, once.

The repair runs against each store backend; delivery is recorded at its boundary (the
manager's `deliver_locally`, which consults the same ledger)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chat.models import NewMessage
from chat.realtime.ledger import DeliveryLedger
from chat.realtime.repair import GapRepair
from chat.realtime.subscription import SubscriptionWatch
from chat.wire_events import ServerEvent
from tests.support.fakes import FakeClock
from web.stores import Store

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
ROOM = "grid:g1"


class Sockets:
    """This process's sockets, as the manager delivers to them."""

    def __init__(self, ledger: DeliveryLedger, rooms: list[str]) -> None:
        self.ledger = ledger
        self.rooms = rooms
        self.got: list[tuple[str, dict[str, Any], str]] = []

    async def deliver(self, event: ServerEvent, room: str) -> bool:
        data = event.wire()
        if event.name == "message:new" and not self.ledger.first_time(room, data["seq"]):
            return False
        self.got.append((event.name, data, room))
        return True

    def seqs(self, event: str = "message:new") -> list[int]:
        return [data["seq"] for e, data, _ in self.got if e == event]


async def append(store: Store, room: str, n: int, at: datetime) -> None:
    message, created = await store.append_message(NewMessage(
        id=f"m-{room}-{n}", room_id=room, sender_id="u1", sender_name="张三",
        sender_role="resident", client_id=f"c{n}", text=f"第{n}条", created_at=at))
    assert created and message.seq == n


def test_the_ledger_knows_each_seq_once_and_where_the_gap_starts() -> None:
    ledger = DeliveryLedger(window=4)
    assert ledger.settled_through(ROOM) == 0 and not ledger.knows(ROOM)
    assert [ledger.first_time(ROOM, s) for s in (2, 1, 2, 4)] == [True, True, False, True]
    assert ledger.settled_through(ROOM) == 2
    for seq in (5, 6, 7):
        ledger.first_time(ROOM, seq)
    # 1 and 2 fell out of the window: the oldest remembered (4) starts the count.
    assert ledger.settled_through(ROOM) == 7 and not ledger.delivered(ROOM, 1)


async def test_repair_delivers_the_missed_messages_of_local_rooms_once(store: Store) -> None:
    ledger = DeliveryLedger()
    sockets = Sockets(ledger, [ROOM, "user:u1", "grid:quiet"])
    for n in range(1, 7):
        await append(store, ROOM, n, T0 + timedelta(seconds=n))
    for seq in (1, 2, 4):  # heard live before and around the loss
        ledger.first_time(ROOM, seq)
    repair = GapRepair(store, ledger, lambda: sockets.rooms, sockets.deliver)

    await repair(T0 + timedelta(seconds=4))
    assert sockets.seqs() == [3, 5, 6]
    assert all(data["repaired"] for _, data, _ in sockets.got)
    await repair(T0 + timedelta(seconds=4))
    assert sockets.seqs() == [3, 5, 6], "a second repair must not deliver again"


async def test_a_room_heard_nothing_in_gets_what_was_written_since_the_loss(
        store: Store) -> None:
    ledger = DeliveryLedger()
    sockets = Sockets(ledger, [ROOM])
    lost_at = T0 + timedelta(minutes=10)
    await append(store, ROOM, 1, T0)  # long before: the clients synced it on connect
    await append(store, ROOM, 2, lost_at - timedelta(seconds=1))  # just before it was noticed
    await append(store, ROOM, 3, lost_at + timedelta(seconds=2))

    await GapRepair(store, ledger, lambda: sockets.rooms, sockets.deliver)(lost_at)
    assert sockets.seqs() == [2, 3]


async def test_edits_and_deletions_made_while_deaf_follow(store: Store) -> None:
    ledger = DeliveryLedger()
    sockets = Sockets(ledger, [ROOM])
    for n in (1, 2, 3):
        await append(store, ROOM, n, T0)
        ledger.first_time(ROOM, n)
    lost_at = T0 + timedelta(minutes=1)
    later = lost_at + timedelta(seconds=1)
    await store.update_message(f"m-{ROOM}-1", {"text": "改过了", "edited_at": later,
                                               "updated_at": later})
    await store.update_message(f"m-{ROOM}-2", {"deleted_at": later, "updated_at": later,
                                               "deleted_by": "u1"})

    await GapRepair(store, ledger, lambda: sockets.rooms, sockets.deliver)(lost_at)
    assert [(e, d.get("text"), d["seq"]) for e, d, _ in sockets.got] == [
        ("message:updated", "改过了", 1), ("message:deleted", None, 2)]


async def test_the_watch_logs_the_loss_and_the_recovery_and_repairs(
        caplog: pytest.LogCaptureFixture) -> None:
    clock = [100.0]
    watch = SubscriptionWatch(FakeClock(T0), monotonic=lambda: clock[0])
    repaired: list[datetime] = []

    async def repair(lost_at: datetime) -> None:
        repaired.append(lost_at)

    watch.on_restored(repair)
    caplog.set_level(logging.INFO, logger="chat.realtime.subscription")
    watch.restored()
    assert watch.live and not repaired
    watch.lost(ConnectionError("Error 111 connecting to 127.0.0.1:6379"))
    assert not watch.live
    clock[0] += 4.25
    watch.restored()
    await asyncio.sleep(0)
    assert watch.live and repaired == [T0]
    lost = [r for r in caplog.records if "subscription lost" in r.message]
    back = [r for r in caplog.records if "back after 4.2 s deaf" in r.message]
    assert lost[0].levelno == logging.ERROR and back[0].levelno == logging.INFO


async def test_the_loss_is_timed_by_the_clock_that_stamps_the_messages(store: Store) -> None:
    """The app's clock (here a test's, months from the real date) stamps the messages and
    times the loss: a room heard nothing in gets what was written while deaf, and the time
    of the loss is when it was lost, not when it came back."""
    clock = FakeClock(T0)
    ledger = DeliveryLedger()
    sockets = Sockets(ledger, [ROOM])
    watch = SubscriptionWatch(clock)
    watch.on_restored(GapRepair(store, ledger, lambda: sockets.rooms, sockets.deliver))
    repaired = asyncio.Event()

    async def then(lost_at: datetime) -> None:  # repairs run in the order they were added
        repaired.set()

    watch.on_restored(then)
    await append(store, ROOM, 1, clock.now() - timedelta(hours=1))  # synced on connect
    watch.restored()
    watch.lost(ConnectionError("Connection reset by peer"))
    for n in (2, 3):
        clock.advance(minutes=1)
        await append(store, ROOM, n, clock.now())
    clock.advance(minutes=1)
    watch.restored()
    await asyncio.wait_for(repaired.wait(), 10)
    assert sockets.seqs() == [2, 3]
