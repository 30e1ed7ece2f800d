"""How tickets come into being: drafts from detection, 我要报事 (a form or one's own message),
基层报事 by staff, and a worker turning any message of a room they moderate into a ticket.
A message belongs to one ticket at a time (the store enforces it across processes)."""

from __future__ import annotations

import logging
from typing import Any

from chat import audit
from chat.actions.rooms import require_member
from chat.actions.speaking import check_can_speak, check_not_muted
from chat.audit import AuditAction
from chat.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from chat.ids import derived_id, new_id
from chat.models import RESIDENT_ROLES, Message, Room, User
from chat.permissions import can_moderate, is_active
from chat.room_ids import community_room_id, grid_room_id
from chat.services import Services
from config.settings import Urgency
from moderation import examples, notify
from moderation.categories import BY_NAME
from moderation.duplicates import likely_duplicate
from moderation.location import extract_place
from moderation.machine import Confirm, new_ticket
from moderation.models import SYSTEM, DetectionInfo, Source, Ticket
from moderation.payloads import FileTicket
from moderation.replies import SeenTicket
from moderation.store.base import moderation_store
from moderation.tickets import policy, seen, transition

log = logging.getLogger(__name__)
FILE_RATE, FILE_BURST = 0.1, 10  # per person: 10 at once, then one every 10 s


def home_grid(user: User) -> str | None:
    return user.grid_ids[0] if user.grid_ids else None


def _source(user: User) -> Source:
    if user.role not in RESIDENT_ROLES:
        return "worker"
    return "enterprise" if user.role == "enterprise" else "resident"


def _urgency(filer: User, asked: Urgency | None, category: str | None) -> Urgency:
    """Grading (分级) is the handlers' job: residents get the category's default, unless they
    mark a danger 紧急 (someone hurt or trapped, fire, gas), which only raises it."""
    if asked is not None and (filer.is_staff or asked == "urgent"):
        return asked
    return BY_NAME[category].default_urgency if category else "normal"


def draft_id(services: Services, message_id: str) -> str:
    """A detected draft's id, derived from its message (keyed, so not guessable from it): the
    same message scored twice, after a crash, makes the same draft, which the store keeps once."""
    return derived_id("t", services.secrets.digest("draft", message_id))


async def _create(services: Services, *, by: str, status: Any, ticket_id: str | None = None,
                  **fields: Any) -> Ticket:
    community = await moderation_store(services).get_unit(fields["community_id"])
    street = await moderation_store(services).get_unit(community.parent_id) \
        if community and community.parent_id else None
    ticket = new_ticket(status=status, by=by, now=services.clock.now(), policy=policy(services),
                        id=ticket_id or new_id("t", 12), number=0,
                        street_id=street.id if street else None,
                        district_id=street.parent_id if street else None, **fields)
    return await moderation_store(services).add_ticket(ticket)


async def create_draft(services: Services, message: Message, room: Room, sender: User,
                       detection: DetectionInfo) -> Ticket | None:
    """A detected report becomes a draft linked to its message, unless the message is a
    ticket already or was a draft before; with the place the message names, and the ticket
    it likely repeats."""
    category = detection.category if detection.category in BY_NAME else None
    grid_id = room.grid_id or home_grid(sender)
    location = extract_place(message.text)
    same = await likely_duplicate(services, community_id=room.community_id, grid_id=grid_id,
                                  category=category, location=location,
                                  now=services.clock.now())
    try:
        ticket = await _create(
            services, by=SYSTEM, status="draft", ticket_id=draft_id(services, message.id),
            source="detected", description=message.text,
            category=category, urgency=detection.urgency, location=location,
            community_id=room.community_id, grid_id=grid_id, room_id=room.id,
            message_ids=(message.id,), reporter_id=sender.id, detection=detection,
            duplicate_of=same.id if same else None)
    except Conflict:
        return None
    await audit.record(services, SYSTEM, AuditAction.TICKET_DRAFT, "ticket", ticket.id,
                       ticket.community_id, message_id=message.id, score=detection.score,
                       matches=list(detection.matches), location=location,
                       duplicate_of=ticket.duplicate_of)
    await notify.draft_created(services, ticket)
    log.info("draft %s from message %s (%s, score %.2f)", ticket.id, message.id,
             category, detection.score)
    return ticket


async def file_ticket(services: Services, user: User, form: FileTicket) -> SeenTicket:
    if not is_active(user) or user.community_id is None or user.role == "bot":
        raise Forbidden("only verified members may report / 仅已认证成员可报事")
    wait = await services.limiter.hit(f"ticket:{user.id}", FILE_RATE, FILE_BURST)
    if wait:
        raise RateLimited("too many reports at once / 报事过于频繁，请稍后再试", wait)
    if form.message_id is not None:
        return await _report_message(services, user, form)
    if form.description is None:
        raise Invalid("describe the problem / 请填写问题描述")
    grid_id = await _grid_for(services, user, form.grid_id)
    await _check_ticket_text(services, user, await _speech_rooms(services, user, grid_id),
                             form.description, form.location)
    ticket = await _create(
        services, by=user.id, status="submitted", source=_source(user),
        description=form.description, category=form.category,
        urgency=_urgency(user, form.urgency, form.category), location=form.location,
        community_id=user.community_id, grid_id=grid_id, reporter_id=user.id)
    return await _created(services, user, ticket)


async def _speech_rooms(services: Services, user: User, grid_id: str | None) -> list[Room]:
    """Where a form's words would otherwise be said: the ticket's grid room and the hall."""
    ids = [grid_room_id(grid_id)] if grid_id else []
    ids.append(community_room_id(user.community_id or ""))
    return [room for i in ids if (room := await moderation_store(services).get_room(i)) is not None]


async def _check_ticket_text(services: Services, user: User, rooms: list[Room],
                             *texts: str) -> None:
    """A ticket's words reach the public Open311 feed: they pass the checks a message in its
    rooms passes (blocked words, and no author muted there)."""
    if not rooms:
        return
    await check_can_speak(services, user.id, rooms[0], *texts)
    for room in rooms[1:]:
        await check_not_muted(services, user.id, room)


async def _grid_for(services: Services, user: User, grid_id: str | None) -> str | None:
    if user.role in RESIDENT_ROLES or grid_id is None:
        return home_grid(user) if user.role != "admin" else None
    if user.role == "worker" and grid_id not in user.grid_ids:
        raise Forbidden("not one of your grids / 不是你负责的网格")
    grid = await moderation_store(services).get_unit(grid_id)
    if grid is None or grid.kind != "grid" or grid.parent_id != user.community_id:
        raise NotFound("no such grid in your community / 本社区没有该网格")
    return grid_id


async def _report_message(services: Services, user: User, form: FileTicket) -> SeenTicket:
    message = await moderation_store(services).get_message(form.message_id or "")
    if message is None or message.deleted_at is not None:
        raise NotFound("no such message / 消息不存在")
    room = await require_member(services, user, message.room_id)
    own = message.sender_id == user.id
    if not own and not can_moderate(user, room):
        raise Forbidden("you may report only your own messages / 只能将自己的消息报事")
    await _check_ticket_text(services, user, [room], form.description or "", form.location)
    sender = await moderation_store(services).get_user(message.sender_id)
    reporter = sender if sender is not None and sender.role in RESIDENT_ROLES else user
    try:
        ticket = await _create(
            services, by=user.id, status="submitted", source=_source(reporter),
            description=form.description or message.text, category=form.category,
            urgency=_urgency(user, form.urgency, form.category), location=form.location,
            community_id=room.community_id, grid_id=room.grid_id or home_grid(reporter),
            room_id=room.id, message_ids=(message.id,), reporter_id=reporter.id)
    except Conflict as taken:
        return await _already_a_ticket(services, user, str(taken.extra.get("ticket_id")), own)
    return await _created(services, user, ticket)


async def _already_a_ticket(services: Services, user: User, ticket_id: str,
                            own: bool) -> SeenTicket:
    """The detector got there first: reporting the message confirms its draft."""
    existing = await moderation_store(services).get_ticket(ticket_id)
    if existing is None:
        raise Conflict("the message is being reported; try again / 正在报事，请稍后重试")
    if existing.status == "draft":
        return await transition(services, user, existing.id,
                                Confirm("由报事人提交" if own else ""), as_reporter=own)
    number = existing.number
    raise Conflict(f"already reported as No. {number} / 已报事（第{number}号）",
                   ticket_id=existing.id)


async def _created(services: Services, user: User, ticket: Ticket) -> SeenTicket:
    await audit.record(services, user, AuditAction.TICKET_CREATE, "ticket", ticket.id,
                       ticket.community_id, source=ticket.source)
    await notify.ticket_changed(services, ticket, "create")
    await examples.observe(services, ticket, "create", user)
    return await seen(services, ticket, user)
