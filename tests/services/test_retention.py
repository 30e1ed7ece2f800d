"""Retention on every backend: the sweep deletes what its settings call too old and nothing
else, keeps a room's newest message (the next seq is the highest + 1), and keeps all for 0."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from bots.webhooks.models import Delivery
from chat.models import AuditEntry, NewMessage
from moderation.machine import Policy, new_ticket
from tests.support.fakes import FakeClock
from tests.support.services import services_on
from web import retention
from web.stores import Store

DAYS = {"retention_chat_days": 30, "retention_drafts_days": 10, "retention_audit_days": 60,
        "retention_webhook_log_days": 5}


async def say(store: Store, room_id: str, text: str, at: datetime) -> int:
    message, _ = await store.append_message(NewMessage(
        id=f"m-{room_id}-{text}", room_id=room_id, sender_id="u1", sender_name="张伟",
        sender_role="resident", client_id=f"c-{text}", text=text, created_at=at))
    return message.seq


async def texts(store: Store, room_id: str) -> list[str]:
    return [m.text for m in await store.history(room_id, None, 100)]


async def fill(store: Store, now: datetime) -> None:
    await say(store, "r1", "一", now)
    await say(store, "r1", "二", now)
    await say(store, "r2", "独", now)
    await store.add_audit(AuditEntry(id="a1", community_id="c1", actor_id="u9", action="mute",
                                     target_type="user", target_id="u1", at=now))
    fields: dict[str, Any] = {
        "by": "u1", "now": now, "policy": Policy(), "number": 0, "source": "resident",
        "description": "3栋电梯坏了", "community_id": "c1", "grid_id": "g1", "street_id": "s1",
        "district_id": "d1", "reporter_id": "u1", "urgency": "normal"}
    await store.add_ticket(new_ticket(status="draft", id="t-draft", message_ids=("m1",),
                                      **fields))
    dismissed = new_ticket(status="draft", id="t-dismissed", message_ids=("m2",), **fields)
    await store.add_ticket(dismissed.model_copy(update={"status": "dismissed"}))
    await store.add_ticket(new_ticket(status="submitted", id="t-real", message_ids=("m3",),
                                      **fields))
    await store.add_delivery(Delivery(id="d1", webhook_id="w1", event="message.created",
                                      event_id="e1", created_at=now))


async def test_each_kind_goes_after_its_own_days(store: Store, tmp_path: Path) -> None:
    clock = FakeClock()
    services = services_on(store, tmp_path, clock, **DAYS)
    await fill(store, clock.now())
    assert await retention.sweep(services) == {
        "messages": 0, "drafts": 0, "audit": 0, "webhook_deliveries": 0}

    clock.advance(days=20)
    assert await retention.sweep(services) == {
        "messages": 0, "drafts": 2, "audit": 0, "webhook_deliveries": 1}
    assert await store.get_delivery("d1") is None
    assert await store.get_ticket("t-draft") is None
    assert await store.get_ticket("t-dismissed") is None
    assert await store.get_ticket("t-real") is not None
    await say(store, "r1", "三", clock.now())

    clock.advance(days=20)  # 40 days: the first two messages are past 30
    assert (await retention.sweep(services))["messages"] == 2
    assert await texts(store, "r1") == ["三"]
    assert await texts(store, "r2") == ["独"], "a room's newest message stays"
    assert len(await store.list_audit(community_id="c1", limit=10)) == 1

    clock.advance(days=30)  # 70 days: audit past 60; 三 is old now but r1's newest
    assert await retention.sweep(services) == {
        "messages": 0, "drafts": 0, "audit": 1, "webhook_deliveries": 0}
    assert await texts(store, "r1") == ["三"]
    assert await say(store, "r1", "四", clock.now()) == 4, "seq goes on after the purge"


async def test_zero_keeps_everything(store: Store, tmp_path: Path) -> None:
    clock = FakeClock()
    services = services_on(store, tmp_path, clock, retention_chat_days=0,
                            retention_drafts_days=0, retention_audit_days=0,
                            retention_webhook_log_days=0)
    await fill(store, clock.now())
    clock.advance(days=3650)
    assert await retention.sweep(services) == {}
    assert await texts(store, "r1") == ["一", "二"]
    assert await store.get_ticket("t-draft") is not None
    assert await store.get_delivery("d1") is not None
