"""Outgoing webhooks of a community and the log of their deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from chat.models import Record

WebhookEvent = Literal["message.created", "ticket.changed", "poll.closed"]
DeliveryStatus = Literal["pending", "delivered", "failed"]


class Webhook(Record):
    id: str
    community_id: str
    url: str
    secret: str
    events: tuple[WebhookEvent, ...]
    room_ids: tuple[str, ...] = ()
    active: bool = True
    created_by: str
    created_at: datetime
    deleted_at: datetime | None = None


class Delivery(Record):
    """One event for one webhook; `attempts` counts the POSTs made so far."""

    id: str
    webhook_id: str
    event: WebhookEvent
    event_id: str
    status: DeliveryStatus = "pending"
    attempts: int = 0
    last_status_code: int | None = None
    last_error: str | None = None
    created_at: datetime
    delivered_at: datetime | None = None
