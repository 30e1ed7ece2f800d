"""Every role against every ticket action (DESIGN §1, §6), through the ticket actions on a
real SQLite store. Outcomes: ok, forbidden (may see, may not act) or not_found (may not see)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chat.actions import hierarchy
from chat.auth import Secrets
from chat.errors import DomainError, Forbidden
from chat.models import Address, User
from chat.realtime.ratelimit import MemoryRateLimiter
from chat.realtime.registry import MemoryRegistry
from chat.services import Services
from chat.store.sqlite import SqliteStore
from config.settings import load_settings
from moderation import tickets
from moderation.machine import (
    Accept,
    Assign,
    Classify,
    Command,
    Confirm,
    Dismiss,
    Escalate,
    Merge,
    Policy,
    Rate,
    Reject,
    Resolve,
    new_ticket,
)
from moderation.models import Level, Ticket, TicketStatus
from tests.support.fakes import FakeClock, RecordingFanout

ROLES = ("reporter", "neighbour", "worker", "other_worker", "admin", "other_admin",
         "street", "other_street", "district")


class World:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.people: dict[str, User] = {}
        self.units: dict[str, str] = {}
        self.count = 0

    async def build(self) -> World:
        s = self.services

        async def unit(key: str, kind: Any, parent: str | None) -> str:
            self.units[key] = (await hierarchy.create_unit(s, None, kind, key, parent)).id
            return self.units[key]

        d = await unit("d", "district", None)
        st = await unit("s", "street", d)
        st2 = await unit("s2", "street", d)
        c = await unit("c", "community", st)
        c2 = await unit("c2", "community", st2)
        g1, g2 = await unit("g1", "grid", c), await unit("g2", "grid", c)
        await unit("g9", "grid", c2)
        staff = {"worker": ("worker", c, (g1,)), "other_worker": ("worker", c, (g2,)),
                 "admin": ("admin", c, ()), "other_admin": ("admin", c2, ()),
                 "street": ("street_officer", st, ()), "other_street": ("street_officer", st2, ()),
                 "district": ("district_officer", d, ())}
        # Records straight into the store: account creation is tested elsewhere, and argon2
        # for every parametrized case would cost minutes.
        for n, (key, (role, unit_id, grids)) in enumerate(staff.items()):
            community = unit_id if role in ("worker", "admin") else None
            await self.person(key, n, role=role, unit_id=unit_id, community_id=community,
                              grid_ids=grids)
        for n, key in enumerate(("reporter", "neighbour"), start=len(staff)):
            await self.person(key, n, role="resident", community_id=c, grid_ids=(g1,),
                              address=Address(building="3", room=f"70{n}"))
        return self

    async def person(self, key: str, n: int, **fields: Any) -> None:
        user = User(id=f"u-{key}", phone=f"1390000{n:04d}", name=f"人{n}", status="verified",
                    password_hash="-", created_at=self.services.clock.now(), **fields)
        await self.services.store.add_user(user)
        self.people[key] = user

    async def ticket(self, status: TicketStatus, level: Level = "grid") -> Ticket:
        self.count += 1
        fresh = new_ticket(
            status="submitted", by=self.people["reporter"].id, now=self.services.clock.now(),
            policy=Policy(), id=f"t{self.count}", number=0, source="resident",
            description="3栋电梯坏了", community_id=self.units["c"], grid_id=self.units["g1"],
            street_id=self.units["s"], district_id=self.units["d"],
            reporter_id=self.people["reporter"].id)
        return await self.services.store.add_ticket(
            fresh.model_copy(update={"status": status, "level": level}))


@pytest.fixture
async def world(tmp_path: Path) -> Any:
    store = SqliteStore(tmp_path / "linli.sqlite3")
    await store.open()
    services = Services(settings=load_settings(data_dir=tmp_path), store=store,
                        secrets=Secrets(b"k" * 32), clock=FakeClock(), fanout=RecordingFanout(),
                        limiter=MemoryRateLimiter(), registry=MemoryRegistry())
    yield await World(services).build()
    await store.close()


async def outcome(world: World, role: str, action: str, level: Level) -> str:
    status, command = await setup(world, action, level)
    ticket = await world.ticket(status, level)
    user = world.people[role]
    try:
        if action.startswith("view"):
            await tickets.ticket_detail(world.services, user, ticket.id)
        else:
            assert command is not None
            await tickets.transition(world.services, user, ticket.id, command)
    except DomainError as exc:
        return exc.code
    return "ok"


async def setup(world: World, action: str, level: Level) -> tuple[TicketStatus, Command | None]:
    worker = world.people["worker"].id if level == "grid" else world.people[
        {"community": "admin", "street": "street", "district": "district"}[level]].id
    if action == "merge":
        target = await world.ticket("submitted", level)
        return "submitted", Merge(target.id)
    return {
        "view": ("submitted", None),
        "view_draft": ("draft", None),
        "confirm": ("draft", Confirm()),
        "dismiss": ("draft", Dismiss("误报")),
        "accept": ("submitted", Accept("电梯设施", "normal")),
        "classify": ("accepted", Classify("电梯设施", "urgent")),
        "reject": ("submitted", Reject("重复")),
        "assign": ("accepted", Assign(worker)),
        "resolve": ("in_progress", Resolve("修好了")),
        "escalate": ("in_progress", Escalate()),
        "rate": ("resolved", Rate("满意")),
    }[action]


HANDLING = ("confirm", "dismiss", "accept", "classify", "reject", "merge", "assign", "resolve",
            "escalate")
NOBODY = {"neighbour": "not_found", "other_worker": "not_found", "other_admin": "not_found",
          "other_street": "not_found", "district": "not_found", "street": "not_found"}


def expected_grid(action: str) -> dict[str, str]:
    """A ticket at grid level: its grid's worker and the community admin handle it."""
    if action == "view":
        return {"reporter": "ok", "worker": "ok", "admin": "ok", **NOBODY}
    if action == "rate":
        return {"reporter": "ok", "worker": "forbidden", "admin": "forbidden", **NOBODY}
    reporter = "not_found" if action in ("confirm", "dismiss") else "forbidden"
    return {"reporter": reporter, "worker": "ok", "admin": "ok", **NOBODY}


GRID_CASES = [(role, action) for action in ("view", "rate", *HANDLING) for role in ROLES]


@pytest.mark.parametrize(("role", "action"), GRID_CASES)
async def test_grid_level(world: World, role: str, action: str) -> None:
    assert await outcome(world, role, action, "grid") == expected_grid(action)[role]


@pytest.mark.parametrize("role", ROLES)
async def test_drafts_are_for_staff_only(world: World, role: str) -> None:
    staff = {"worker": "ok", "admin": "ok"}
    assert await outcome(world, role, "view_draft", "grid") == staff.get(role, "not_found")


UPPER = ("view", "accept", "assign", "resolve", "escalate")


def expected_upper(level: Level, action: str) -> dict[str, str]:
    """Escalated tickets: the officers of that level act; those below keep watching."""
    handler = "street" if level == "street" else "district"
    seen = {"reporter": "ok", "worker": "ok", "admin": "ok", "street": "ok",
            "district": "ok" if level == "district" else "not_found"}
    result = {role: "not_found" for role in ROLES} | seen
    if action != "view":
        result |= {role: "forbidden" for role, value in seen.items() if value == "ok"}
        result[handler] = "ok"
        if action == "escalate" and level == "district":
            result[handler] = "conflict"  # nowhere above the district
    return result


UPPER_CASES = [(level, role, action) for level in ("street", "district") for action in UPPER
               for role in ROLES]


@pytest.mark.parametrize(("level", "role", "action"), UPPER_CASES)
async def test_upper_levels(world: World, level: Level, role: str, action: str) -> None:
    assert await outcome(world, role, action, level) == expected_upper(level, action)[role]


async def test_admin_handles_community_level_and_assignee_resolves(world: World) -> None:
    assert await outcome(world, "admin", "accept", "community") == "ok"
    assert await outcome(world, "worker", "accept", "community") == "forbidden"
    ticket = await world.ticket("in_progress", "street")
    worker = world.people["worker"]
    await world.services.store.save_ticket(ticket.model_copy(update={
        "assignee_id": worker.id, "version": ticket.version + 1}))
    done = await tickets.transition(world.services, worker, ticket.id, Resolve("处理完毕"))
    assert done["status"] == "resolved"


async def test_assignee_must_see_the_ticket(world: World) -> None:
    ticket = await world.ticket("accepted")
    with pytest.raises(DomainError) as refused:
        await tickets.transition(world.services, world.people["worker"], ticket.id,
                                 Assign(world.people["other_worker"].id))
    assert refused.value.code == "invalid"


async def test_lists_follow_the_scope(world: World) -> None:
    grid = await world.ticket("submitted")
    street = await world.ticket("in_progress", "street")
    draft = await world.ticket("draft")

    async def listed(role: str) -> list[str]:
        page = await tickets.list_tickets(world.services, world.people[role], {})
        return sorted(t["id"] for t in page["tickets"])

    everything = sorted([grid.id, street.id, draft.id])
    assert await listed("worker") == everything
    assert await listed("admin") == everything
    assert await listed("other_worker") == []
    assert await listed("other_admin") == []
    assert await listed("street") == [street.id]
    assert await listed("other_street") == []
    assert await listed("district") == []
    for resident in ("reporter", "neighbour"):
        with pytest.raises(Forbidden):
            await listed(resident)
    mine = await tickets.my_tickets(world.services, world.people["reporter"], 0, 50)
    assert sorted(t["id"] for t in mine["tickets"]) == sorted([grid.id, street.id])
    assert (await tickets.my_tickets(world.services, world.people["neighbour"], 0, 50))[
        "tickets"] == []
