"""Messages posted by built-in bots into rooms, through the one send path
(`chat.actions.sending`): stored with the next seq like any message, delivered, checked
against the blocked words (and mutes) like any message, but never handed to bots again
(no loops)."""

from __future__ import annotations

from chat.actions import sending
from chat.actions.sending import Author
from chat.errors import NotFound
from chat.models import Message
from chat.services import Services


async def post_bot_message(services: Services, room_id: str, sender_id: str, sender_name: str,
                           text: str, client_id: str | None = None) -> Message:
    """`client_id` makes a repeated post (a retried job) return the stored message."""
    room = await services.store.get_room(room_id)
    if room is None:
        raise NotFound(f"no room {room_id}")
    return await sending.send(services, Author.builtin(sender_id, sender_name), room, text,
                              client_id)
