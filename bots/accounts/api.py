"""The bot HTTP API's actions. Each call is rate limited per bot and checked against the
bot's rooms before anything else happens; a bot posts as itself and reads only what it made
or what every member of its rooms may read."""

from __future__ import annotations

from bots.accounts.payloads import BotMessage
from bots.notices import actions as notices
from bots.notices.models import Notice
from bots.notices.payloads import NewNotice
from bots.polls import actions as polls
from bots.polls.payloads import NewPoll
from bots.polls.replies import MemberPoll, RoomPoll
from chat.actions import sending
from chat.actions.sending import Author
from chat.errors import Forbidden, RateLimited
from chat.models import Message, Room, User
from chat.permissions import can_join
from chat.services import Services


async def _limit(services: Services, bot: User) -> None:
    wait = await services.limiter.hit(f"bot:{bot.id}", services.settings.bot_rate_per_second,
                                      services.settings.bot_burst)
    if wait:
        raise RateLimited("bot calling too fast / 机器人调用过于频繁", wait)


async def enter(services: Services, bot: User, room_id: str) -> Room:
    """Rate limit, then the room — which must be one of the bot's."""
    await _limit(services, bot)
    room = await services.store.get_room(room_id)
    if room is None or not can_join(bot, room):
        raise Forbidden("this room is not in the bot's scope / 机器人无权访问该群聊")
    return room


async def post_message(services: Services, bot: User, form: BotMessage) -> Message:
    """Through the one send path (`chat.actions.sending`): stored with the room's next seq and
    delivered as `message:new` (kind "bot"); a retry with the same client_id returns the stored
    message."""
    room = await enter(services, bot, form.room_id)
    return await sending.send(services, Author.of(bot), room, form.text, form.client_id)


async def post_notice(services: Services, bot: User, form: NewNotice) -> Notice:
    room = await enter(services, bot, form.room_id)
    return await notices.publish_notice(services, author_id=bot.id, author_name=bot.name,
                                        room=room, form=form)


async def open_poll(services: Services, bot: User, form: NewPoll) -> RoomPoll:
    room = await enter(services, bot, form.room_id)
    return await polls.open_poll(services, author_id=bot.id, author_name=bot.name, room=room,
                                 form=form)


async def poll_results(services: Services, bot: User, poll_id: str) -> MemberPoll:
    """What a member of the poll's room sees; polls outside the bot's rooms do not exist."""
    await _limit(services, bot)
    return await polls.poll_detail(services, bot, poll_id)
