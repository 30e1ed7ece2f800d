"""Who may manage a community's bots and webhooks: its community admins."""

from __future__ import annotations

from chat.errors import Forbidden, Invalid, NotFound
from chat.models import Room, User
from chat.permissions import is_active
from chat.services import Services


def require_admin(actor: User, community_id: str) -> None:
    if actor.role != "admin" or actor.community_id != community_id or not is_active(actor):
        raise Forbidden("only this community's admins manage its bots / 仅本社区管理员可管理机器人")


async def community_rooms(services: Services, community_id: str,
                          room_ids: list[str]) -> tuple[str, ...]:
    """The given rooms, deduplicated, each checked to be a room of the community."""
    rooms: dict[str, Room] = {r.id: r for r in await services.store.list_rooms(community_id)}
    unknown = [r for r in room_ids if r not in rooms]
    if unknown:
        raise Invalid(f"not rooms of this community: {', '.join(unknown)} / 群聊不属于本社区")
    return tuple(dict.fromkeys(room_ids))


async def require_bot(services: Services, actor: User, bot_id: str) -> tuple[User, str]:
    """The bot and its community, if the actor administers that community."""
    bot = await services.store.get_user(bot_id)
    if bot is None or bot.role != "bot" or bot.community_id is None:
        raise NotFound("no such bot / 机器人不存在")
    require_admin(actor, bot.community_id)
    return bot, bot.community_id
