"""The Store contract for units, rooms and join codes, on every backend."""

from __future__ import annotations

import pytest

from chat.errors import Conflict
from chat.models import JoinCode, Room, Unit, UnitKind
from tests.support.records import T0, at, ids
from web.stores import Store


def unit(unit_id: str, kind: UnitKind, parent_id: str | None = None) -> Unit:
    return Unit(id=unit_id, kind=kind, name=f"名称 {unit_id}", parent_id=parent_id, created_at=T0)


# ---- hierarchy and rooms ------------------------------------------------------------------


async def test_units_round_trip_and_list_by_kind_and_parent(store: Store) -> None:
    units = [
        unit("d1", "district"),
        unit("s1", "street", "d1"),
        unit("s2", "street", "d1"),
        unit("s3", "street", "d2"),
        unit("c1", "community", "s1"),
    ]
    for record in units:
        await store.add_unit(record)

    assert await store.get_unit("s1") == units[1]
    assert await store.get_unit("nope") is None
    assert ids(await store.list_units("street")) == ["s1", "s2", "s3"]
    assert ids(await store.list_units("street", parent_id="d1")) == ["s1", "s2"]
    assert ids(await store.list_units("community", parent_id="s2")) == []


async def test_duplicate_unit_id_is_a_conflict(store: Store) -> None:
    await store.add_unit(unit("d1", "district"))
    with pytest.raises(Conflict):
        await store.add_unit(unit("d1", "district"))


async def test_rooms_round_trip_and_list_by_community(store: Store) -> None:
    grid = Room(id="r1", kind="grid", name="一网格", community_id="c1", grid_id="g1", created_at=T0)
    community = Room(id="r2", kind="community", name="社区议事厅", community_id="c1", created_at=T0)
    elsewhere = Room(id="r3", kind="workers", name="网格员", community_id="c2", created_at=T0)
    for room in (grid, community, elsewhere):
        await store.add_room(room)

    assert await store.get_room("r1") == grid
    assert await store.get_room("r2") == community
    assert await store.get_room("nope") is None
    assert ids(await store.list_rooms("c1")) == ["r1", "r2"]
    assert await store.list_rooms("c9") == []


# ---- join codes -----------------------------------------------------------------------------


async def test_join_codes_create_get_list_and_revoke(store: Store) -> None:
    codes = [
        JoinCode(code="ABCD2345", grid_id="g1", created_by="w1", created_at=T0),
        JoinCode(code="WXYZ6789", grid_id="g1", created_by="w1", created_at=at(1)),
        JoinCode(code="QRST2345", grid_id="g2", created_by="w2", created_at=at(2)),
    ]
    for code in codes:
        await store.add_join_code(code)

    assert await store.get_join_code("ABCD2345") == codes[0]
    assert await store.get_join_code("NOPE0000") is None
    assert sorted(c.code for c in await store.list_join_codes("g1")) == ["ABCD2345", "WXYZ6789"]

    revoked = await store.revoke_join_code("ABCD2345", at(10))
    assert revoked == codes[0].model_copy(update={"revoked_at": at(10)})
    assert await store.revoke_join_code("ABCD2345", at(20)) == revoked
    assert await store.get_join_code("ABCD2345") == revoked
    assert await store.revoke_join_code("NOPE0000", at(10)) is None


async def test_duplicate_join_code_is_a_conflict(store: Store) -> None:
    code = JoinCode(code="ABCD2345", grid_id="g1", created_by="w1", created_at=T0)
    await store.add_join_code(code)
    with pytest.raises(Conflict):
        await store.add_join_code(code.model_copy(update={"grid_id": "g2"}))
