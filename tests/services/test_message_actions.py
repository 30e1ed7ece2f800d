"""Message actions on real stores (both backends), with an injected clock."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from chat.actions import accounts, hierarchy, messages
from chat.errors import Forbidden, NotFound, TooLarge
from chat.models import Message, User
from chat.payloads import CreateStaff, EditMessage, Register, RoomSync, SendMessage
from chat.replies import ReadMarker
from chat.services import Services
from chat.wire import message_view
from tests.support.fakes import FakeClock, RecordingFanout
from tests.support.services import one_grid, services_on
from web.stores import Store


class World:
    def __init__(self, services: Services, fanout: RecordingFanout, clock: FakeClock) -> None:
        self.services, self.fanout, self.clock = services, fanout, clock
        self.people: dict[str, User] = {}
        self.room = ""

    async def build(self) -> World:
        s = self.services
        community, grid = await one_grid(s)
        self.room = f"grid:{grid.id}"
        self.people["worker"] = await accounts.create_staff(s, None, CreateStaff(
            role="worker", name="李娜", phone="13800000002", password="pass-word-1",
            unit_id=community.id, grid_ids=[grid.id]))
        code = await hierarchy.create_join_code(s, None, grid.id)
        for name, phone in (("张伟", "13900000001"), ("刘芳", "13900000002")):
            user = await accounts.register(s, Register(
                join_code=code.code, name=name, phone=phone, password="pass-word-1",
                building="3", room="701"))
            self.people[name] = await accounts.verify_resident(s, self.people["worker"],
                                                               user.id, True, "")
        return self

    async def send(self, who: str, text: str, client_id: str, **extra: Any) -> Message:
        return await messages.send_message(self.services, self.people[who], SendMessage(
            room_id=self.room, text=text, client_id=client_id, **extra))


@pytest.fixture
async def world(store: Store, tmp_path: Path) -> World:
    clock, fanout = FakeClock(), RecordingFanout()
    services = services_on(store, tmp_path, clock, fanout, sync_page_max=3)
    return await World(services, fanout, clock).build()


async def test_fan_out_follows_the_write(world: World) -> None:
    sent = await world.send("张伟", "你好", "c1")
    assert world.fanout.sent[-1] == ("message:new", message_view(sent), world.room)
    assert (await world.services.store.get_message(sent.id)) is not None


async def test_edit_window_is_fifteen_minutes(world: World) -> None:
    sent = await world.send("张伟", "原文", "c1")
    world.clock.moment += timedelta(minutes=14)
    edited = await messages.edit_message(world.services, world.people["张伟"],
                                         EditMessage(message_id=sent.id, text="改一次"))
    assert edited.text == "改一次"
    stored = await world.services.store.get_message(sent.id)
    assert stored is not None and [e.text for e in stored.edits] == ["原文"]
    world.clock.moment += timedelta(minutes=2)
    with pytest.raises(Forbidden):
        await messages.edit_message(world.services, world.people["张伟"],
                                    EditMessage(message_id=sent.id, text="太晚了"))


async def test_mentions_resolve_to_members(world: World) -> None:
    sent = await world.send("张伟", "@李娜 @刘* 请看一下 @不存在", "c1")
    assert sent.mentions == (world.people["worker"].id,)
    everyone = await messages.send_message(world.services, world.people["worker"], SendMessage(
        room_id=world.room, text="@所有人 明天停水", client_id="c2"))
    assert everyone.mention_all is True


async def test_reply_must_be_in_the_room_and_text_within_limit(world: World) -> None:
    with pytest.raises(NotFound):
        await world.send("张伟", "回复", "c1", reply_to="m-elsewhere")
    with pytest.raises(TooLarge):
        await world.send("张伟", "字" * 2001, "c2")


async def test_sync_pages_and_reports_changes(world: World) -> None:
    first = await world.send("张伟", "一", "c0")
    since = int(world.clock.now().timestamp() * 1000)
    world.clock.moment += timedelta(seconds=1)
    for i in range(4):
        await world.send("刘芳", f"第{i}条", f"c{i + 1}")
    await messages.edit_message(world.services, world.people["张伟"],
                                EditMessage(message_id=first.id, text="一（改）"))
    page = await messages.room_sync(world.services, world.people["刘芳"],
                                    RoomSync(cursors={world.room: 1}, since=since))
    data = page.rooms[world.room]
    assert [m.seq for m in data.messages] == [2, 3, 4] and data.has_more is True
    assert [m.text for m in data.changed] == ["一（改）"]
    rest = await messages.room_sync(world.services, world.people["刘芳"],
                                    RoomSync(cursors={world.room: 4}))
    assert [m.seq for m in rest.rooms[world.room].messages] == [5]


async def test_read_marker_is_clamped_to_the_last_message(world: World) -> None:
    await world.send("张伟", "一", "c1")
    read = await messages.mark_read(world.services, world.people["刘芳"], world.room, 999)
    assert read == ReadMarker(world.room, read_seq=1, unread=0)
