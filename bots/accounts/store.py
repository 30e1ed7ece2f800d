"""The store interface of this part (composed into web.stores.Store): bot tokens,
webhooks and their delivery log. Bot accounts themselves are users (role "bot")."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bots.accounts.models import BotToken
from bots.webhooks.models import Delivery, Webhook


class BotStore(ABC):
    # ---- bot tokens ---------------------------------------------------------------------
    @abstractmethod
    async def add_bot_token(self, token: BotToken) -> None:
        """Raise Conflict when the id or the digest exists."""

    @abstractmethod
    async def get_bot_token_by_digest(self, token_digest: str) -> BotToken | None: ...

    @abstractmethod
    async def revoke_bot_tokens(self, bot_id: str, at: datetime) -> int:
        """Revoke every live token of the bot; return how many."""

    # ---- webhooks -------------------------------------------------------------------------
    @abstractmethod
    async def add_webhook(self, webhook: Webhook) -> None: ...

    @abstractmethod
    async def get_webhook(self, webhook_id: str) -> Webhook | None: ...

    @abstractmethod
    async def list_webhooks(self, community_id: str, active_only: bool = False
                            ) -> list[Webhook]:
        """Oldest first."""

    @abstractmethod
    async def update_webhook(self, webhook_id: str, changes: Mapping[str, Any]) -> Webhook:
        """Apply field changes and return the new record; NotFound if absent."""

    # ---- delivery log ---------------------------------------------------------------------
    @abstractmethod
    async def add_delivery(self, delivery: Delivery) -> None:
        """Raise Conflict when a delivery with this id exists."""

    @abstractmethod
    async def get_delivery(self, delivery_id: str) -> Delivery | None: ...

    @abstractmethod
    async def update_delivery(self, delivery_id: str, changes: Mapping[str, Any]) -> Delivery:
        """Apply field changes and return the new record; NotFound if absent."""

    @abstractmethod
    async def list_deliveries(self, webhook_id: str, limit: int) -> list[Delivery]:
        """Newest first."""
