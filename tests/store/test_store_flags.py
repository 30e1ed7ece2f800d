"""The Store contract for flags, on every backend."""

from __future__ import annotations

from moderation.models import Flag
from tests.support.records import at
from web.stores import Store


def flag(flag_id: str, room_id: str, seconds: float) -> Flag:
    return Flag(id=flag_id, message_id=f"m-{flag_id}", room_id=room_id, community_id="c1",
                by="u1", reason="广告", created_at=at(seconds))


async def test_flags(store: Store) -> None:
    for f in (flag("f1", "r1", 0), flag("f2", "r1", 1), flag("f3", "r2", 2)):
        await store.add_flag(f)
    assert [f.id for f in await store.list_flags(["r1", "r2"], True, 10)] == ["f3", "f2", "f1"]
    handled = flag("f2", "r1", 1).model_copy(update={
        "handled_by": "w1", "handled_at": at(5), "outcome": "deleted"})
    assert await store.handle_flag(handled) is True
    assert await store.get_flag("f2") == handled
    again = handled.model_copy(update={"handled_by": "w2", "outcome": "kept"})
    assert await store.handle_flag(again) is False  # handled once only
    assert await store.get_flag("f2") == handled
    assert [f.id for f in await store.list_flags(["r1"], True, 10)] == ["f1"]
    assert [f.id for f in await store.list_flags(["r1"], False, 1)] == ["f2"]
    assert await store.list_flags([], False, 10) == []
