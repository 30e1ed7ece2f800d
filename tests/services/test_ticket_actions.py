"""Ticket actions on a real store: races between two people, what reporters and Open311 may
read, and the rules around filing, merging and grading."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chat.errors import Forbidden, NotFound
from chat.events import MessageDeleted
from chat.models import Message, Room
from moderation import filing, open311, open311_wire, tickets
from moderation.machine import Accept, Assign, Dismiss, Merge
from moderation.payloads import FileTicket
from moderation.wire import ticket_view
from tests.support.ticket_world import World, code_of, ticket_world

NOW = datetime(2026, 5, 1, 8, tzinfo=UTC)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with ticket_world(tmp_path) as built:
        yield built


async def test_two_tickets_merged_into_each_other_do_not_both_vanish(world: World) -> None:
    t1, t2 = await world.ticket("submitted"), await world.ticket("submitted")
    s, worker, admin = world.services, world.people["worker"], world.people["admin"]
    await asyncio.gather(tickets.transition(s, worker, t1.id, Merge(t2.id)),
                         tickets.transition(s, admin, t2.id, Merge(t1.id)),
                         return_exceptions=True)
    after = [await s.store.get_ticket(t.id) for t in (t1, t2)]
    assert [t.status for t in after if t is not None].count("duplicate") <= 1
    kept = next(t for t in after if t is not None and t.status != "duplicate")
    assert kept.merged_into is None


async def test_merging_into_a_merged_ticket_is_refused(world: World) -> None:
    t1 = await world.ticket("submitted")
    t2 = await world.ticket("submitted")
    t3 = await world.ticket("submitted")
    s, worker = world.services, world.people["worker"]
    await tickets.transition(s, worker, t2.id, Merge(t1.id))
    assert await code_of(tickets.transition(s, worker, t3.id, Merge(t2.id))) == "conflict"
    kept = await s.store.get_ticket(t1.id)
    assert kept is not None and kept.history[-1].action == "merge_in"


async def test_accept_may_hand_a_ticket_one_level_up_only(world: World) -> None:
    s, worker = world.services, world.people["worker"]
    t = await world.ticket("submitted")
    assert await code_of(tickets.transition(
        s, worker, t.id, Accept("电梯设施", "normal", "district"))) == "invalid"
    done = await tickets.transition(s, worker, t.id, Accept("电梯设施", "normal", "community"))
    assert done.ticket.level == "community"


async def test_reporters_and_open311_never_see_staff_ids_or_internal_notes(
        world: World) -> None:
    s, worker, reporter = world.services, world.people["worker"], world.people["reporter"]
    t = await world.ticket("accepted")
    await tickets.transition(s, worker, t.id, Assign(worker.id, "先派李工看看，别让业主知道"))
    mine = ticket_view(await tickets.ticket_detail(s, reporter, t.id))
    assert all(e["note"] == "" for e in mine["history"] if e["action"] == "assign")
    (request,) = open311_wire.requests_view(await open311.one_request(s, t.id))
    assert worker.id not in str(request) and "别让业主知道" not in str(request)
    staff = ticket_view(await tickets.ticket_detail(s, worker, t.id))
    assert staff["history"][-1]["note"] == "先派李工看看，别让业主知道"


async def test_a_dismissed_draft_is_not_shown_to_its_reporter(world: World) -> None:
    s = world.services
    draft = await world.ticket("draft")
    await tickets.transition(s, world.people["worker"], draft.id, Dismiss("老发牢骚"))
    with pytest.raises(NotFound):
        await tickets.ticket_detail(s, world.people["reporter"], draft.id)


async def test_workers_filter_by_their_own_grids_only(world: World) -> None:
    s, worker = world.services, world.people["worker"]
    mine = await world.ticket("submitted")
    page = await tickets.list_tickets(s, worker, {"grid_ids": (world.units["g1"],)})
    assert [t.ticket.id for t in page.tickets] == [mine.id]
    other = await tickets.list_tickets(s, worker, {"grid_ids": (world.units["g2"],)})
    assert other.tickets == ()


async def test_filing_checks_the_grid_and_leaves_grading_to_staff(world: World) -> None:
    s = world.services
    with pytest.raises(NotFound):
        await filing.file_ticket(s, world.people["admin"], FileTicket(
            description="别的社区的井盖", grid_id=world.units["g9"]))
    with pytest.raises(Forbidden):
        await filing.file_ticket(s, world.people["worker"], FileTicket(
            description="二网格的事", grid_id=world.units["g2"]))
    resident = await filing.file_ticket(s, world.people["reporter"], FileTicket(
        description="电梯有异响", category="电梯设施", urgency="low"))
    assert resident.ticket.urgency == "normal"  # the category's default, not the resident's choice
    danger = await filing.file_ticket(s, world.people["reporter"], FileTicket(
        description="电梯困人了", category="电梯设施", urgency="urgent"))
    assert danger.ticket.urgency == "urgent"  # 紧急: a resident may flag danger, only raising it
    assert danger.ticket.due_at is not None and danger.ticket.submitted_at is not None
    due = danger.ticket.due_at - danger.ticket.submitted_at
    assert due == timedelta(hours=s.settings.sla_hours["urgent"])
    staff = await filing.file_ticket(s, world.people["worker"], FileTicket(
        description="楼道灯不亮还冒火花", category="供电照明", urgency="urgent"))
    assert staff.ticket.urgency == "urgent"


async def test_a_deleted_source_message_is_no_longer_published(world: World) -> None:
    s = world.services
    t = await world.ticket("submitted")
    message = Message(id="m-x", room_id="grid:x",
                      sender_id=t.reporter_id, sender_name="张*", sender_role="resident",
                      client_id="c", text=t.description, created_at=NOW, seq=1,
                      updated_at=NOW)
    await s.store.save_ticket(t.model_copy(update={"message_ids": (message.id,),
                                                   "version": t.version + 1}))
    room = Room(id="grid:x", kind="grid", name="x", community_id=t.community_id,
                created_at=NOW)
    await tickets.redact_deleted_source(s, MessageDeleted(message, room,
                                                          world.people["worker"]))
    (request,) = open311_wire.requests_view(await open311.one_request(s, t.id))
    assert request["description"] == ""
    staff = await tickets.ticket_detail(s, world.people["worker"], t.id)
    assert staff.ticket.description == t.description
