"""The one send path, through each of its three doors — a person's `message:send`, the bot
HTTP API and a built-in bot — on real stores (both backends): the same rule for a reused
client_id, and the blocked words for every author."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bots.accounts import api as bot_api
from bots.accounts.payloads import BotMessage
from bots.base import Bot
from bots.context import MessageContext
from chat.actions import messages
from chat.actions.bot_messages import post_bot_message
from chat.errors import BlockedContent, Conflict
from chat.models import Address, Message, User
from chat.payloads import EditMessage, SendMessage
from chat.services import Services
from tests.support.fakes import RecordingFanout
from tests.support.services import one_grid, services_on
from web.stores import Store

Send = Callable[[str, str], Awaitable[Message]]


class Helper(Bot):
    name = "helper"
    display_name = "小助手"


class World:
    def __init__(self, services: Services, fanout: RecordingFanout) -> None:
        self.services, self.fanout = services, fanout
        self.room = ""
        self.people: dict[str, User] = {}

    async def build(self) -> World:
        s = self.services
        community, grid = await one_grid(s)
        self.room = f"grid:{grid.id}"
        for key, role, extra in (("张伟", "resident", {}),
                                 ("bot", "bot", {"bot_rooms": (self.room,)})):
            user = User(id=f"u-{role}", phone=f"1390000000{len(self.people)}", name=key,
                        role=role, status="verified", password_hash="x",
                        created_at=s.clock.now(), address=Address(building="3", room="701"),
                        community_id=community.id,
                        grid_ids=(grid.id,) if role != "bot" else (), **extra)
            await s.store.add_user(user)
            self.people[key] = user
        return self

    async def person(self, text: str, client_id: str) -> Message:
        return await messages.send_message(self.services, self.people["张伟"], SendMessage(
            room_id=self.room, text=text, client_id=client_id))

    async def bot_account(self, text: str, client_id: str) -> Message:
        return await bot_api.post_message(self.services, self.people["bot"], BotMessage(
            room_id=self.room, text=text, client_id=client_id))

    async def builtin(self, text: str, client_id: str) -> Message:
        return await post_bot_message(self.services, self.room, "bot:notices", "公告", text,
                                      client_id)

    def deliveries(self, message_id: str) -> int:
        return sum(1 for event, data, _ in self.fanout.sent
                   if event == "message:new" and data["id"] == message_id)


@pytest.fixture
async def world(store: Store, tmp_path: Path) -> World:
    fanout = RecordingFanout()
    services = services_on(store, tmp_path, fanout=fanout, blocked_words=["赌博"])
    return await World(services, fanout).build()


@pytest.mark.parametrize("door", ["person", "bot_account", "builtin"])
async def test_a_reused_client_id_returns_the_original_on_every_path(
        world: World, door: str) -> None:
    send: Send = getattr(world, door)
    first = await send("明天停水", "same-id")
    again = await send("明天停水", "same-id")
    assert again == first
    assert world.deliveries(first.id) == 2  # announced again: the first may not have arrived
    with pytest.raises(Conflict):
        await send("后天停电", "same-id")
    history = await world.services.store.history(world.room, None, 50)
    assert [m.id for m in history] == [first.id]


async def test_a_retry_after_an_edit_still_returns_the_original(world: World) -> None:
    first = await world.person("明天停水", "edited-id")
    await messages.edit_message(world.services, world.people["张伟"],
                                EditMessage(message_id=first.id, text="明天上午停水"))
    again = await world.person("明天停水", "edited-id")
    assert again.id == first.id and again.text == "明天上午停水"


async def test_blocked_words_hold_for_bot_accounts_and_built_in_bots(world: World) -> None:
    for send in (world.person, world.bot_account, world.builtin):
        with pytest.raises(BlockedContent):
            await send("来赌博吧", f"blocked-{send.__name__}")
    trigger = await world.person("有人吗", "trigger")
    stored = await world.services.store.get_message(trigger.id)
    room = await world.services.store.get_room(world.room)
    assert stored is not None and room is not None
    context = MessageContext(world.services, Helper(), stored, room, world.people["张伟"])
    with pytest.raises(BlockedContent):
        await context.reply("一起赌博")
    history = await world.services.store.history(world.room, None, 50)
    assert [m.text for m in history] == ["有人吗"]
