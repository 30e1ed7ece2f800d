"""Periodic work for polls: close those whose deadline passed. Safe to run in several processes
at once: closing is a compare-and-swap, so each poll is closed and announced once."""

from __future__ import annotations

import logging

from bots.polls.actions import close_due
from chat.errors import DomainError
from chat.services import Services

log = logging.getLogger(__name__)
BATCH = 100


async def run_due(services: Services) -> None:
    for poll in await services.store.due_polls(services.clock.now(), BATCH):
        try:
            await close_due(services, poll)
        except DomainError as exc:
            log.warning("could not close poll %s at its deadline: %s", poll.id, exc.message)
