"""Moderation and case-handling records: tickets with their history, flags, the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chat.models import Record
from config.settings import Urgency

TicketStatus = Literal["draft", "submitted", "accepted", "in_progress", "resolved", "closed",
                       "reopened", "rejected", "dismissed", "duplicate"]
Source = Literal["resident", "enterprise", "worker", "detected"]
Level = Literal["grid", "community", "street", "district"]
Rating = Literal["满意", "基本满意", "不满意"]

SYSTEM = "system"
"""The actor of what nobody did by hand: detection's drafts, the sweep's escalations."""

LEVELS: tuple[Level, ...] = ("grid", "community", "street", "district")
STATUSES: tuple[TicketStatus, ...] = ("draft", "submitted", "accepted", "in_progress",
                                      "resolved", "closed", "reopened", "rejected",
                                      "dismissed", "duplicate")
# Statuses where the SLA clock runs and escalation applies ("any open",
# docs/architecture.md#tickets-and-escalation).
OPEN: frozenset[TicketStatus] = frozenset({"submitted", "accepted", "in_progress", "reopened"})
FINAL: frozenset[TicketStatus] = frozenset({"closed", "rejected", "dismissed", "duplicate"})
# What reporters and Open311 see: everything but drafts and dismissed drafts.
PUBLIC_STATUSES: tuple[TicketStatus, ...] = ("submitted", "accepted", "in_progress",
                                             "reopened", "resolved", "closed", "rejected",
                                             "duplicate")
SOURCE_LABELS: dict[Source, str] = {"resident": "群众报事", "enterprise": "企业报事",
                                    "worker": "基层报事", "detected": "自动识别"}


class Transition(Record):
    """One entry of a ticket's history; `from_status` is None for the creation entry."""

    from_status: TicketStatus | None
    to_status: TicketStatus
    action: str
    by: str
    at: datetime
    note: str = ""
    level: Level | None = None


class DetectionInfo(Record):
    score: float
    category: str | None
    urgency: Urgency
    matches: tuple[str, ...]
    model: str | None = Field(default=None, description="version of the model that decided")


class Ticket(Record):
    id: str
    number: int = Field(description="per-community running number shown to people")
    source: Source
    status: TicketStatus
    description: str
    category: str | None = None
    urgency: Urgency = "normal"
    level: Level = "grid"
    location: str = ""
    community_id: str
    grid_id: str | None = None
    street_id: str | None = None
    district_id: str | None = None
    room_id: str | None = None
    message_ids: tuple[str, ...] = ()
    reporter_id: str
    created_by: str
    assignee_id: str | None = None
    due_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    resolution: str | None = None
    reason: str | None = None
    rating: Rating | None = None
    rating_comment: str | None = None
    merged_into: str | None = None
    duplicate_of: str | None = Field(default=None, description="a detected draft's likely "
                                     "duplicate: an open ticket or draft of the same grid, "
                                     "category and place (moderation.duplicates)")
    supporters: tuple[str, ...] = ()
    detection: DetectionInfo | None = None
    redacted: bool = Field(default=False, description="the source message was deleted: the "
                           "description is no longer published")
    history: tuple[Transition, ...] = ()
    version: int = 1

    def overdue(self, now: datetime) -> bool:
        return self.status in OPEN and self.due_at is not None and self.due_at <= now

    def people_ids(self) -> set[str]:
        """The users the ticket names: reporter, creator, assignee, everyone in its history."""
        ids = {self.reporter_id, self.created_by, *(e.by for e in self.history)}
        if self.assignee_id:
            ids.add(self.assignee_id)
        return ids - {SYSTEM}


class TicketQuery(BaseModel):
    """Filters of the tickets list; every set field must match. Scope fields come from the
    caller's permissions, the rest from the request."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    community_ids: tuple[str, ...] | None = None
    grid_ids: tuple[str, ...] | None = None
    street_id: str | None = None
    district_id: str | None = None
    min_level: Level | None = None
    max_level: Level | None = None
    reporter_id: str | None = None
    statuses: tuple[TicketStatus, ...] | None = None
    category: str | None = None
    urgency: Urgency | None = None
    level: Level | None = None
    source: Source | None = None
    assignee_id: str | None = None
    overdue_at: datetime | None = None
    resolved_before: datetime | None = None
    created_from: datetime | None = None
    created_until: datetime | None = None
    offset: int = 0
    limit: int = 50


class Flag(Record):
    """A member's report of a message to the room's moderators (举报)."""

    id: str
    message_id: str
    room_id: str
    community_id: str
    by: str
    reason: str
    created_at: datetime
    handled_by: str | None = None
    handled_at: datetime | None = None
    outcome: Literal["deleted", "kept"] | None = None

