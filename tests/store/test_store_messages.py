"""The Store contract for messages, read markers, unread mentions and mutes, on every backend."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime

import pytest

from chat.errors import NotFound
from chat.models import Edit, Message, Mute, NewMessage
from tests.support.records import T0, at
from tests.support.stores import StoreTarget
from web.stores import Store


def seqs(messages: Iterable[Message]) -> list[int]:
    return [message.seq for message in messages]


def new_message(
    room_id: str, client_id: str, sender_id: str = "u1", created_at: datetime = T0
) -> NewMessage:
    return NewMessage(
        id=f"m-{room_id}-{sender_id}-{client_id}",
        room_id=room_id,
        sender_id=sender_id,
        sender_name="张三",
        sender_role="resident",
        client_id=client_id,
        text=f"电梯又坏了 {client_id}",
        mentions=("u2",),
        created_at=created_at,
    )


async def append_all(store: Store, room_id: str, count: int) -> list[Message]:
    stored = []
    for n in range(count):
        message, created = await store.append_message(new_message(room_id, f"c{n}"))
        assert created
        stored.append(message)
    return stored


# ---- messages: sequence numbers and idempotency ----------------------------------------------


async def test_append_assigns_gapless_seqs_per_room(store: Store) -> None:
    results = [
        await store.append_message(new_message(room_id, client_id))
        for room_id, client_id in (("a", "1"), ("b", "1"), ("a", "2"), ("a", "3"), ("b", "2"))
    ]

    assert [(m.room_id, m.seq, created) for m, created in results] == [
        ("a", 1, True),
        ("b", 1, True),
        ("a", 2, True),
        ("a", 3, True),
        ("b", 2, True),
    ]
    first, _ = results[0]
    assert first == Message(**new_message("a", "1").model_dump(), seq=1, updated_at=T0)
    assert await store.get_message(first.id) == first
    assert await store.get_message("nope") is None


async def test_retried_send_returns_the_stored_message(store: Store) -> None:
    original, _ = await store.append_message(new_message("a", "c1"))
    retry = new_message("a", "c1").model_copy(update={"id": "m-retry", "text": "again"})

    assert await store.append_message(retry) == (original, False)
    assert await store.get_message("m-retry") is None
    follow_up, created = await store.append_message(new_message("a", "c2"))
    assert (follow_up.seq, created) == (2, True)


async def test_client_ids_are_scoped_to_room_and_sender(store: Store) -> None:
    await store.append_message(new_message("a", "c1", sender_id="u1"))
    other_sender, created_a = await store.append_message(new_message("a", "c1", sender_id="u2"))
    other_room, created_b = await store.append_message(new_message("b", "c1", sender_id="u1"))

    assert (other_sender.seq, created_a) == (2, True)
    assert (other_room.seq, created_b) == (1, True)


async def test_concurrent_appends_are_gapless(store: Store) -> None:
    sends = [store.append_message(new_message("a", f"c{n}")) for n in range(20)]
    results = await asyncio.gather(*sends)

    assert all(created for _, created in results)
    assert sorted(m.seq for m, _ in results) == list(range(1, 21))
    assert seqs(await store.history("a", None, 100)) == list(range(1, 21))


async def test_appends_from_two_handles_stay_gapless_and_idempotent(
    store: Store, store_target: StoreTarget
) -> None:
    """Two handles on one database behave like two server processes."""
    other = store_target.new()
    await other.open()
    try:
        sends = [
            handle.append_message(new_message("a", f"{name}{n}"))
            for n in range(4)
            for handle, name in ((store, "x"), (other, "y"))
        ]
        duplicate = new_message("a", "same")
        sends += [store.append_message(duplicate), other.append_message(duplicate)]
        results = await asyncio.gather(*sends)
    finally:
        await other.close()

    assert sorted(m.seq for m, created in results if created) == list(range(1, 10))
    same = [(m, created) for m, created in results if m.client_id == "same"]
    assert sorted(created for _, created in same) == [False, True]
    assert same[0][0] == same[1][0]


# ---- messages: reading ---------------------------------------------------------------------------


async def test_history_pages_backwards_in_ascending_order(store: Store) -> None:
    await append_all(store, "a", 7)

    assert seqs(await store.history("a", None, 3)) == [5, 6, 7]
    assert seqs(await store.history("a", 5, 3)) == [2, 3, 4]
    assert seqs(await store.history("a", 2, 3)) == [1]
    assert seqs(await store.history("a", 1, 3)) == []
    assert await store.history("empty", None, 3) == []


async def test_messages_after(store: Store) -> None:
    stored = await append_all(store, "a", 7)
    await append_all(store, "b", 2)

    assert await store.messages_after("a", 0, 3) == stored[:3]
    assert seqs(await store.messages_after("a", 5, 10)) == [6, 7]
    assert await store.messages_after("a", 7, 10) == []


async def test_update_message_stores_and_returns_the_new_record(store: Store) -> None:
    [message] = await append_all(store, "a", 1)
    edit = Edit(text=message.text, at=at(10))
    changes = {"text": "修好了", "edited_at": at(10), "updated_at": at(10), "edits": (edit,)}

    edited = await store.update_message(message.id, changes)

    assert edited == message.model_copy(update=changes)
    assert await store.get_message(message.id) == edited
    with pytest.raises(NotFound):
        await store.update_message("nope", {"text": "x"})


async def test_changed_since_lists_edits_and_deletions(store: Store) -> None:
    first, second, third = await append_all(store, "a", 3)
    edit = {"text": "改了", "edited_at": at(10), "updated_at": at(10)}
    await store.update_message(second.id, edit)
    deletion = {
        "deleted_at": at(20),
        "deleted_by": "w1",
        "delete_reason": "ad",
        "updated_at": at(20),
    }
    await store.update_message(third.id, deletion)
    late, _ = await store.append_message(new_message("a", "late", created_at=at(30)))

    assert seqs(await store.changed_since("a", 4, at(5), 10)) == [2, 3]
    assert seqs(await store.changed_since("a", 4, at(10), 10)) == [3]
    assert seqs(await store.changed_since("a", 2, at(5), 10)) == [2]
    assert seqs(await store.changed_since("a", 4, at(5), 1)) == [2]
    assert await store.changed_since("a", 4, at(20), 10) == []
    assert await store.changed_since("b", 4, at(5), 10) == []
    [deleted] = await store.changed_since("a", 3, at(15), 10)
    assert (deleted.deleted_by, deleted.delete_reason, deleted.text) == ("w1", "ad", third.text)
    assert first.seq == 1 and late.seq == 4


async def test_last_seqs(store: Store) -> None:
    await append_all(store, "a", 3)
    await append_all(store, "b", 1)

    assert await store.last_seqs(["a", "b", "empty"]) == {"a": 3, "b": 1, "empty": 0}
    assert await store.last_seqs([]) == {}


# ---- read markers and mutes --------------------------------------------------------------------


async def test_read_markers_only_move_forward(store: Store) -> None:
    assert await store.mark_read("u1", "a", 3) == 3
    assert await store.mark_read("u1", "a", 2) == 3
    assert await store.mark_read("u1", "a", 5) == 5
    assert await store.mark_read("u1", "b", 1) == 1
    assert await store.mark_read("u2", "a", 1) == 1

    assert await store.read_markers("u1") == {"a": 5, "b": 1}
    assert await store.read_markers("nobody") == {}


async def test_unread_mentions_count_what_names_the_user_after_the_marker(store: Store) -> None:
    def mention(room_id: str, client_id: str, sender_id: str = "u1", *,
                mentions: tuple[str, ...] = ("u2",), everyone: bool = False) -> NewMessage:
        return new_message(room_id, client_id, sender_id).model_copy(
            update={"mentions": mentions, "mention_all": everyone})

    for new in (mention("a", "c1"), mention("a", "c2", mentions=("u3",)),  # seq 1, 2
                mention("a", "c3"), mention("a", "c4", mentions=(), everyone=True),  # 3, 4
                mention("a", "c5", "u2", mentions=("u2",)),  # 5: one's own
                mention("a", "c6"),  # 6: deleted below
                mention("b", "c1", mentions=(), everyone=True)):
        await store.append_message(new)
    [deleted] = await store.messages_after("a", 5, 1)
    await store.update_message(deleted.id, {"deleted_at": at(20), "deleted_by": "u1"})

    assert await store.unread_mentions("u2", {"a": 0, "b": 0, "empty": 0}) == {
        "a": 3, "b": 1, "empty": 0}
    assert await store.unread_mentions("u2", {"a": 3, "b": 1}) == {"a": 1, "b": 0}
    assert await store.unread_mentions("u3", {"a": 0}) == {"a": 2}
    assert await store.unread_mentions("u2", {}) == {}


async def test_mutes_latest_wins(store: Store) -> None:
    first = Mute(room_id="a", user_id="u1", until=at(600), by="w1", reason="刷屏", created_at=T0)
    second = Mute(room_id="a", user_id="u1", until=at(60), by="w2", created_at=at(30))

    assert await store.get_mute("a", "u1") is None
    await store.set_mute(first)
    assert await store.get_mute("a", "u1") == first
    await store.set_mute(second)
    assert await store.get_mute("a", "u1") == second
    assert await store.get_mute("a", "u2") is None
    assert await store.get_mute("b", "u1") is None
