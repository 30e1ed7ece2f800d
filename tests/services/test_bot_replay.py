"""A bot command handled again — the process died after its effect but before the consumer's
cursor moved on — makes nothing twice: the /投票 poll and the /公告 notice take ids derived
from the message, on real stores (both backends)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bots.base import Bot
from bots.builtin.notices import NoticesBot
from bots.builtin.polls import PollsBot
from bots.context import MessageContext
from chat.actions import messages
from chat.models import Address, Message, Room, User
from chat.payloads import SendMessage
from chat.services import Services
from tests.support.services import one_grid, services_on
from web.stores import Store


class World:
    def __init__(self, services: Services, worker: User, room: Room) -> None:
        self.services, self.worker, self.room = services, worker, room

    async def say(self, text: str, client_id: str) -> Message:
        return await messages.send_message(self.services, self.worker, SendMessage(
            room_id=self.room.id, text=text, client_id=client_id))

    async def handle(self, bot: Bot, message: Message, command: str, args: str) -> None:
        """One handling of the message, as the bots' consumer does it: a fresh context."""
        await bot.on_command(MessageContext(self.services, bot, message, self.room,
                                            self.worker), command, args)

    async def bot_lines(self, head: str) -> list[str]:
        history = await self.services.store.history(self.room.id, None, 100)
        return [m.text for m in history if m.sender_id.startswith("bot:") and head in m.text]


@pytest.fixture
async def world(store: Store, tmp_path: Path) -> World:
    services = services_on(store, tmp_path)
    community, grid = await one_grid(services)
    worker = User(id="u-worker", phone="13900000001", name="李娜", role="worker",
                  status="verified", password_hash="x", created_at=services.clock.now(),
                  address=Address(), community_id=community.id, grid_ids=(grid.id,))
    await store.add_user(worker)
    room = await store.get_room(f"grid:{grid.id}")
    assert room is not None
    return World(services, worker, room)


async def test_a_poll_command_handled_twice_opens_one_poll(world: World) -> None:
    args = "加装电梯吗？同意 / 不同意 截止 2小时"
    first = await world.say(f"/投票 {args}", "c1")
    for _ in range(2):
        await world.handle(PollsBot(), first, "投票", args)
    polls = await world.services.store.list_polls(world.room.id, 10)
    assert [p.question for p in polls] == ["加装电梯吗？"]
    assert len(await world.bot_lines("发起：加装电梯吗")) == 1
    again = await world.say(f"/投票 {args}", "c2")  # a new message is a new poll
    await world.handle(PollsBot(), again, "投票", args)
    assert len(await world.services.store.list_polls(world.room.id, 10)) == 2


async def test_a_notice_command_handled_twice_posts_one_notice(world: World) -> None:
    args = "停水通知｜明天9点到12点停水 #需确认"
    message = await world.say(f"/公告 {args}", "c1")
    for _ in range(2):
        await world.handle(NoticesBot(), message, "公告", args)
    notices = await world.services.store.room_notices(world.room.id, pinned_only=True,
                                                      limit=10)
    assert [n.title for n in notices] == ["停水通知"]
    assert len(await world.bot_lines("【公告】停水通知")) == 1
