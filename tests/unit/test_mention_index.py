"""The per-process index of room labels: kept while the membership version holds, rebuilt
when it changes or grows old, bounded in rooms, never replaced by an older build."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from chat.mentions import MentionIndex, labels_of, names_in, resolve
from chat.models import Address, User


def person(uid: str, name: str, role: str = "resident", building: str = "3") -> User:
    return User.model_validate({
        "id": uid, "phone": f"139{uid:0>8}", "name": name, "role": role, "status": "verified",
        "password_hash": "x", "created_at": datetime(2026, 5, 1, tzinfo=UTC),
        "address": Address(building=building)})


class Members:
    def __init__(self, *members: User) -> None:
        self.members = list(members)
        self.reads = 0

    async def __call__(self) -> list[User]:
        self.reads += 1
        await asyncio.sleep(0)
        return list(self.members)


def test_labels_and_resolution_follow_the_rooms_rules() -> None:
    labels = labels_of([person("1", "李娜", "worker"), person("2", "张伟"),
                        person("3", "张三", building="3"), person("4", "刘芳", building="5")])
    assert labels["李娜"] == ("1",) and labels["张*（3栋）"] == ("2", "3")
    names = names_in("@李娜 @张*（3栋） @刘*（5栋），@所有人 @没有")
    assert names == {"李娜", "张*（3栋）", "刘*（5栋）", "所有人", "没有"}
    assert resolve(labels, names) == ("4", "1")  # ambiguous and unknown names mention nobody


async def test_the_index_holds_while_the_version_does() -> None:
    now = [0.0]
    index = MentionIndex(max_age=60, monotonic=lambda: now[0])
    members = Members(person("1", "李娜", "worker"))
    assert await index.labels("r", 1, members) == {"李娜": ("1",)}
    assert await index.labels("r", 1, members) == {"李娜": ("1",)}
    assert members.reads == 1
    members.members.append(person("2", "陈刚", "worker"))
    assert "陈刚" in await index.labels("r", 2, members)
    assert members.reads == 2
    now[0] = 61.0  # too old: read again even at the same version
    await index.labels("r", 2, members)
    assert members.reads == 3


async def test_an_older_build_does_not_replace_a_newer_one() -> None:
    index = MentionIndex()
    old, new = Members(person("1", "李娜", "worker")), Members(person("2", "陈刚", "worker"))
    await index.labels("r", 5, new)
    assert await index.labels("r", 4, old) == {"李娜": ("1",)}  # a caller that read 4
    assert await index.labels("r", 5, new) == {"陈刚": ("2",)}
    assert new.reads == 1


async def test_rooms_beyond_the_bound_are_forgotten_oldest_first() -> None:
    index = MentionIndex(max_rooms=2)
    members = Members(person("1", "李娜", "worker"))
    for room in ("a", "b", "a", "c"):  # "a" used again, so "b" is the oldest
        await index.labels(room, 1, members)
    assert members.reads == 3
    await index.labels("a", 1, members)
    assert members.reads == 3
    await index.labels("b", 1, members)
    assert members.reads == 4
