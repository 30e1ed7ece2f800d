"""SQLite backend: the bots part (bot tokens, webhooks, the webhook delivery log)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from bots.accounts.models import BotToken
from bots.accounts.store import BotStore
from bots.webhooks.models import Delivery, Webhook
from chat.errors import NotFound
from chat.store.sqlite_base import SqliteBase, changed, load, ms

M = TypeVar("M", bound=BaseModel)


class SqliteBots(SqliteBase, BotStore):
    SCHEMA = """
    CREATE TABLE IF NOT EXISTS bot_tokens (id TEXT PRIMARY KEY, bot_id TEXT NOT NULL,
        token_digest TEXT NOT NULL UNIQUE, revoked INTEGER NOT NULL DEFAULT 0,
        doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS bot_tokens_bot ON bot_tokens (bot_id, revoked);
    CREATE TABLE IF NOT EXISTS webhooks (id TEXT PRIMARY KEY, community_id TEXT NOT NULL,
        active INTEGER NOT NULL, created_ms INTEGER NOT NULL, doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS webhooks_community ON webhooks (community_id, active, created_ms);
    CREATE TABLE IF NOT EXISTS webhook_deliveries (id TEXT PRIMARY KEY,
        webhook_id TEXT NOT NULL, created_ms INTEGER NOT NULL, doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS webhook_deliveries_webhook
        ON webhook_deliveries (webhook_id, created_ms);
    """

    # ---- bot tokens ---------------------------------------------------------------------
    async def add_bot_token(self, token: BotToken) -> None:
        sql = "INSERT INTO bot_tokens (id, bot_id, token_digest, revoked, doc) VALUES (?,?,?,?,?)"
        args = (token.id, token.bot_id, token.token_digest, token.revoked_at is not None,
                token.model_dump_json())
        await self._write(lambda c: c.execute(sql, args))

    async def get_bot_token_by_digest(self, token_digest: str) -> BotToken | None:
        sql = "SELECT doc FROM bot_tokens WHERE token_digest = ?"
        return await self._one(BotToken, sql, token_digest)

    async def revoke_bot_tokens(self, bot_id: str, at: datetime) -> int:
        def tx(c: sqlite3.Connection) -> int:
            rows = c.execute("SELECT doc FROM bot_tokens WHERE bot_id = ? AND revoked = 0",
                             (bot_id,)).fetchall()
            for row in rows:
                token = BotToken.model_validate_json(row["doc"])
                doc = changed(token, {"revoked_at": at}).model_dump_json()
                c.execute("UPDATE bot_tokens SET revoked = 1, doc = ? WHERE id = ?",
                          (doc, token.id))
            return len(rows)

        return await self._write(tx)

    # ---- webhooks -------------------------------------------------------------------------
    async def add_webhook(self, webhook: Webhook) -> None:
        sql = "INSERT INTO webhooks (id, community_id, active, created_ms, doc) VALUES (?,?,?,?,?)"
        args = (webhook.id, webhook.community_id, webhook.active, ms(webhook.created_at),
                webhook.model_dump_json())
        await self._write(lambda c: c.execute(sql, args))

    async def get_webhook(self, webhook_id: str) -> Webhook | None:
        return await self._one(Webhook, "SELECT doc FROM webhooks WHERE id = ?", webhook_id)

    async def list_webhooks(self, community_id: str, active_only: bool = False
                            ) -> list[Webhook]:
        active = " AND active = 1" if active_only else ""
        sql = (f"SELECT doc FROM webhooks WHERE community_id = ?{active}"
               " ORDER BY created_ms, id")
        return await self._many(Webhook, sql, community_id)

    async def update_webhook(self, webhook_id: str, changes: Mapping[str, Any]) -> Webhook:
        def write(c: sqlite3.Connection, new: Webhook) -> None:
            c.execute("UPDATE webhooks SET active = ?, doc = ? WHERE id = ?",
                      (new.active, new.model_dump_json(), new.id))

        return await self._update(Webhook, "webhooks", webhook_id, changes, write)

    # ---- delivery log ---------------------------------------------------------------------
    async def add_delivery(self, delivery: Delivery) -> None:
        sql = "INSERT INTO webhook_deliveries (id, webhook_id, created_ms, doc) VALUES (?,?,?,?)"
        args = (delivery.id, delivery.webhook_id, ms(delivery.created_at),
                delivery.model_dump_json())
        await self._write(lambda c: c.execute(sql, args))

    async def get_delivery(self, delivery_id: str) -> Delivery | None:
        sql = "SELECT doc FROM webhook_deliveries WHERE id = ?"
        return await self._one(Delivery, sql, delivery_id)

    async def update_delivery(self, delivery_id: str, changes: Mapping[str, Any]) -> Delivery:
        def write(c: sqlite3.Connection, new: Delivery) -> None:
            c.execute("UPDATE webhook_deliveries SET doc = ? WHERE id = ?",
                      (new.model_dump_json(), new.id))

        return await self._update(Delivery, "webhook_deliveries", delivery_id, changes, write)

    async def list_deliveries(self, webhook_id: str, limit: int) -> list[Delivery]:
        sql = ("SELECT doc FROM webhook_deliveries WHERE webhook_id = ?"
               " ORDER BY created_ms DESC, id DESC LIMIT ?")
        return await self._many(Delivery, sql, webhook_id, limit)

    async def _update(self, model: type[M], table: str, record_id: str,
                      changes: Mapping[str, Any],
                      write: Callable[[sqlite3.Connection, M], None]) -> M:
        def tx(c: sqlite3.Connection) -> M:
            row = c.execute(f"SELECT doc FROM {table} WHERE id = ?", (record_id,)).fetchone()
            old = load(model, row)
            if old is None:
                raise NotFound(f"no {table} record {record_id}")
            new = changed(old, changes)
            write(c, new)
            return new

        return await self._write(tx)
