"""The audit log: who did what to what, when and why. Every part records its actions here;
moderation shows the log (moderation.wire.audit_view)."""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from chat.ids import time_ordered_id
from chat.models import AuditEntry, User
from chat.services import Services

log = logging.getLogger("linli.audit")


class AuditAction(StrEnum):
    """Every action the audit log records, by part. The values are what the store keeps and
    what `GET /api/v1/admin/audit?action=` filters on; never change one."""

    ACCOUNT_REGISTRATION_REPEATED = "account.registration_repeated"
    RESIDENT_VERIFY = "resident.verify"
    RESIDENT_REJECT = "resident.reject"
    RESIDENT_REMOVE = "resident.remove"
    RESIDENT_PARTY_MEMBER = "resident.party_member"
    MESSAGE_DELETE = "message.delete"
    MESSAGE_FLAG = "message.flag"
    MEMBER_MUTE = "member.mute"
    MEMBER_UNMUTE = "member.unmute"
    MEMBER_REMOVE = "member.remove"
    MEMBER_RESTORE = "member.restore"
    FLAG_HANDLE = "flag.handle"
    COMMUNITY_BLOCKED_WORDS = "community.blocked_words"
    LEXICON_RELOAD = "lexicon.reload"
    DETECTION_REJECT = "detection.reject"
    DETECTION_SWITCH = "detection.switch"
    DETECTION_RESTORE = "detection.restore"
    TICKET_DRAFT = "ticket.draft"
    TICKET_CREATE = "ticket.create"
    TICKET_CONFIRM = "ticket.confirm"
    TICKET_DISMISS = "ticket.dismiss"
    TICKET_ACCEPT = "ticket.accept"
    TICKET_CLASSIFY = "ticket.classify"
    TICKET_REJECT = "ticket.reject"
    TICKET_MERGE = "ticket.merge"
    TICKET_ASSIGN = "ticket.assign"
    TICKET_RESOLVE = "ticket.resolve"
    TICKET_RATE = "ticket.rate"
    TICKET_AUTO_CLOSE = "ticket.auto_close"
    TICKET_ESCALATE = "ticket.escalate"
    TICKET_SHARE = "ticket.share"
    TICKET_SUPPORT = "ticket.support"
    DIRECTORY_CREATE = "directory.create"
    DIRECTORY_UPDATE = "directory.update"
    DIRECTORY_DELETE = "directory.delete"
    DIRECTORY_IMPORT = "directory.import"
    BOT_CREATE = "bot.create"
    BOT_ROOMS = "bot.rooms"
    BOT_REVOKE = "bot.revoke"
    BOT_TOKEN = "bot.token"
    WEBHOOK_CREATE = "webhook.create"
    WEBHOOK_DELETE = "webhook.delete"

    @classmethod
    def ticket(cls, step: str) -> AuditAction:
        """The entry for one ticket state-machine step (`moderation.machine.ACTION_OF`)."""
        return cls(f"ticket.{step}")


async def record(services: Services, actor: User | str, action: AuditAction, target_type: Any,
                 target_id: str, community_id: str | None, reason: str = "",
                 **details: Any) -> None:
    actor_id = actor if isinstance(actor, str) else actor.id
    at = services.clock.now()
    # Time-ordered ids keep entries of the same millisecond in the order they happened.
    entry = AuditEntry(id=time_ordered_id("a", at), community_id=community_id,
                       actor_id=actor_id, action=action.value, target_type=target_type,
                       target_id=target_id, reason=reason, details=details, at=at)
    await services.store.add_audit(entry)
    log.info("%s %s %s %s%s", actor_id, action, target_type, target_id,
             f": {reason}" if reason else "")
