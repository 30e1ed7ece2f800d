"""How webhooks and their deliveries look to the admins who manage them. The signing secret
is in the view only once, in the answer to the request that created the webhook."""

from __future__ import annotations

from typing import Any

from bots.webhooks.models import Delivery, Webhook
from chat.clock import iso


def webhook_view(w: Webhook, *, with_secret: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": w.id, "community_id": w.community_id, "url": w.url, "events": list(w.events),
        "room_ids": list(w.room_ids), "active": w.active, "created_by": w.created_by,
        "created_at": iso(w.created_at),
        "deleted_at": iso(w.deleted_at) if w.deleted_at else None,
    }
    if with_secret:
        view["secret"] = w.secret
    return view


def delivery_view(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.id, "webhook_id": d.webhook_id, "event": d.event, "event_id": d.event_id,
        "status": d.status, "attempts": d.attempts, "last_status_code": d.last_status_code,
        "last_error": d.last_error, "created_at": iso(d.created_at),
        "delivered_at": iso(d.delivered_at) if d.delivered_at else None,
    }
