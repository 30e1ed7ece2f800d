"""MongoDB backend: the bots part (bot tokens, webhooks, the webhook delivery log)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel
from pymongo import ASCENDING, DESCENDING, IndexModel

from bots.accounts.models import BotToken
from bots.accounts.store import BotStore
from bots.webhooks.models import Delivery, Webhook
from chat.errors import NotFound
from chat.store.mongo_base import MongoBase, changed, from_doc, to_doc, translated_errors

M = TypeVar("M", bound=BaseModel)


class MongoBots(MongoBase, BotStore):
    INDEXES: ClassVar[dict[str, list[IndexModel]]] = {
        "bot_tokens": [
            IndexModel([("token_digest", ASCENDING)], unique=True, name="bot_token_digest"),
            IndexModel([("bot_id", ASCENDING), ("revoked_at", ASCENDING)]),
        ],
        "webhooks": [IndexModel([("community_id", ASCENDING), ("active", ASCENDING),
                                 ("created_at", ASCENDING)])],
        "webhook_deliveries": [IndexModel([("webhook_id", ASCENDING),
                                           ("created_at", DESCENDING)])],
    }

    # ---- bot tokens ---------------------------------------------------------------------
    async def add_bot_token(self, token: BotToken) -> None:
        await self._insert("bot_tokens", to_doc(token))

    async def get_bot_token_by_digest(self, token_digest: str) -> BotToken | None:
        return await self._one("bot_tokens", BotToken, {"token_digest": token_digest})

    async def revoke_bot_tokens(self, bot_id: str, at: datetime) -> int:
        with translated_errors():
            result = await self._col("bot_tokens").update_many(
                {"bot_id": bot_id, "revoked_at": None}, {"$set": {"revoked_at": at}})
        return result.modified_count

    # ---- webhooks -------------------------------------------------------------------------
    async def add_webhook(self, webhook: Webhook) -> None:
        await self._insert("webhooks", to_doc(webhook))

    async def get_webhook(self, webhook_id: str) -> Webhook | None:
        return await self._one("webhooks", Webhook, {"_id": webhook_id})

    async def list_webhooks(self, community_id: str, active_only: bool = False
                            ) -> list[Webhook]:
        query: dict[str, Any] = {"community_id": community_id}
        if active_only:
            query["active"] = True
        return await self._many("webhooks", Webhook, query,
                                sort=[("created_at", ASCENDING), ("_id", ASCENDING)])

    async def update_webhook(self, webhook_id: str, changes: Mapping[str, Any]) -> Webhook:
        return await self._update("webhooks", Webhook, webhook_id, changes)

    # ---- delivery log ---------------------------------------------------------------------
    async def add_delivery(self, delivery: Delivery) -> None:
        await self._insert("webhook_deliveries", to_doc(delivery))

    async def get_delivery(self, delivery_id: str) -> Delivery | None:
        return await self._one("webhook_deliveries", Delivery, {"_id": delivery_id})

    async def update_delivery(self, delivery_id: str, changes: Mapping[str, Any]) -> Delivery:
        return await self._update("webhook_deliveries", Delivery, delivery_id, changes)

    async def list_deliveries(self, webhook_id: str, limit: int) -> list[Delivery]:
        return await self._many("webhook_deliveries", Delivery, {"webhook_id": webhook_id},
                                sort=[("created_at", DESCENDING), ("_id", DESCENDING)],
                                limit=limit)

    async def _update(self, name: str, model: type[M], record_id: str,
                      changes: Mapping[str, Any]) -> M:
        old = await self._one(name, model, {"_id": record_id})
        if old is None:
            raise NotFound(f"no {name} record {record_id}")
        new, fields = changed(old, changes)
        if not fields:
            return new
        doc = await self._set(name, {"_id": record_id}, fields)
        if doc is None:
            raise NotFound(f"no {name} record {record_id}")
        return from_doc(model, doc)
