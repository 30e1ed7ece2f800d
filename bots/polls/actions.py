"""(being written)"""

from __future__ import annotations

from typing import Any

from bots.polls.payloads import NewPoll, Vote
from chat.models import Room, User
from chat.services import Services


async def open_poll(services: Services, *, author_id: str, author_name: str, room: Room,
                    form: NewPoll) -> dict[str, Any]:
    raise NotImplementedError


async def vote(services: Services, user: User, form: Vote) -> dict[str, Any]:
    raise NotImplementedError


async def create_poll(services: Services, user: User, form: NewPoll) -> dict[str, Any]:
    raise NotImplementedError
