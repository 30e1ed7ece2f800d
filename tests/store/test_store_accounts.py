"""The Store contract for users and sessions, on every backend."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from chat.errors import Conflict, NotFound
from chat.models import Address, Session, User
from tests.support.records import T0, at, ids
from web.stores import Store


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


async def test_room_removals_are_atomic(store: Store) -> None:
    await store.add_user(User(id="u1", phone="13900000001", name="张三", role="resident",
                              status="verified", password_hash="-", created_at=T0))
    await asyncio.gather(store.set_room_removal("u1", "grid:g1", True),
                         store.set_room_removal("u1", "community:c1", True))
    stored = await store.get_user("u1")
    assert stored is not None and sorted(stored.removed_from) == ["community:c1", "grid:g1"]
    again = await store.set_room_removal("u1", "grid:g1", True)
    assert sorted(again.removed_from) == ["community:c1", "grid:g1"]
    back = await store.set_room_removal("u1", "grid:g1", False)
    assert back.removed_from == ("community:c1",)
    with pytest.raises(NotFound):
        await store.set_room_removal("nobody", "grid:g1", True)
