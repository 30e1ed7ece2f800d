"""Event handlers run beside chat: a slow, hanging or failing one never holds up the publisher."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest

from chat.events import Events, MessageCreated
from chat.models import Message, Room, User

NOW = datetime(2026, 5, 1, tzinfo=UTC)
MESSAGE = Message(id="m1", room_id="grid:g1", sender_id="u1", sender_name="张*", seq=1,
                  sender_role="resident", client_id="c1", text="电梯坏了", created_at=NOW,
                  updated_at=NOW)
ROOM = Room(id="grid:g1", kind="grid", name="一网格", community_id="c1", grid_id="g1",
            created_at=NOW)
SENDER = User(id="u1", phone="13900000001", name="张伟", role="resident", status="verified",
              password_hash="-", created_at=NOW)


async def test_hooks_start_after_the_call_returns() -> None:
    hooks = Events()
    seen: list[str] = []
    release = asyncio.Event()

    async def slow(event: MessageCreated) -> None:
        await release.wait()
        seen.append(event.message.id)

    hooks.subscribe(MessageCreated, "slow", slow)
    hooks.publish(MessageCreated(MESSAGE, ROOM, SENDER))  # synchronous: returns at once
    assert seen == []
    release.set()
    await hooks.drain()
    assert seen == ["m1"]


async def test_a_hanging_hook_is_timed_out_and_others_still_run(
        caplog: pytest.LogCaptureFixture) -> None:
    hooks = Events(timeout=0.05)
    seen: list[str] = []

    async def hangs(event: MessageCreated) -> None:
        await asyncio.Event().wait()

    async def fails(event: MessageCreated) -> None:
        raise RuntimeError("bot bug")

    async def works(event: MessageCreated) -> None:
        seen.append(event.message.id)

    for name, hook in (("hangs", hangs), ("fails", fails), ("works", works)):
        hooks.subscribe(MessageCreated, name, hook)
    with caplog.at_level(logging.ERROR, logger="chat.events"):
        hooks.publish(MessageCreated(MESSAGE, ROOM, SENDER))
        await hooks.drain()
    assert seen == ["m1"]
    assert any("hangs timed out" in r.getMessage() for r in caplog.records)
    failed = [r for r in caplog.records if "fails failed" in r.getMessage()]
    assert failed and failed[0].exc_info is not None
