"""Messages posted by bots into rooms: stored with the next seq like any message, delivered,
but never handed to bots again (no loops)."""

from __future__ import annotations

from typing import Any

from chat.ids import new_id
from chat.models import NewMessage
from chat.services import Services
from chat.views import message_view


async def post_bot_message(services: Services, room_id: str, sender_id: str, sender_name: str,
                           text: str, client_id: str | None = None) -> dict[str, Any]:
    """`client_id` makes a repeated post (a retried job) return the stored message."""
    new = NewMessage(id=new_id("m", 16), room_id=room_id, sender_id=sender_id,
                     sender_name=sender_name, sender_role="bot", kind="bot",
                     client_id=client_id or new_id("b", 16), text=text,
                     created_at=services.clock.now())
    message, created = await services.store.append_message(new)
    view = message_view(message)
    if created:
        await services.fanout.emit("message:new", view, room_id)
    return view
