"""Ticket intents (报事 → 办事): file, turn chat into drafts, every transition, lists, the
sweep that escalates overdue tickets and closes unrated ones. The only ticket code doing IO."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from chat.actions.rooms import require_member
from chat.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from chat.ids import new_id
from chat.models import RESIDENT_ROLES, Message, Room, User
from chat.permissions import can_moderate
from chat.services import Services
from moderation import audit, notify
from moderation.access import can_act, can_be_assigned, can_view, in_scope, scope_filter
from moderation.categories import BY_NAME
from moderation.machine import (
    ACTION_OF,
    Assign,
    AutoClose,
    Command,
    Confirm,
    Escalate,
    Merge,
    Policy,
    Refused,
    apply,
    new_ticket,
)
from moderation.models import FINAL, DetectionInfo, Source, Ticket, TicketQuery
from moderation.payloads import FileTicket
from moderation.views import ticket_view, user_ids_of

log = logging.getLogger(__name__)
SYSTEM = "system"
SWEEP_PAGE = 200
FILE_RATE, FILE_BURST = 0.1, 10  # per person: 10 at once, then one every 10 s


def policy(services: Services) -> Policy:
    return Policy(sla={u: timedelta(hours=h) for u, h in services.settings.sla_hours.items()})


async def views(services: Services, page: list[Ticket], viewer: User) -> list[dict[str, Any]]:
    ids = sorted(set().union(*(user_ids_of(t) for t in page))) if page else []
    users = {u.id: u for u in await services.store.get_users(ids)}
    now = services.clock.now()
    return [ticket_view(t, users, staff_viewer=in_scope(viewer, t), now=now) for t in page]


async def view(services: Services, ticket: Ticket, viewer: User) -> dict[str, Any]:
    return (await views(services, [ticket], viewer))[0]


async def _units(services: Services, community_id: str) -> dict[str, str | None]:
    community = await services.store.get_unit(community_id)
    street = await services.store.get_unit(community.parent_id) \
        if community and community.parent_id else None
    return {"street_id": street.id if street else None,
            "district_id": street.parent_id if street else None}


async def _create(services: Services, *, by: str, status: Any, **fields: Any) -> Ticket:
    units = await _units(services, fields["community_id"])
    ticket = new_ticket(status=status, by=by, now=services.clock.now(), policy=policy(services),
                        id=new_id("t", 12), number=0, **units, **fields)
    return await services.store.add_ticket(ticket)


def _source(user: User) -> Source:
    return "enterprise" if user.role == "enterprise" else "resident"


# ---- creating tickets ----------------------------------------------------------------------

async def create_draft(services: Services, message: Message, room: Room, sender: User,
                       detection: DetectionInfo) -> Ticket | None:
    """A detected report becomes a draft linked to its message, once per message."""
    if await services.store.ticket_for_message(message.id) is not None:
        return None
    grid_id = room.grid_id or (sender.grid_ids[0] if sender.grid_ids else None)
    category = detection.category if detection.category in BY_NAME else None
    ticket = await _create(
        services, by=SYSTEM, status="draft", source="detected", description=message.text,
        category=category, urgency=detection.urgency, community_id=room.community_id,
        grid_id=grid_id, room_id=room.id, message_ids=(message.id,), reporter_id=sender.id,
        detection=detection)
    await audit.record(services, SYSTEM, "ticket.draft", "ticket", ticket.id,
                       ticket.community_id, message_id=message.id, score=detection.score,
                       matches=list(detection.matches))
    await notify.draft_created(services, ticket)
    log.info("draft %s from message %s (%s, score %.2f)", ticket.id, message.id,
             category, detection.score)
    return ticket


async def file_ticket(services: Services, user: User, form: FileTicket) -> dict[str, Any]:
    """我要报事 by a resident (form or own message), 基层报事 by a worker, or a worker turning
    any message of a room they moderate into a ticket."""
    if user.status != "verified" or user.community_id is None:
        raise Forbidden("only verified members may report / 仅已认证成员可报事")
    wait = await services.limiter.hit(f"ticket:{user.id}", FILE_RATE, FILE_BURST)
    if wait:
        raise RateLimited("too many reports at once / 报事过于频繁，请稍后再试", wait)
    if form.message_id is not None:
        return await _report_message(services, user, form)
    if form.description is None:
        raise Invalid("describe the problem / 请填写问题描述")
    grid_id = _grid_for(user, form.grid_id)
    ticket = await _create(
        services, by=user.id, status="submitted",
        source="worker" if user.is_staff else _source(user), description=form.description,
        category=form.category, urgency=form.urgency or _default_urgency(form.category),
        location=form.location, community_id=user.community_id, grid_id=grid_id,
        reporter_id=user.id)
    return await _created(services, user, ticket)


def _default_urgency(category: str | None) -> Any:
    return BY_NAME[category].default_urgency if category else "normal"


def _grid_for(user: User, grid_id: str | None) -> str | None:
    if user.role in RESIDENT_ROLES:
        return user.grid_ids[0] if user.grid_ids else None
    if grid_id is None:
        return user.grid_ids[0] if user.role == "worker" and user.grid_ids else None
    if user.role == "worker" and grid_id not in user.grid_ids:
        raise Forbidden("not one of your grids / 不是你负责的网格")
    return grid_id


async def _report_message(services: Services, user: User, form: FileTicket) -> dict[str, Any]:
    message = await services.store.get_message(form.message_id or "")
    if message is None or message.deleted_at is not None:
        raise NotFound("no such message / 消息不存在")
    room = await require_member(services, user, message.room_id)
    if message.sender_id != user.id and not can_moderate(user, room):
        raise Forbidden("you may report only your own messages / 只能将自己的消息报事")
    existing = await services.store.ticket_for_message(message.id)
    if existing is not None and existing.status == "draft":
        return await transition(services, user, existing.id, Confirm("由报事人提交"),
                                as_reporter=message.sender_id == user.id)
    if existing is not None and existing.status != "dismissed":
        number = existing.number
        raise Conflict(f"already reported as No. {number} / 已报事（第{number}号）",
                       ticket_id=existing.id)
    sender = await services.store.get_user(message.sender_id)
    reporter = sender if sender is not None and sender.role in RESIDENT_ROLES else user
    ticket = await _create(
        services, by=user.id, status="submitted",
        source=_source(reporter) if reporter.role in RESIDENT_ROLES else "worker",
        description=form.description or message.text, category=form.category,
        urgency=form.urgency or _default_urgency(form.category), location=form.location,
        community_id=room.community_id,
        grid_id=room.grid_id or (reporter.grid_ids[0] if reporter.grid_ids else None),
        room_id=room.id, message_ids=(message.id,), reporter_id=reporter.id)
    return await _created(services, user, ticket)


async def _created(services: Services, user: User, ticket: Ticket) -> dict[str, Any]:
    await audit.record(services, user, "ticket.create", "ticket", ticket.id,
                       ticket.community_id, source=ticket.source)
    await notify.ticket_changed(services, ticket, "create")
    return await view(services, ticket, user)


# ---- transitions ---------------------------------------------------------------------------

async def load(services: Services, user: User, ticket_id: str) -> Ticket:
    ticket = await services.store.get_ticket(ticket_id)
    if ticket is None or not can_view(user, ticket):
        raise NotFound("no such ticket / 工单不存在")
    return ticket


async def transition(services: Services, user: User, ticket_id: str, command: Command,
                     *, as_reporter: bool = False) -> dict[str, Any]:
    """One state-machine step by a person. `as_reporter` lets a resident confirm the draft
    made from their own message (我要报事 on a detected message)."""
    ticket = await services.store.get_ticket(ticket_id)
    action = ACTION_OF[type(command)]
    allowed = ticket is not None and (
        can_act(user, ticket, action)
        or (as_reporter and action == "confirm" and ticket.reporter_id == user.id))
    if ticket is None or not allowed:
        if ticket is None or not can_view(user, ticket):
            raise NotFound("no such ticket / 工单不存在")
        raise Forbidden("you may not do this to this ticket / 无权进行该操作")
    await _check(services, user, ticket, command)
    changed = apply(ticket, command, user.id, services.clock.now(), policy(services))
    await services.store.save_ticket(changed)
    if isinstance(command, Merge):
        await _absorb(services, changed, command.into)
    reason = getattr(command, "reason", "") or getattr(command, "note", "")
    await audit.record(services, user, f"ticket.{action}", "ticket", changed.id,
                       changed.community_id, reason, status=changed.status,
                       level=changed.level)
    await notify.ticket_changed(services, changed, action)
    return await view(services, changed, user)


async def _check(services: Services, user: User, ticket: Ticket, command: Command) -> None:
    if isinstance(command, Assign):
        assignee = await services.store.get_user(command.assignee_id)
        if assignee is None or not can_be_assigned(assignee, ticket):
            raise Invalid("the assignee must be staff who see this ticket / "
                          "只能指派给负责该工单的工作人员")
    if isinstance(command, Merge):
        target = await services.store.get_ticket(command.into)
        if target is None or not in_scope(user, target):
            raise NotFound("no such ticket to merge into / 合并目标不存在")
        if target.status in FINAL or target.status == "draft" or target.id == ticket.id:
            raise Refused("merge into an open ticket / 只能合并到处理中的工单")


async def _absorb(services: Services, duplicate: Ticket, into: str) -> None:
    """The kept ticket counts the duplicate's reporter as 我也遇到 and links its messages."""
    for _ in range(5):
        target = await services.store.get_ticket(into)
        if target is None:
            return
        supporters = tuple(dict.fromkeys((*target.supporters, duplicate.reporter_id,
                                          *duplicate.supporters)))
        messages = tuple(dict.fromkeys((*target.message_ids, *duplicate.message_ids)))
        try:
            await services.store.save_ticket(target.model_copy(update={
                "supporters": tuple(s for s in supporters if s != target.reporter_id),
                "message_ids": messages, "version": target.version + 1,
                "updated_at": services.clock.now()}))
            return
        except Conflict:
            continue
    log.error("could not merge %s into %s: kept changing", duplicate.id, into)


# ---- reading -------------------------------------------------------------------------------

async def list_tickets(services: Services, user: User, filters: dict[str, Any]
                       ) -> dict[str, Any]:
    scope = scope_filter(user)
    if scope is None:
        raise Forbidden("staff only; see 我的报事 / 仅限工作人员，居民请查看我的报事")
    if filters.pop("overdue", False):
        filters["overdue_at"] = services.clock.now()
    query = TicketQuery(**filters, **scope)
    page, total = await services.store.find_tickets(query)
    return {"tickets": await views(services, page, user), "total": total,
            "offset": query.offset, "limit": query.limit}


async def my_tickets(services: Services, user: User, offset: int, limit: int
                     ) -> dict[str, Any]:
    query = TicketQuery(reporter_id=user.id, statuses=tuple(
        s for s in ("submitted", "accepted", "in_progress", "resolved", "closed", "reopened",
                    "rejected", "duplicate")), offset=offset, limit=limit)
    page, total = await services.store.find_tickets(query)
    return {"tickets": await views(services, page, user), "total": total,
            "offset": offset, "limit": limit}


async def ticket_detail(services: Services, user: User, ticket_id: str) -> dict[str, Any]:
    return await view(services, await load(services, user, ticket_id), user)


# ---- the sweep -----------------------------------------------------------------------------

async def sweep(services: Services) -> dict[str, int]:
    """Escalate every overdue ticket one level and close resolved tickets left unrated."""
    now = services.clock.now()
    escalated = await _sweep(services, TicketQuery(overdue_at=now, limit=SWEEP_PAGE),
                             Escalate(automatic=True))
    stale = now - timedelta(days=services.settings.auto_close_days)
    closed = await _sweep(services, TicketQuery(resolved_before=stale, limit=SWEEP_PAGE),
                          AutoClose())
    if escalated or closed:
        log.info("ticket sweep: %d escalated, %d closed without a rating", escalated, closed)
    return {"escalated": escalated, "closed": closed}


async def _sweep(services: Services, query: TicketQuery, command: Command) -> int:
    done = 0
    offset = 0
    while True:
        page, _ = await services.store.find_tickets(query.model_copy(update={"offset": offset}))
        for ticket in page:
            if await _system_step(services, ticket, command):
                done += 1
            else:
                offset += 1  # left in place (at district level, or changed meanwhile)
        if len(page) < query.limit:
            return done


async def _system_step(services: Services, ticket: Ticket, command: Command) -> bool:
    try:
        changed = apply(ticket, command, SYSTEM, services.clock.now(), policy(services))
        await services.store.save_ticket(changed)
    except Conflict:
        return False
    action = ACTION_OF[type(command)]
    await audit.record(services, SYSTEM, f"ticket.{action}", "ticket", changed.id,
                       changed.community_id, changed.history[-1].note, level=changed.level)
    await notify.ticket_changed(services, changed, action)
    return True

