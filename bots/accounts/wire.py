"""How bot accounts look on the wire (to the admins who manage them)."""

from __future__ import annotations

from typing import Any

from chat.clock import iso
from chat.models import User


def bot_view(bot: User) -> dict[str, Any]:
    return {"id": bot.id, "name": bot.name, "role": bot.role, "community_id": bot.community_id,
            "rooms": list(bot.bot_rooms), "created_at": iso(bot.created_at)}
