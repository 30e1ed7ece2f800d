"""Mentions resolve from each process's index of room labels, and stay right when members
join, leave, are renamed or staff is added — also when another process (another handle on the
same store, with its own index) made the change. Both backends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from chat.actions import accounts, hierarchy, messages
from chat.models import Address, User
from chat.payloads import CreateStaff, Register, SendMessage
from chat.services import Services
from moderation import actions as moderation
from tests.support.fakes import FakeClock
from tests.support.services import one_grid, services_on
from tests.support.stores import StoreTarget


def process(target: StoreTarget, data_dir: Path, clock: FakeClock) -> Services:
    """What one server process holds: its own store handle and its own mention index."""
    return services_on(target.new(), data_dir, clock, send_burst=100)


class Cluster:
    def __init__(self, a: Services, b: Services) -> None:
        self.a, self.b = a, b
        self.people: dict[str, User] = {}
        self.room = self.community = self.grid = self.code = ""
        self.count = 0

    async def build(self) -> Cluster:
        s = self.a
        community, grid = await one_grid(s)
        self.community, self.grid, self.room = community.id, grid.id, f"grid:{grid.id}"
        self.people["worker"] = await self._person("李娜", "worker", "")
        self.people["张伟"] = await self._person("张伟", "resident", "3")
        self.code = (await hierarchy.create_join_code(s, None, grid.id)).code
        return self

    async def _person(self, name: str, role: Any, building: str) -> User:
        """Written straight into the store (argon2 for each would cost seconds)."""
        self.count += 1
        user = User(id=f"u{self.count}", phone=f"1390000{self.count:04d}", name=name, role=role,
                    status="verified", password_hash="x", created_at=self.a.clock.now(),
                    address=Address(building=building, room="701"),
                    community_id=self.community, grid_ids=(self.grid,))
        await self.a.store.add_user(user)
        return user

    async def join(self, services: Services, name: str, building: str) -> User:
        """Registration and verification, through the real actions."""
        self.count += 1
        pending = await accounts.register(services, Register(
            join_code=self.code, name=name, phone=f"1370000{self.count:04d}",
            password="pass-word-1", building=building, room="501"))
        return await accounts.verify_resident(services, self.people["worker"], pending.id,
                                              True, "")

    async def mentions(self, services: Services, text: str) -> list[str]:
        self.count += 1
        sent = await messages.send_message(services, self.people["张伟"], SendMessage(
            room_id=self.room, text=text, client_id=f"c{self.count}"))
        return list(sent.mentions)


@pytest.fixture
async def cluster(store_target: StoreTarget, tmp_path: Path) -> AsyncIterator[Cluster]:
    clock = FakeClock()
    a = process(store_target, tmp_path / "a", clock)
    b = process(store_target, tmp_path / "b", clock)
    await a.store.open()
    await b.store.open()
    try:
        yield await Cluster(a, b).build()
    finally:
        await a.store.close()
        await b.store.close()


async def test_mentions_follow_membership_changed_by_another_process(cluster: Cluster) -> None:
    a, b, worker = cluster.a, cluster.b, cluster.people["worker"]
    assert await cluster.mentions(a, "@李娜 @不存在 请看") == [worker.id]

    joined = await cluster.join(b, "王芳", "5")
    assert await cluster.mentions(a, "@王*（5栋） 欢迎") == [joined.id]

    # a second 王 of building 5: the label is ambiguous and mentions nobody
    second = await cluster.join(b, "王强", "5")
    assert await cluster.mentions(a, "@王*（5栋） 欢迎") == []

    await moderation.remove_member(b, worker, cluster.room, joined.id, "测试")
    await moderation.restore_member(b, worker, cluster.room, joined.id)
    assert await cluster.mentions(a, "@李娜 @王*（5栋）") == [worker.id]
    await moderation.remove_member(b, worker, cluster.room, joined.id, "测试")
    assert await cluster.mentions(a, "@王*（5栋）") == [second.id]  # the one left
    await accounts.remove_resident(b, worker, second.id, "搬走")
    assert await cluster.mentions(a, "@王*（5栋）") == []

    zhang = cluster.people["张伟"]
    await b.store.update_user(zhang.id, {"name": "赵伟"})  # a rename
    assert await cluster.mentions(a, "@赵*（3栋）") == [zhang.id]
    assert await cluster.mentions(a, "@张*（3栋）") == []

    staff = await accounts.create_staff(b, None, CreateStaff(
        role="worker", name="孙七", phone="13800000009", password="pass-word-1",
        unit_id=cluster.community, grid_ids=[cluster.grid]))
    assert await cluster.mentions(a, "@孙七 @李娜") == [staff.id, worker.id]


async def test_members_are_read_once_per_membership_change(cluster: Cluster) -> None:
    a = cluster.a
    worker = cluster.people["worker"]
    await asyncio.gather(*(cluster.mentions(a, f"@李娜 第{i}条") for i in range(20)))
    assert a.mentions.builds == 1  # twenty concurrent senders share one build
    for i in range(5):
        assert await cluster.mentions(a, f"@李娜 又一条{i}") == [worker.id]
    assert await cluster.mentions(a, "没有提到谁") == []
    assert a.mentions.builds == 1

    # what changes no room (a pending registration, a password, a party-member flag) keeps
    # the index; the verification that lets the newcomer in does not
    b = cluster.b
    pending = await accounts.register(b, Register(
        join_code=cluster.code, name="钱多多", phone="13700009999", password="pass-word-1",
        building="6", room="601"))
    await b.store.update_user(worker.id, {"password_hash": "changed"})
    await b.store.update_user(cluster.people["张伟"].id, {"party_member": True})
    assert await cluster.mentions(a, "@钱**（6栋） @李娜") == [worker.id]
    assert a.mentions.builds == 1
    await accounts.verify_resident(b, worker, pending.id, True, "")
    assert await cluster.mentions(a, "@钱**（6栋）") == [pending.id]
    assert a.mentions.builds == 2
