"""The retention sweep: what the settings say is too old to keep is deleted in batches, on the
scheduler like the other periodic jobs. Every process runs it; the deletes do not conflict."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from chat.services import Services
from web.stores import Store

log = logging.getLogger(__name__)
BATCH = 500
MAX_BATCHES = 200
"""Batches per kind and sweep: a huge backlog is worked off over several sweeps."""

Purge = Callable[[datetime, int], Awaitable[int]]


def _purges(store: Store, services: Services) -> dict[str, tuple[int, Purge]]:
    settings = services.settings
    return {
        "messages": (settings.retention_chat_days, store.purge_messages),
        "drafts": (settings.retention_drafts_days, store.purge_drafts),
        "audit": (settings.retention_audit_days, store.purge_audit),
        "webhook_deliveries": (settings.retention_webhook_log_days, store.purge_deliveries),
    }


async def sweep(services: Services) -> dict[str, int]:
    """Delete what is past its retention; how many of each kind went."""
    store = services.store
    if not isinstance(store, Store):
        raise TypeError(f"{type(store).__name__} lacks the retention parts")
    now = services.clock.now()
    deleted: dict[str, int] = {}
    for kind, (days, purge) in _purges(store, services).items():
        if days == 0:
            continue
        deleted[kind] = await _purge_all(purge, now - timedelta(days=days))
    if any(deleted.values()):
        log.info("retention sweep deleted %s", deleted)
    return deleted


async def _purge_all(purge: Purge, before: datetime) -> int:
    total = 0
    for _ in range(MAX_BATCHES):
        count = await purge(before, BATCH)
        total += count
        if count < BATCH:
            break
    return total
