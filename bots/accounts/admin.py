"""Bot accounts, managed by community admins: create, list, scope to rooms, revoke tokens,
rotate the token (revoke the live ones, issue a new one). A token is returned once and only its
keyed digest is stored."""

from __future__ import annotations

from bots.accounts.access import community_rooms, require_admin, require_bot
from bots.accounts.models import BotToken
from bots.accounts.payloads import CreateBot, SetBotRooms
from bots.store import bots_store
from chat import audit
from chat.audit import AuditAction
from chat.errors import Unauthorized
from chat.ids import new_id
from chat.models import User
from chat.services import Services

TOKEN_PURPOSE = "bot-token"
NO_PASSWORD = "!"  # not an argon2 hash: no password ever matches, so a bot cannot log in


async def _issue_token(services: Services, actor: User, bot: User) -> str:
    token = services.secrets.new_token()
    await bots_store(services).add_bot_token(BotToken(
        id=new_id("bt"), bot_id=bot.id,
        token_digest=services.secrets.digest(TOKEN_PURPOSE, token),
        created_by=actor.id, created_at=services.clock.now()))
    return token


async def create_bot(services: Services, actor: User, community_id: str,
                     form: CreateBot) -> tuple[User, str]:
    require_admin(actor, community_id)
    rooms = await community_rooms(services, community_id, form.rooms)
    bot_id = new_id("bot")
    bot = User(id=bot_id, phone=f"bot:{bot_id}", name=form.name, role="bot", status="verified",
               password_hash=NO_PASSWORD, created_at=services.clock.now(),
               community_id=community_id, bot_rooms=rooms)
    await bots_store(services).add_user(bot)
    token = await _issue_token(services, actor, bot)
    await audit.record(services, actor, AuditAction.BOT_CREATE, "bot", bot.id, community_id,
                       name=bot.name, rooms=list(rooms))
    return bot, token


async def list_bots(services: Services, actor: User, community_id: str) -> list[User]:
    require_admin(actor, community_id)
    return await bots_store(services).list_users(community_id=community_id, role="bot")


async def set_rooms(services: Services, actor: User, bot_id: str, form: SetBotRooms) -> User:
    bot, community_id = await require_bot(services, actor, bot_id)
    rooms = await community_rooms(services, community_id, form.rooms)
    updated = await bots_store(services).update_user(bot.id, {"bot_rooms": rooms})
    await audit.record(services, actor, AuditAction.BOT_ROOMS, "bot", bot.id, community_id,
                       rooms=list(rooms))
    return updated


async def revoke_tokens(services: Services, actor: User, bot_id: str) -> int:
    bot, community_id = await require_bot(services, actor, bot_id)
    revoked = await bots_store(services).revoke_bot_tokens(bot.id, services.clock.now())
    await audit.record(services, actor, AuditAction.BOT_REVOKE, "bot", bot.id, community_id,
                       tokens=revoked)
    return revoked


async def rotate_token(services: Services, actor: User, bot_id: str) -> tuple[str, int]:
    """Revoke the bot's live tokens, then issue a new one: a leaked token is replaced, not
    joined. Returns the new token and how many were revoked."""
    bot, community_id = await require_bot(services, actor, bot_id)
    revoked = await bots_store(services).revoke_bot_tokens(bot.id, services.clock.now())
    token = await _issue_token(services, actor, bot)
    await audit.record(services, actor, AuditAction.BOT_TOKEN, "bot", bot.id, community_id,
                       revoked=revoked)
    return token, revoked


async def authenticate_bot(services: Services, token: str | None) -> User:
    if not token or len(token) > 200:
        raise Unauthorized("missing bot token / 缺少机器人令牌")
    found = await bots_store(services).get_bot_token_by_digest(
        services.secrets.digest(TOKEN_PURPOSE, token))
    if found is None or found.revoked_at is not None:
        raise Unauthorized("invalid or revoked bot token / 机器人令牌无效或已吊销")
    bot = await bots_store(services).get_user(found.bot_id)
    if bot is None or bot.role != "bot" or bot.status != "verified":
        raise Unauthorized("bot account not active / 机器人账号不可用")
    return bot
