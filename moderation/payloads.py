"""Inbound payloads of moderation and ticket requests, on the strict base of chat.payloads."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from chat.payloads import Id, Payload, Reason
from config.settings import Urgency
from moderation.categories import CATEGORY_NAMES
from moderation.models import Level, Rating

CategoryName = Literal[CATEGORY_NAMES]  # type: ignore[valid-type]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Required = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Word = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]


class FileTicket(Payload):
    """我要报事: a form, or one chat message (`message_id`) turned into a report."""

    description: Text | None = None
    message_id: Id | None = None
    category: CategoryName | None = None
    urgency: Urgency | None = None
    location: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    grid_id: Id | None = None


class ConfirmTicket(Payload):
    note: Note = ""


class WithReason(Payload):
    reason: Required


class AcceptTicket(Payload):
    category: CategoryName
    urgency: Urgency
    level: Level | None = None


class ClassifyTicket(Payload):
    category: CategoryName
    urgency: Urgency


class AssignTicket(Payload):
    assignee_id: Id
    note: Note = ""


class ResolveTicket(Payload):
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class RateTicket(Payload):
    rating: Rating
    comment: Note = ""


class MergeTicket(Payload):
    into: Id


class EscalateTicket(Payload):
    note: Note = ""


class FlagMessage(Payload):
    reason: Required


class HandleFlag(Payload):
    outcome: Literal["deleted", "kept"]
    note: Reason = ""


class RemoveMember(Payload):
    user_id: Id
    reason: Reason = ""


class BlockedWordsList(Payload):
    words: Annotated[list[Word], Field(max_length=500)]


class RestoreModel(Payload):
    """Which detection model to use again: a stored model's id, or null for the packaged one."""

    model_id: Id | None = None
