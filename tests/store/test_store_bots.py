"""The Store contract for bot tokens, webhooks and the webhook delivery log, on every backend.
Data sets stay small (mongoeco is slow)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bots.accounts.models import BotToken
from bots.webhooks.models import Delivery, Webhook
from chat.errors import Conflict, NotFound
from web.stores import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def token(token_id: str, bot_id: str = "bot1", minute: float = 0) -> BotToken:
    return BotToken(id=token_id, bot_id=bot_id, token_digest=f"digest-{token_id}",
                    created_by="admin1", created_at=at(minute))


def webhook(webhook_id: str, community_id: str = "c1", minute: float = 0) -> Webhook:
    return Webhook(id=webhook_id, community_id=community_id, url="https://example.org/hook",
                   secret="whsec_x", events=("message.created", "poll.closed"),
                   room_ids=("grid:g1",), created_by="admin1", created_at=at(minute))


def delivery(delivery_id: str, webhook_id: str = "w1", minute: float = 0) -> Delivery:
    return Delivery(id=delivery_id, webhook_id=webhook_id, event="message.created",
                    event_id=f"e-{delivery_id}", created_at=at(minute))


async def test_tokens_are_found_by_digest_and_revoked_per_bot(store: Store) -> None:
    await store.add_bot_token(token("t1"))
    await store.add_bot_token(token("t2", minute=1))
    await store.add_bot_token(token("t3", bot_id="bot2"))
    assert await store.get_bot_token_by_digest("digest-t1") == token("t1")
    assert await store.get_bot_token_by_digest("nope") is None

    assert await store.revoke_bot_tokens("bot1", at(5)) == 2
    assert await store.revoke_bot_tokens("bot1", at(6)) == 0
    revoked = await store.get_bot_token_by_digest("digest-t2")
    assert revoked is not None and revoked.revoked_at == at(5)
    other = await store.get_bot_token_by_digest("digest-t3")
    assert other is not None and other.revoked_at is None


async def test_a_token_digest_is_unique(store: Store) -> None:
    await store.add_bot_token(token("t1"))
    with pytest.raises(Conflict):
        await store.add_bot_token(token("t2").model_copy(update={"token_digest": "digest-t1"}))


async def test_webhooks_per_community_and_updates(store: Store) -> None:
    await store.add_webhook(webhook("w1"))
    await store.add_webhook(webhook("w2", minute=1))
    await store.add_webhook(webhook("w3", community_id="c2"))
    assert await store.get_webhook("w1") == webhook("w1")
    assert [w.id for w in await store.list_webhooks("c1")] == ["w1", "w2"]

    gone = await store.update_webhook("w1", {"active": False, "deleted_at": at(9)})
    assert (gone.active, gone.deleted_at, gone.events) == (False, at(9), webhook("w1").events)
    assert await store.get_webhook("w1") == gone
    assert [w.id for w in await store.list_webhooks("c1", active_only=True)] == ["w2"]
    assert [w.id for w in await store.list_webhooks("c1")] == ["w1", "w2"]
    with pytest.raises(NotFound):
        await store.update_webhook("missing", {"active": False})


async def test_deliveries_are_logged_newest_first(store: Store) -> None:
    await store.add_delivery(delivery("d1"))
    await store.add_delivery(delivery("d2", minute=1))
    await store.add_delivery(delivery("d3", webhook_id="w2", minute=2))
    failed = await store.update_delivery("d1", {"attempts": 1, "last_status_code": 500,
                                                "last_error": "HTTP 500"})
    done = await store.update_delivery("d1", {"attempts": 2, "status": "delivered",
                                              "last_status_code": 200, "last_error": None,
                                              "delivered_at": at(3)})
    assert failed.status == "pending" and done.attempts == 2
    assert await store.list_deliveries("w1", 10) == [delivery("d2", minute=1), done]
    assert await store.list_deliveries("w1", 1) == [delivery("d2", minute=1)]
    with pytest.raises(NotFound):
        await store.update_delivery("missing", {"attempts": 1})
    with pytest.raises(Conflict):
        await store.add_delivery(delivery("d2"))
