"""Follow-on work survives a crash: a report acknowledged just before SIGKILL still becomes one
draft, one webhook delivery and one bot reply once the server is back; handling the same
messages again (a crash after the effects, before the cursors moved) repeats none of them.

The server runs with the test-only `LINLI_FOLLOW_DELAY_SECONDS`, so the kill lands before the
follow-on work starts, and short leases, so the restarted process need not wait out the dead
one's."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.support.receiver import Receiver
from tests.support.server import ServerProcess, connect, http, login

T = TypeVar("T")
REPORT = "3栋电梯困人了，快来人"
QUESTION = "/办事 社保"
CONSUMERS = ("detection", "bots", "webhooks")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = await Receiver().start()
    yield found
    await found.stop()


def delivered(receiver: Receiver, message_id: str) -> list[dict[str, Any]]:
    """The signed deliveries of one message."""
    return [r for r in receiver.signed() if r["body"]["data"]["message"]["id"] == message_id]


async def hang_first(receiver: Receiver, n: int) -> int:
    """Keep the first POST waiting (the sender dies meanwhile)."""
    if n == 1:
        await receiver.release.wait()
    return 204


async def eventually(probe: Callable[[], Awaitable[T | None]], timeout: float = 30) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = await probe()
        if found is not None:
            return found
        await asyncio.sleep(0.2)
    raise AssertionError("timed out waiting")


def cursors(data_dir: Path, room_id: str) -> dict[str, int]:
    with sqlite3.connect(data_dir / "linli.sqlite3") as db:
        rows = db.execute("SELECT consumer, seq FROM follow_cursors WHERE room_id = ?",
                          (room_id,)).fetchall()
    return dict(rows)


def rewind(data_dir: Path, room_id: str, seq: int) -> None:
    """What a crash after the effects but before the cursors moved leaves behind."""
    with sqlite3.connect(data_dir / "linli.sqlite3") as db:
        db.execute("UPDATE follow_cursors SET seq = ? WHERE room_id = ?", (seq, room_id))


async def subscribe(server: ServerProcess, receiver: Receiver, room: str, token: str,
                    community_id: str) -> str:
    status, body = await http("POST", f"{server.url}/api/v1/admin/communities/"
                              f"{community_id}/webhooks", token,
                              {"url": receiver.url, "events": ["message.created"],
                               "room_ids": [room]})
    assert status == 201, body
    receiver.secret = body["webhook"]["secret"]
    return str(body["webhook"]["id"])


class World:
    def __init__(self, server: ServerProcess, receiver: Receiver, room: str) -> None:
        self.server, self.receiver, self.room = server, receiver, room
        self.admin = ""
        self.webhook = ""

    async def drafts_of(self, message_id: str) -> list[dict[str, Any]]:
        status, body = await http("GET", f"{self.server.url}/api/v1/tickets"
                                  "?status=draft,dismissed&limit=100", self.admin)
        assert status == 200, body
        return [t for t in body["tickets"] if message_id in t["message_ids"]]

    async def deliveries_of(self, event_ids: set[str]) -> list[dict[str, Any]]:
        status, body = await http("GET", f"{self.server.url}/api/v1/admin/webhooks/"
                                  f"{self.webhook}/deliveries", self.admin)
        assert status == 200, body
        return [d for d in body["deliveries"] if d["event_id"] in event_ids]

    async def bot_replies(self) -> list[dict[str, Any]]:
        status, body = await http("GET", f"{self.server.url}/api/v1/rooms/{self.room}"
                                  "/messages?limit=100", self.admin)
        assert status == 200, body
        return [m for m in body["messages"] if m["sender"]["id"] == "bot:directory"]

    async def settled(self, last_seq: int) -> None:
        """Every consumer's cursor has passed the room's last message."""
        async def done() -> bool | None:
            seen = cursors(self.server.data_dir, self.room)
            return True if all(seen.get(c, 0) >= last_seq for c in CONSUMERS) else None

        await eventually(done)


async def test_work_after_the_ack_is_done_once_after_sigkill(
        fresh_server: ServerProcess, receiver: Receiver) -> None:
    fresh_server.env.update({"LINLI_FOLLOW_DELAY_SECONDS": "3", "LINLI_FOLLOW_LEASE_SECONDS": "1",
                             "LINLI_WEBHOOK_PRIVATE_TARGETS": "true"})
    server = fresh_server.start(timeout=120)
    room = "grid:" + server.account("张伟")["grid_id"]
    world = World(server, receiver, room)
    world.admin, admin = await login(server, "王建国")
    world.webhook = await subscribe(server, receiver, room, world.admin, admin["community_id"])

    resident, _ = await connect(server, "张伟")
    sent = []
    for text in (QUESTION, REPORT):
        sent.append(await resident.ok("message:send", {
            "room_id": room, "text": text, "client_id": uuid.uuid4().hex}))
    server.stop(signal.SIGKILL)  # acknowledged; nothing after the ack has run yet
    await resident.sio.disconnect()
    question, report = sent
    assert delivered(receiver, report["id"]) == [] and delivered(receiver, question["id"]) == []

    server.start(timeout=120)
    world.admin, _ = await login(server, "王建国")
    await world.settled(report["seq"])

    async def counts() -> tuple[int, int, int, int, int]:
        return (len(await world.drafts_of(report["id"])), len(delivered(receiver, report["id"])),
                len(delivered(receiver, question["id"])), len(await world.bot_replies()),
                len({r["key"] for r in receiver.signed()}))

    async def all_done() -> tuple[int, int, int, int, int] | None:
        found = await counts()
        return found if all(found[:4]) else None

    assert await eventually(all_done) == (1, 1, 1, 1, len(receiver.signed()))
    draft = (await world.drafts_of(report["id"]))[0]
    assert draft["category"] == "电梯设施"
    both = delivered(receiver, report["id"]) + delivered(receiver, question["id"])
    event_ids = {r["body"]["id"] for r in both}
    logged = await world.deliveries_of(event_ids)
    assert sorted(d["status"] for d in logged) == ["delivered", "delivered"]
    assert {d["id"] for d in logged} == {r["key"] for r in both}

    # Handled again from before both messages: nothing is made or sent twice; not even the
    # draft a worker dismissed meanwhile (the message is free again for a report, not a draft).
    status, body = await http("POST", f"{server.url}/api/v1/tickets/{draft['id']}/dismiss",
                              world.admin, {"reason": "已有人处理"})
    assert status == 200, body
    server.stop()
    rewind(server.data_dir, room, question["seq"] - 1)
    server.start(timeout=120)
    world.admin, _ = await login(server, "王建国")
    await world.settled(report["seq"])
    await asyncio.sleep(1.0)  # a second POST would be under way by now
    assert await counts() == (1, 1, 1, 1, len(receiver.signed()))
    assert len(await world.deliveries_of(event_ids)) == 2
    assert [d["status"] for d in await world.drafts_of(report["id"])] == ["dismissed"]


async def test_a_delivery_cut_short_by_sigkill_is_sent_again_under_its_key(
        fresh_server: ServerProcess, receiver: Receiver) -> None:
    """The cursor waits for the webhook's answer: a process killed while the POST is out
    sends it again after the restart, with the same `X-Linli-Delivery`, and logs it once."""
    fresh_server.env.update({"LINLI_FOLLOW_LEASE_SECONDS": "1",
                             "LINLI_WEBHOOK_PRIVATE_TARGETS": "true"})
    server = fresh_server.start(timeout=120)
    room = "grid:" + server.account("张伟")["grid_id"]
    world = World(server, receiver, room)
    world.admin, admin = await login(server, "王建国")
    world.webhook = await subscribe(server, receiver, room, world.admin, admin["community_id"])
    receiver.behaviour = hang_first
    resident, _ = await connect(server, "张伟")
    sent = await resident.ok("message:send", {
        "room_id": room, "text": "今晚七点网格议事会", "client_id": uuid.uuid4().hex})

    async def first_post() -> bool | None:
        return True if delivered(receiver, sent["id"]) else None

    await eventually(first_post)
    server.stop(signal.SIGKILL)  # the POST is out, its answer not yet back
    await resident.sio.disconnect()

    server.start(timeout=120)
    world.admin, _ = await login(server, "王建国")

    async def sent_again() -> list[dict[str, Any]] | None:
        got = delivered(receiver, sent["id"])
        return got if len(got) == 2 else None

    first, again = await eventually(sent_again)
    assert first["key"] == again["key"] and first["body"] == again["body"]
    await world.settled(sent["seq"])
    logged = await world.deliveries_of({first["body"]["id"]})
    assert [(d["id"], d["status"]) for d in logged] == [(first["key"], "delivered")]
    assert len(delivered(receiver, sent["id"])) == 2
