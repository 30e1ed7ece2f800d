"""The notices sweep, run every `sweep_seconds`: publish scheduled notices whose time has come,
expire pinned ones past `expires_at`, and send the automatic reminder `remind_after_hours`
after publishing (once). Each step is a compare-and-swap on the notice's version, so with
several processes exactly one does it and tells people."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Literal

from bots.notices import notify
from bots.notices.models import Notice
from bots.store import bots_store
from chat.errors import Conflict
from chat.services import Services

log = logging.getLogger(__name__)
SWEEP_PAGE = 100
Step = Literal["publish", "expire", "remind"]


def next_step(notice: Notice, now: datetime) -> Step | None:
    if notice.status == "scheduled":
        return "publish" if notice.publish_at <= now else None
    if notice.status != "pinned":
        return None
    if notice.expires_at is not None and notice.expires_at <= now:
        return "expire"
    remind_at = notice.remind_at
    return "remind" if remind_at is not None and remind_at <= now else None


def _changes(step: Step, now: datetime) -> dict[str, Any]:
    if step == "publish":
        return {"status": "pinned", "published_at": now}
    if step == "expire":
        return {"status": "expired", "closed_at": now}
    return {"reminded_at": now}


async def run_step(services: Services, notice: Notice, now: datetime) -> Step | None:
    """Take the notice's next step; None if there is none or another process took it."""
    step = next_step(notice, now)
    if step is None:
        return None
    changed = notice.model_copy(update=_changes(step, now) | {
        "updated_at": now, "version": notice.version + 1})
    try:
        await bots_store(services).save_notice(changed)
    except Conflict:
        return None
    room = await bots_store(services).get_room(notice.room_id)
    if step == "publish":
        await notify.published(services, changed)
    elif room is not None and step == "expire":
        await notify.status_changed(services, room, changed, public=True)
    elif room is not None:
        await notify.remind(services, room, changed, auto=True)
    return step


async def run_due(services: Services) -> None:
    now = services.clock.now()
    for notice in await bots_store(services).due_notices(now, SWEEP_PAGE):
        try:
            await run_step(services, notice, now)
        except Exception:
            log.exception("notice %s: the sweep step failed", notice.id)
