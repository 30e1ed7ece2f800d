"""Room names do not repeat the unit's kind: 「第一网格」 gets 「第一网格议事会」."""

from __future__ import annotations

import pytest

from chat.actions.hierarchy import room_name


@pytest.mark.parametrize(("unit", "kind", "room", "name"), [
    ("第一网格", "网格", "议事会", "第一网格议事会"),
    ("滨江", "网格", "议事会", "滨江网格议事会"),
    ("幸福", "社区", "议事厅", "幸福社区议事厅"),
    ("幸福社区", "社区", "议事厅", "幸福社区议事厅"),
])
def test_room_name(unit: str, kind: str, room: str, name: str) -> None:
    assert room_name(unit, kind, room) == name
