"""Every role against every ticket action (docs/architecture.md#tickets-and-escalation),
through the ticket actions on a real SQLite store. Outcomes: ok, forbidden (may see, may not
act) or not_found (may not see)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from chat.errors import DomainError, Forbidden
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
    Rate,
    Reject,
    Resolve,
)
from moderation.models import Level, TicketStatus
from tests.support.ticket_world import ROLES, World, ticket_world


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with ticket_world(tmp_path) as built:
        yield built


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
    assert done.ticket.status == "resolved"


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
        return sorted(t.ticket.id for t in page.tickets)

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
    assert sorted(t.ticket.id for t in mine.tickets) == sorted([grid.id, street.id])
    assert (await tickets.my_tickets(world.services, world.people["neighbour"], 0, 50)
            ).tickets == ()
