"""Likely duplicates on a real store: a detected draft names its place and the open ticket it
probably repeats (same grid, category, overlapping place, within the window), and a worker
merges it in one step — a draft may be merged, and may keep another draft."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from chat.models import Message, Room
from moderation import duplicates, filing, tickets
from moderation.machine import Confirm, Merge, Policy, new_ticket
from moderation.models import DetectionInfo, Ticket, TicketStatus
from moderation.wire import ticket_page_view, ticket_view
from tests.support.ticket_world import World, code_of, ticket_world

LIFT = DetectionInfo(score=1.0, category="电梯设施", urgency="urgent", matches=("电梯", "停了"))


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with ticket_world(tmp_path) as built:
        yield built


async def add(world: World, status: TicketStatus = "submitted", *, location: str = "3栋2单元",
              category: str | None = "电梯设施", hours_ago: float = 1, grid: str = "g1",
              description: str = "电梯坏了", **fields: Any) -> Ticket:
    world.count += 1
    s = world.services
    fresh = new_ticket(
        status="submitted", by=world.people["reporter"].id, policy=Policy(),
        now=s.clock.now() - timedelta(hours=hours_ago), id=f"t{world.count}", number=0,
        source="resident", description=description, category=category, location=location,
        community_id=world.units["c"], grid_id=world.units[grid], street_id=world.units["s"],
        district_id=world.units["d"], reporter_id=world.people["reporter"].id,
        message_ids=(f"m-t{world.count}",))
    return await s.store.add_ticket(fresh.model_copy(update={"status": status, **fields}))


async def draft_from(world: World, text: str, *, sender: str = "neighbour",
                     detection: DetectionInfo = LIFT) -> Ticket:
    s = world.services
    now = s.clock.now()
    world.count += 1
    room = Room(id=f"grid:{world.units['g1']}", kind="grid", name="一网格",
                community_id=world.units["c"], grid_id=world.units["g1"], created_at=now)
    user = world.people[sender]
    message = Message(id=f"m{world.count}", room_id=room.id, sender_id=user.id,
                      sender_name=user.name, sender_role=user.role, client_id=f"c{world.count}",
                      text=text, created_at=now, seq=world.count, updated_at=now)
    draft = await filing.create_draft(s, message, room, user, detection)
    assert draft is not None
    return draft


async def likely(world: World, location: str = "3栋电梯", *, category: str | None = "电梯设施",
                 grid: str = "g1") -> Ticket | None:
    s = world.services
    return await duplicates.likely_duplicate(
        s, community_id=world.units["c"], grid_id=world.units[grid], category=category,
        location=location, now=s.clock.now())


async def test_a_draft_names_its_place_and_the_ticket_it_repeats(world: World) -> None:
    kept = await add(world)
    draft = await draft_from(world, "3栋电梯又停了 里面有人")
    assert (draft.location, draft.duplicate_of) == ("3栋电梯", kept.id)
    seen = ticket_view(await tickets.ticket_detail(world.services, world.people["worker"],
                                                  draft.id))
    assert (seen["location"], seen["duplicate_of"], seen["duplicate_number"]) == \
        ("3栋电梯", kept.id, kept.number)
    listed = ticket_page_view(await tickets.list_tickets(
        world.services, world.people["admin"], {"statuses": ("draft",)}))
    assert listed["tickets"][0]["duplicate_number"] == kept.number
    other = await draft_from(world, "8栋电梯又停了 里面有人")
    assert (other.location, other.duplicate_of) == ("8栋电梯", None)
    await tickets.transition(world.services, world.people["worker"], draft.id, Confirm())
    mine = ticket_view(await tickets.ticket_detail(world.services, world.people["neighbour"],
                                                  draft.id))
    assert mine["location"] == "3栋电梯" and "duplicate_of" not in mine  # a hint for staff


async def test_a_draft_without_a_place_or_category_is_nobody_s_duplicate(world: World) -> None:
    await add(world)
    assert (await draft_from(world, "电梯又停了 里面有人")).duplicate_of is None
    unknown = LIFT.model_copy(update={"category": None})
    assert (await draft_from(world, "3栋电梯又停了", detection=unknown)).duplicate_of is None


@pytest.mark.parametrize(("status", "fields"), [
    ("resolved", {}), ("closed", {}), ("rejected", {}), ("dismissed", {}), ("duplicate", {}),
    ("submitted", {"merged_into": "t-other"}),
])
async def test_only_open_tickets_and_drafts_are_repeated(world: World, status: TicketStatus,
                                                         fields: dict[str, Any]) -> None:
    await add(world, status, **fields)
    assert await likely(world) is None


@pytest.mark.parametrize("status", ["draft", "submitted", "accepted", "in_progress",
                                    "reopened"])
async def test_open_tickets_and_drafts_are(world: World, status: TicketStatus) -> None:
    t = await add(world, status)
    assert await likely(world) == t


async def test_same_grid_category_place_and_window(world: World) -> None:
    await add(world, grid="g2")
    await add(world, category="供水排水")
    await add(world, location="8栋")
    await add(world, hours_ago=73)  # the window is 72 hours
    assert await likely(world) is None
    assert await likely(world, category=None) is None
    inside = await add(world, hours_ago=71)
    assert await likely(world) == inside


async def test_the_window_is_a_setting_and_zero_turns_it_off(world: World) -> None:
    t = await add(world, hours_ago=5)
    s = world.services
    for hours, found in ((4, None), (6, t), (0, None)):
        world.services = dataclasses.replace(s, settings=s.settings.model_copy(
            update={"duplicate_window_hours": hours}))
        assert await likely(world) == found
    world.services = s


async def test_the_newest_is_chosen_and_a_chain_is_followed(world: World) -> None:
    await add(world, hours_ago=10)
    older = await add(world, hours_ago=5, location="3号楼")
    assert await likely(world) == older
    marked = await add(world, "draft", hours_ago=1, duplicate_of=older.id)
    assert await likely(world) == older  # where merging the newest would end up anyway
    unmarked = await add(world, "draft", hours_ago=0.5, location="东门")
    assert await likely(world, "东门口") == unmarked
    assert marked.duplicate_of == older.id


async def test_a_ticket_without_a_place_is_read_from_its_description(world: World) -> None:
    t = await add(world, location="", description="3栋2单元的电梯又拐哒")
    assert await likely(world) == t
    await add(world, location="", description="电梯不动了")
    assert await likely(world, "5栋电梯") is None


async def test_a_likely_duplicate_is_merged_in_one_step(world: World) -> None:
    s, worker = world.services, world.people["worker"]
    kept = await add(world)
    draft = await draft_from(world, "3栋电梯又停了 里面有人")
    merged = await tickets.transition(s, worker, draft.id, Merge(draft.duplicate_of or ""))
    assert (merged.ticket.status, merged.ticket.merged_into) == ("duplicate", kept.id)
    after = await s.store.get_ticket(kept.id)
    assert after is not None and after.supporters == (world.people["neighbour"].id,)
    assert set(after.message_ids) == {*kept.message_ids, *draft.message_ids}


async def test_a_draft_keeps_only_drafts(world: World) -> None:
    s, worker = world.services, world.people["worker"]
    first = await draft_from(world, "3栋2单元电梯坏了 困了人", sender="reporter")
    second = await draft_from(world, "3栋电梯又停了 里面有人")
    assert second.duplicate_of == first.id
    filed = await add(world)
    assert await code_of(tickets.transition(s, worker, filed.id, Merge(first.id))) == "conflict"
    await tickets.transition(s, worker, second.id, Merge(first.id))
    kept = await s.store.get_ticket(first.id)
    assert kept is not None and kept.status == "draft"
    assert kept.supporters == (world.people["neighbour"].id,)
