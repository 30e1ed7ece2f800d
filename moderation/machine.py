"""The ticket state machine (docs/architecture.md#tickets-and-escalation): pure, the clock
passed in, no IO.

`apply(ticket, command, by, now, policy)` returns the next ticket or raises `Refused`.
Every accepted command appends one `Transition` to the history and bumps `version`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chat.errors import Conflict
from config.settings import Urgency
from moderation.models import (
    LEVELS,
    OPEN,
    Level,
    Rating,
    Ticket,
    TicketStatus,
    Transition,
)


class Refused(Conflict):
    """The command is not allowed in the ticket's current state."""


@dataclass(frozen=True)
class Policy:
    sla: Mapping[Urgency, timedelta] = field(default_factory=lambda: {
        "urgent": timedelta(hours=2), "normal": timedelta(hours=24), "low": timedelta(hours=72)})

    def due(self, urgency: Urgency, now: datetime) -> datetime:
        return now + self.sla[urgency]


@dataclass(frozen=True)
class Confirm:
    note: str = ""


@dataclass(frozen=True)
class Dismiss:
    reason: str


@dataclass(frozen=True)
class Accept:
    category: str
    urgency: Urgency
    level: Level | None = None


@dataclass(frozen=True)
class Classify:
    category: str
    urgency: Urgency


@dataclass(frozen=True)
class Reject:
    reason: str


@dataclass(frozen=True)
class Merge:
    into: str


@dataclass(frozen=True)
class Assign:
    assignee_id: str
    note: str = ""


@dataclass(frozen=True)
class Resolve:
    note: str


@dataclass(frozen=True)
class Rate:
    rating: Rating
    comment: str = ""


@dataclass(frozen=True)
class AutoClose:
    """The reporter did not rate in time (the sweep's step)."""


@dataclass(frozen=True)
class Escalate:
    note: str = ""
    automatic: bool = False


Command = (Confirm | Dismiss | Accept | Classify | Reject | Merge | Assign | Resolve | Rate
           | AutoClose | Escalate)

# action name -> (states it is allowed from, state it leads to; None keeps the state)
RULES: dict[str, tuple[frozenset[TicketStatus], TicketStatus | None]] = {
    "confirm": (frozenset({"draft"}), "submitted"),
    "dismiss": (frozenset({"draft"}), "dismissed"),
    "accept": (frozenset({"submitted"}), "accepted"),
    "classify": (OPEN, None),
    "reject": (frozenset({"submitted", "accepted"}), "rejected"),
    # a draft too: a detected report of a known problem is merged at once (可能重复)
    "merge": (frozenset({"draft", "submitted", "accepted"}), "duplicate"),
    "assign": (frozenset({"accepted", "reopened", "in_progress"}), "in_progress"),
    "resolve": (frozenset({"in_progress"}), "resolved"),
    "rate": (frozenset({"resolved"}), "closed"),
    "auto_close": (frozenset({"resolved"}), "closed"),
    "escalate": (OPEN, None),
}
ACTION_OF: dict[type[Any], str] = {
    Confirm: "confirm", Dismiss: "dismiss", Accept: "accept", Classify: "classify",
    Reject: "reject", Merge: "merge", Assign: "assign", Resolve: "resolve", Rate: "rate",
    AutoClose: "auto_close", Escalate: "escalate",
}
STATUS_LABELS: dict[TicketStatus, str] = {
    "draft": "待确认", "submitted": "已提交", "accepted": "已受理", "in_progress": "处理中",
    "resolved": "已办结", "closed": "已关闭", "reopened": "已重新打开", "rejected": "不予受理",
    "dismissed": "已忽略", "duplicate": "已合并",
}


def allowed(status: TicketStatus, action: str) -> bool:
    return status in RULES[action][0]


def next_level(level: Level) -> Level | None:
    i = LEVELS.index(level)
    return LEVELS[i + 1] if i + 1 < len(LEVELS) else None


def apply(ticket: Ticket, command: Command, by: str, now: datetime, policy: Policy) -> Ticket:
    action = ACTION_OF[type(command)]
    sources, target = RULES[action]
    if ticket.status not in sources:
        raise Refused(f"cannot {action} a ticket that is {ticket.status} / "
                      f"工单当前为「{STATUS_LABELS[ticket.status]}」，不能执行该操作")
    to: TicketStatus = target or ticket.status
    changes, note = _effects(ticket, command, now, policy)
    if isinstance(command, Rate) and command.rating == "不满意":
        to = "reopened"
    level: Level = changes.get("level", ticket.level)
    entry = Transition(from_status=ticket.status, to_status=to, action=action, by=by, at=now,
                       note=note, level=level)
    return ticket.model_copy(update={
        **changes, "status": to, "updated_at": now, "version": ticket.version + 1,
        "history": (*ticket.history, entry)})


def _effects(ticket: Ticket, command: Command, now: datetime,
             policy: Policy) -> tuple[dict[str, Any], str]:
    """The field changes a command makes, and the note its history entry carries."""
    match command:
        case Confirm(note):
            return {"submitted_at": now, "due_at": policy.due(ticket.urgency, now)}, note
        case Dismiss(reason) | Reject(reason):
            return {"reason": reason, "closed_at": now,
                    "first_response_at": ticket.first_response_at or now}, reason
        case Accept(category, urgency, level):
            changes: dict[str, Any] = {
                "category": category, "urgency": urgency, "level": level or ticket.level,
                "first_response_at": ticket.first_response_at or now,
                "due_at": _regraded_due(ticket, urgency, level, now, policy)}
            return changes, f"{category}/{urgency}"
        case Classify(category, urgency):
            due = _regraded_due(ticket, urgency, None, now, policy)
            return {"category": category, "urgency": urgency, "due_at": due}, \
                f"{category}/{urgency}"
        case Merge(into):
            if into == ticket.id:
                raise Refused("a ticket cannot be merged into itself / 不能与自身合并")
            return {"merged_into": into, "closed_at": now}, into
        case Assign(assignee_id, note):
            return {"assignee_id": assignee_id}, note
        case Resolve(note):
            return {"resolution": note, "resolved_at": now}, note
        case Rate(rating, comment):
            changes = {"rating": rating, "rating_comment": comment or None}
            if rating == "不满意":
                changes |= {"resolved_at": None, "due_at": policy.due(ticket.urgency, now)}
            else:
                changes["closed_at"] = now
            return changes, f"{rating} {comment}".strip()
        case AutoClose():
            return {"closed_at": now}, "no rating in time / 逾期未评价，自动关闭"
        case Escalate(note, automatic):
            up = next_level(ticket.level)
            if up is None:
                raise Refused("already at the district level / 已是区级，无法再上报")
            why = note or ("SLA overdue / 超时自动上报" if automatic else "")
            return {"level": up, "due_at": policy.due(ticket.urgency, now)}, why
    raise AssertionError(f"unknown command {command!r}")


def _stage_start(ticket: Ticket, now: datetime) -> datetime:
    """When the ticket's current SLA started: submitted, escalated or reopened."""
    for entry in reversed(ticket.history):
        if entry.action in ("confirm", "escalate") or (entry.to_status, entry.action) in (
                ("submitted", "create"), ("reopened", "rate")):
            return entry.at
    return ticket.submitted_at or now


def _regraded_due(ticket: Ticket, urgency: Urgency, level: Level | None, now: datetime,
                  policy: Policy) -> datetime:
    """A new handling level starts a fresh SLA; a new urgency re-times the current stage;
    otherwise the deadline stands (an escalation's fresh SLA is not taken back)."""
    if level is not None and level != ticket.level:
        return policy.due(urgency, now)
    if urgency != ticket.urgency or ticket.due_at is None:
        return policy.due(urgency, _stage_start(ticket, now))
    return ticket.due_at


def new_ticket(*, status: TicketStatus, by: str, now: datetime, policy: Policy,
               **fields: Any) -> Ticket:
    """A draft (detected) or a submitted ticket, with its creation entry in the history."""
    if status not in ("draft", "submitted"):
        raise ValueError("tickets start as draft or submitted")
    ticket = Ticket(status=status, created_by=by, created_at=now, updated_at=now, **fields)
    submitted = status == "submitted"
    entry = Transition(from_status=None, to_status=status, action="create", by=by, at=now,
                       level=ticket.level)
    return ticket.model_copy(update={
        "history": (entry,), "submitted_at": now if submitted else None,
        "due_at": policy.due(ticket.urgency, now) if submitted else None})
