"""(being written)"""

from __future__ import annotations

from typing import Any

from bots.notices.payloads import AckNotice, NewNotice
from chat.models import Room, User
from chat.services import Services


async def publish_notice(services: Services, *, author_id: str, author_name: str, room: Room,
                         form: NewNotice) -> dict[str, Any]:
    raise NotImplementedError


async def acknowledge(services: Services, user: User, form: AckNotice) -> dict[str, Any]:
    raise NotImplementedError


async def post_notice(services: Services, user: User, form: NewNotice) -> dict[str, Any]:
    raise NotImplementedError
