"""Whether someone may put words into a room right now: the blocked-words lists and mutes.
Messages, edits, notices, polls and external bots all pass through here."""

from __future__ import annotations

from chat.clock import iso, local_text
from chat.errors import Muted
from chat.models import Room
from chat.services import Services


async def check_not_muted(services: Services, author_id: str, room: Room) -> None:
    mute = await services.store.get_mute(room.id, author_id)
    if mute is not None and mute.until > services.clock.now():
        until = iso(mute.until)
        raise Muted(f"muted here until {until} / 你已被禁言至{local_text(mute.until)}",
                    until=until)


async def check_can_speak(services: Services, author_id: str, room: Room, *texts: str) -> None:
    for text in texts:
        await services.blocked.check(services.store, room.community_id,
                                     services.settings.blocked_words, text)
    await check_not_muted(services, author_id, room)
