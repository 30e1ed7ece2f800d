from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chat.models import Address, Room, User
from chat.names import display_name, masked_name
from chat.permissions import can_join, can_moderate, can_verify

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def user(role: str = "resident", grids: tuple[str, ...] = ("g1",), status: str = "verified",
         community: str = "c1", name: str = "张三丰") -> User:
    return User.model_validate({
        "id": f"u-{role}-{grids}", "phone": "13900000000", "name": name, "role": role,
        "status": status, "password_hash": "x", "created_at": NOW,
        "address": Address(building="3栋", room="701"), "community_id": community,
        "grid_ids": grids})


def room(kind: str, grid: str | None = None, community: str = "c1") -> Room:
    return Room.model_validate({"id": f"{kind}:{grid or community}", "kind": kind, "name": "r",
                                "community_id": community, "grid_id": grid, "created_at": NOW})


@pytest.mark.parametrize(("name", "masked"), [("张三丰", "张**"), ("李", "李*"), ("", "**")])
def test_masked_name(name: str, masked: str) -> None:
    assert masked_name(name) == masked


def test_display_names() -> None:
    assert display_name(user()) == "张**（3栋）"
    assert display_name(user("worker")) == "张三丰"


def test_membership_follows_the_record() -> None:
    resident, worker, admin = user(), user("worker", ("g1", "g2")), user("admin", ())
    grid1, grid3 = room("grid", "g1"), room("grid", "g3")
    hall, workers = room("community"), room("workers")
    assert can_join(resident, grid1) and can_join(resident, hall)
    assert not can_join(resident, grid3) and not can_join(resident, workers)
    assert can_join(worker, workers) and not can_join(worker, grid3)
    assert all(can_join(admin, r) for r in (grid1, grid3, hall, workers))
    assert not can_join(user(status="pending"), grid1)
    assert not can_join(resident, room("grid", "g1", community="c2"))


def test_moderation_and_verification_rights() -> None:
    resident, worker, admin = user(), user("worker", ("g1",)), user("admin", ())
    assert can_moderate(worker, room("grid", "g1")) and not can_moderate(worker, room("grid", "g2"))
    assert can_moderate(admin, room("grid", "g2"))
    assert not can_moderate(resident, room("grid", "g1"))
    pending = user(status="pending", grids=("g2",))
    assert not can_verify(worker, pending) and can_verify(admin, pending)
    assert can_verify(worker, user(status="pending"))
