"""Records of detection learning: labelled examples gathered from moderators' decisions, and
the detection models trained from them (the model file itself is stored beside the record)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from chat.models import Record
from config.settings import Urgency

ExampleSource = Literal["confirmed", "dismissed", "corrected", "filed"]
ModelStatus = Literal["candidate", "active", "retired", "rejected"]
MODEL_STATUSES: tuple[ModelStatus, ...] = ("candidate", "active", "retired", "rejected")


class DetectionExample(Record):
    """One labelled text; `text` is already masked by the caller."""

    id: str
    text: str
    is_report: bool
    category: str | None
    urgency: Urgency
    source: ExampleSource
    ticket_id: str | None
    message_id: str | None
    community_id: str
    actor_id: str
    created_at: datetime
    updated_at: datetime


class DetectionModelRecord(Record):
    """One trained model; `version` counts deployments' models 1, 2, 3…"""

    id: str
    version: int
    sha256: str
    size: int
    created_at: datetime
    created_by: str
    examples: int
    figures: dict[str, Any]
    status: ModelStatus
    activated_at: datetime | None = None
    note: str = ""
