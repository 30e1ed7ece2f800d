"""The Store contract, run on every backend through the parametrized `store` fixture.

Datetimes are whole milliseconds (MongoDB keeps no more); data sets stay small because the
mongoeco wire server manages only tens of inserts per second."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chat.errors import Conflict, NotFound, Unavailable
from chat.models import (
    Address,
    Edit,
    JoinCode,
    Message,
    Mute,
    NewMessage,
    Room,
    Session,
    Unit,
    UnitKind,
    User,
)
from tests.support.stores import StoreTarget
from web.store_mongo import MongoStore
from web.stores import Store

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def ids(records: Iterable[Unit | Room | User]) -> list[str]:
    return sorted(record.id for record in records)


def seqs(messages: Iterable[Message]) -> list[int]:
    return [message.seq for message in messages]


def unit(unit_id: str, kind: UnitKind, parent_id: str | None = None) -> Unit:
    return Unit(id=unit_id, kind=kind, name=f"名称 {unit_id}", parent_id=parent_id, created_at=T0)


def user(user_id: str, phone: str, **fields: Any) -> User:
    defaults: dict[str, Any] = {
        "name": f"居民 {user_id}",
        "role": "resident",
        "status": "pending",
        "password_hash": "argon2$hash",
        "created_at": T0,
    }
    return User(id=user_id, phone=phone, **{**defaults, **fields})


def session(session_id: str, user_id: str) -> Session:
    return Session(
        id=session_id,
        user_id=user_id,
        token_digest=f"digest-{session_id}",
        created_at=T0,
        expires_at=at(86_400),
    )


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


# ---- lifecycle ------------------------------------------------------------------------------


async def test_open_is_idempotent_and_ping_answers(store: Store) -> None:
    await store.open()
    await store.ping()


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


# ---- users -------------------------------------------------------------------------------------


async def test_user_round_trip_keeps_nested_fields(store: Store) -> None:
    alice = user(
        "u1",
        "13800000001",
        address=Address(building="3栋", unit="2单元", room="501"),
        community_id="c1",
        grid_ids=("g1", "g2"),
        party_member=True,
        id_card_digest="sha256:abc",
        verified_by="w1",
        verified_at=at(60.5),
        status="verified",
    )
    bob = user("u2", "13800000002")
    await store.add_user(alice)
    await store.add_user(bob)

    assert await store.get_user("u1") == alice
    assert await store.get_user_by_phone("13800000002") == bob
    assert await store.get_user_by_phone("13900000000") is None
    assert ids(await store.get_users(["u2", "u1", "missing"])) == ["u1", "u2"]
    assert await store.get_users([]) == []


async def test_phone_numbers_are_unique(store: Store) -> None:
    await store.add_user(user("u1", "13800000001"))
    with pytest.raises(Conflict):
        await store.add_user(user("u2", "13800000001"))
    assert await store.get_user("u2") is None


async def test_update_user_stores_and_returns_the_new_record(store: Store) -> None:
    await store.add_user(user("u1", "13800000001", community_id="c1"))
    changes = {
        "status": "verified",
        "verified_by": "w1",
        "verified_at": at(30),
        "grid_ids": ("g1",),
        "address": Address(building="1栋", room="101"),
    }

    updated = await store.update_user("u1", changes)

    assert updated.status == "verified"
    assert updated.grid_ids == ("g1",)
    assert updated.address == Address(building="1栋", room="101")
    assert updated.community_id == "c1"
    assert updated.phone == "13800000001"
    assert await store.get_user("u1") == updated


async def test_update_user_refuses_missing_users_and_taken_phones(store: Store) -> None:
    await store.add_user(user("u1", "13800000001"))
    await store.add_user(user("u2", "13800000002"))
    with pytest.raises(NotFound):
        await store.update_user("nope", {"status": "verified"})
    with pytest.raises(Conflict):
        await store.update_user("u2", {"phone": "13800000001"})
    assert await store.get_user_by_phone("13800000002") == await store.get_user("u2")


async def test_list_users_filters(store: Store) -> None:
    people = [
        user("u1", "1", community_id="c1", grid_ids=("g1",), status="verified"),
        user("u2", "2", community_id="c1", grid_ids=("g2",), status="pending"),
        user("u3", "3", community_id="c1", grid_ids=("g1", "g2"), role="worker", status="verified"),
        user("u4", "4", community_id="c2", grid_ids=("g9",), status="verified"),
        user("u5", "5", role="street_officer", unit_id="s1", status="verified"),
    ]
    for person in people:
        await store.add_user(person)

    assert ids(await store.list_users()) == ["u1", "u2", "u3", "u4", "u5"]
    assert ids(await store.list_users(community_id="c1")) == ["u1", "u2", "u3"]
    assert ids(await store.list_users(grid_id="g1")) == ["u1", "u3"]
    assert ids(await store.list_users(grid_id="g2", status="verified")) == ["u3"]
    assert ids(await store.list_users(community_id="c1", role="resident")) == ["u1", "u2"]
    assert ids(await store.list_users(status="pending")) == ["u2"]
    assert len(await store.list_users(community_id="c1", limit=2)) == 2
    assert ids(await store.list_users(role="street_officer", unit_id="s1")) == ["u5"]
    assert await store.list_users(unit_id="s2") == []


# ---- sessions ---------------------------------------------------------------------------------


async def test_session_lookup_by_digest(store: Store) -> None:
    live = session("s1", "u1")
    await store.add_session(live)

    assert await store.get_session_by_digest("digest-s1") == live
    assert await store.get_session_by_digest("digest-unknown") is None


async def test_token_digests_are_unique(store: Store) -> None:
    await store.add_session(session("s1", "u1"))
    with pytest.raises(Conflict):
        await store.add_session(session("s1", "u2").model_copy(update={"id": "s2"}))


async def test_revoke_one_session(store: Store) -> None:
    for session_id in ("s1", "s2"):
        await store.add_session(session(session_id, "u1"))

    assert await store.revoke_sessions("u1", at(10), only="s1") == ["s1"]
    assert await store.revoke_sessions("u1", at(20), only="s1") == []

    revoked = await store.get_session_by_digest("digest-s1")
    kept = await store.get_session_by_digest("digest-s2")
    assert revoked is not None and revoked.revoked_at == at(10)
    assert kept is not None and kept.revoked_at is None


async def test_revoke_all_sessions_but_the_kept_one(store: Store) -> None:
    for session_id, user_id in (("s1", "u1"), ("s2", "u1"), ("s3", "u1"), ("s4", "u2")):
        await store.add_session(session(session_id, user_id))

    assert sorted(await store.revoke_sessions("u1", at(10), keep="s2")) == ["s1", "s3"]
    assert await store.revoke_sessions("u1", at(20), keep="s2") == []

    after = {s: await store.get_session_by_digest(f"digest-{s}") for s in ("s1", "s2", "s3", "s4")}
    assert {s: r.revoked_at if r else "missing" for s, r in after.items()} == {
        "s1": at(10),
        "s2": None,
        "s3": at(10),
        "s4": None,
    }
    assert await store.revoke_sessions("u1", at(30)) == ["s2"]


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


# ---- backend specific ---------------------------------------------------------------------------


@pytest.mark.mongo
async def test_mongo_without_a_server_is_unavailable() -> None:
    with socket.socket() as bound_not_listening:
        bound_not_listening.bind(("127.0.0.1", 0))
        port = bound_not_listening.getsockname()[1]
        store = MongoStore(f"mongodb://127.0.0.1:{port}", server_selection_timeout_ms=200)
        with pytest.raises(Unavailable):
            await store.open()
