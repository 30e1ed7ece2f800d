"""The audit log: who did what to what, when and why. Every part records its actions here;
moderation shows the log (moderation.views.audit_view)."""

from __future__ import annotations

import logging
from typing import Any

from chat.ids import time_ordered_id
from chat.models import AuditEntry, User
from chat.services import Services

log = logging.getLogger("linli.audit")


async def record(services: Services, actor: User | str, action: str, target_type: Any,
                 target_id: str, community_id: str | None, reason: str = "",
                 **details: Any) -> None:
    actor_id = actor if isinstance(actor, str) else actor.id
    at = services.clock.now()
    # Time-ordered ids keep entries of the same millisecond in the order they happened.
    entry = AuditEntry(id=time_ordered_id("a", at), community_id=community_id,
                       actor_id=actor_id, action=action, target_type=target_type,
                       target_id=target_id, reason=reason, details=details, at=at)
    await services.store.add_audit(entry)
    log.info("%s %s %s %s%s", actor_id, action, target_type, target_id,
             f": {reason}" if reason else "")
