"""The Store contract for the service directory (办事指南), on every backend. Data sets stay
small (mongoeco is slow)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bots.directory.models import DirectoryEntry
from chat.errors import Conflict, NotFound
from web.stores import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def entry(entry_id: str, name: str, **fields: Any) -> DirectoryEntry:
    values: dict[str, Any] = {
        "id": entry_id, "community_id": "c1", "category": "政务服务", "name": name,
        "description": f"{name}的说明", "address": "幸福路1号", "hours": "周一至周五 9:00-17:00",
        "phone": "027-8888 0001", "keywords": ("社保",), "created_at": T0, "updated_at": T0,
        "updated_by": "admin1"}
    return DirectoryEntry(**(values | fields))


def names(entries: list[DirectoryEntry]) -> list[str]:
    return [e.name for e in entries]


async def test_add_get_and_list_by_category(store: Store) -> None:
    a = entry("e1", "社保医保代办")
    await store.add_directory_entry(a)
    await store.add_directory_entry(entry("e2", "老年食堂", category="生活服务", keywords=()))
    await store.add_directory_entry(entry("e3", "党群服务中心", category="党员服务"))
    await store.add_directory_entry(entry("e4", "社保医保代办", community_id="c2"))
    assert await store.get_directory_entry("e1") == a
    assert await store.get_directory_entry("nope") is None
    assert names(await store.list_directory_entries("c1")) == sorted(
        ["社保医保代办", "老年食堂", "党群服务中心"])
    assert names(await store.list_directory_entries("c1", "生活服务")) == ["老年食堂"]
    assert await store.list_directory_entries("c1", "法律服务") == []
    assert [e.id for e in await store.list_directory_entries("c2")] == ["e4"]


async def test_id_and_name_within_a_community_are_unique(store: Store) -> None:
    await store.add_directory_entry(entry("e1", "老年食堂"))
    with pytest.raises(Conflict):
        await store.add_directory_entry(entry("e1", "文体活动室"))
    with pytest.raises(Conflict):
        await store.add_directory_entry(entry("e2", "老年食堂"))


async def test_update_and_delete(store: Store) -> None:
    await store.add_directory_entry(entry("e1", "老年食堂"))
    await store.add_directory_entry(entry("e2", "文体活动室"))
    later = T0 + timedelta(hours=1)
    moved = entry("e1", "长者食堂", address="幸福路8号", updated_at=later)
    await store.update_directory_entry(moved)
    assert await store.get_directory_entry("e1") == moved
    with pytest.raises(Conflict):
        await store.update_directory_entry(entry("e1", "文体活动室"))
    with pytest.raises(NotFound):
        await store.update_directory_entry(entry("e9", "不存在"))
    assert await store.delete_directory_entry("e1") is True
    assert await store.delete_directory_entry("e1") is False
    assert names(await store.list_directory_entries("c1")) == ["文体活动室"]


async def test_upsert_creates_or_replaces_by_name(store: Store) -> None:
    await store.add_directory_entry(entry("e1", "老年食堂", phone="027-1"))
    later = T0 + timedelta(days=1)
    counts = await store.upsert_directory_entries([
        entry("new1", "老年食堂", phone="027-2", created_at=later, updated_at=later),
        entry("new2", "法律援助工作站", category="法律服务", created_at=later, updated_at=later),
    ])
    assert counts == (1, 1)
    kept = await store.get_directory_entry("e1")
    assert kept is not None and (kept.phone, kept.created_at, kept.updated_at) == \
        ("027-2", T0, later)
    assert await store.get_directory_entry("new1") is None
    added = await store.get_directory_entry("new2")
    assert added is not None and added.category == "法律服务"
    assert await store.upsert_directory_entries([]) == (0, 0)
