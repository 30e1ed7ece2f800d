"""Periodic work for polls: close those whose deadline passed, and announce closed polls whose
announcement did not go out (an outbox: `announced_at` is set once the result was sent). Safe
to run in several processes at once: closing is a compare-and-swap, so each poll is closed
once; an announcement is retried only after a grace period, and its message is posted once.

One poll's failure is logged (by poll id, never voters) and does not stop the batch."""

from __future__ import annotations

import logging
from datetime import timedelta

from bots.polls.actions import announce_pending, close_due
from bots.store import bots_store
from chat.errors import DomainError
from chat.services import Services

log = logging.getLogger(__name__)
BATCH = 100
ANNOUNCE_GRACE = timedelta(minutes=1)
"""Left to the closer to announce before the sweep takes over."""
ANNOUNCE_WINDOW = timedelta(days=1)
"""Announcements still owed after this long are given up (and not replayed forever)."""


async def run_due(services: Services) -> None:
    now = services.clock.now()
    for poll in await bots_store(services).due_polls(now, BATCH):
        try:
            await close_due(services, poll)
        except DomainError as exc:
            log.warning("could not close poll %s at its deadline: %s", poll.id, exc.message)
        except Exception:
            log.exception("closing poll %s at its deadline failed", poll.id)
    owed = await bots_store(services).unannounced_polls(now - ANNOUNCE_WINDOW, now - ANNOUNCE_GRACE,
                                                  BATCH)
    for poll in owed:
        try:
            await announce_pending(services, poll)
        except Exception:
            log.exception("announcing poll %s failed", poll.id)
