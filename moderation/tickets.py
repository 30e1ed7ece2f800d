"""Ticket intents after filing (报事 → 办事): every transition, lists, and the sweep that
escalates overdue tickets and closes unrated ones. Filing lives in moderation.filing."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from chat import audit
from chat.audit import AuditAction
from chat.errors import Conflict, Forbidden, Invalid, NotFound
from chat.events import MessageDeleted
from chat.models import User
from chat.permissions import can_see_personal_details
from chat.services import Services
from moderation import assignees, duplicates, examples, notify
from moderation.access import RANK, can_act, can_view, in_scope, scope_filter
from moderation.machine import (
    ACTION_OF,
    Accept,
    Assign,
    AutoClose,
    Command,
    Escalate,
    Merge,
    Policy,
    Refused,
    apply,
)
from moderation.models import OPEN, PUBLIC_STATUSES, SYSTEM, Ticket, TicketQuery, Transition
from moderation.replies import SeenTicket, TicketPage
from moderation.store.base import moderation_store

log = logging.getLogger(__name__)
SWEEP_PAGE = 200


def policy(services: Services) -> Policy:
    return Policy(sla={u: timedelta(hours=h) for u, h in services.settings.sla_hours.items()})


async def seen_by(services: Services, page: list[Ticket], viewer: User) -> list[SeenTicket]:
    """The tickets as `viewer` may see them, with the people they name read at once."""
    ids = sorted(set().union(*(t.people_ids() for t in page))) if page else []
    users = {u.id: u for u in await moderation_store(services).get_users(ids)}
    now = services.clock.now()
    staff = {t.id: in_scope(viewer, t) for t in page}
    found = await duplicates.targets(services, (t for t in page if staff[t.id]))
    return [SeenTicket(t, users, staff[t.id], now, duplicate=duplicates.target_of(t, found),
                       contact=_contact(viewer, users.get(t.reporter_id)))
            for t in page]


def _contact(viewer: User, reporter: User | None) -> User | None:
    """The reporter, if the viewer may see their phone and address."""
    return reporter if reporter is not None and can_see_personal_details(viewer, reporter) \
        else None


async def seen(services: Services, ticket: Ticket, viewer: User) -> SeenTicket:
    return (await seen_by(services, [ticket], viewer))[0]


# ---- transitions ---------------------------------------------------------------------------

async def load(services: Services, user: User, ticket_id: str) -> Ticket:
    ticket = await moderation_store(services).get_ticket(ticket_id)
    if ticket is None or not can_view(user, ticket):
        raise NotFound("no such ticket / 工单不存在")
    return ticket


async def transition(services: Services, user: User, ticket_id: str, command: Command,
                     *, as_reporter: bool = False) -> SeenTicket:
    """One state-machine step by a person. `as_reporter` lets a resident confirm the draft
    made from their own message (我要报事 on a detected message)."""
    action = ACTION_OF[type(command)]
    ticket = await _acting(services, user, ticket_id, action, as_reporter=as_reporter)
    await _check(services, ticket, command)
    changed = apply(ticket, command, user.id, services.clock.now(), policy(services))
    kept = await _absorb(services, user, ticket, command.into) \
        if isinstance(command, Merge) else None
    await moderation_store(services).save_ticket(changed)
    reason = next((str(v) for k in ("reason", "note", "comment")
                   if (v := getattr(command, k, ""))), "")
    into = {"into": command.into} if isinstance(command, Merge) else {}
    await audit.record(services, user, AuditAction.ticket(action), "ticket", changed.id,
                       changed.community_id, reason, status=changed.status,
                       level=changed.level, **into)
    await notify.ticket_changed(services, changed, action)
    await examples.observe(services, changed, action, user)
    if kept is not None:
        await notify.ticket_changed(services, kept, "merge_in")
    return await seen(services, changed, user)


async def _acting(services: Services, user: User, ticket_id: str, action: str,
                  *, as_reporter: bool = False) -> Ticket:
    """The ticket `user` may do `action` to: `not_found` unless they may see it, else
    `forbidden` unless they may act."""
    ticket = await moderation_store(services).get_ticket(ticket_id)
    allowed = ticket is not None and (
        can_act(user, ticket, action)
        or (as_reporter and action == "confirm" and ticket.reporter_id == user.id))
    if ticket is None or not allowed:
        if ticket is None or not can_view(user, ticket):
            raise NotFound("no such ticket / 工单不存在")
        raise Forbidden("you may not do this to this ticket / 无权进行该操作")
    return ticket


async def _check(services: Services, ticket: Ticket, command: Command) -> None:
    if isinstance(command, Assign):
        await assignees.assignee(services, ticket, command.assignee_id)
    if isinstance(command, Accept) and command.level is not None:
        step = RANK[command.level] - RANK[ticket.level]
        if step not in (0, 1):
            raise Invalid("accept at this level or hand it one level up / "
                          "只能在本级受理或交上一级处理")


async def _absorb(services: Services, user: User, duplicate: Ticket, into: str) -> Ticket:
    """The kept ticket counts the duplicate's reporter as 我也遇到 and links its messages.
    Saved before the duplicate, with the version check, so two tickets merged into each other
    at the same moment cannot both end up `duplicate`. A draft may be kept only for another
    draft (two detections of one problem): a public ticket never hides in a draft."""
    target = await moderation_store(services).get_ticket(into)
    if target is None or not in_scope(user, target):
        raise NotFound("no such ticket to merge into / 合并目标不存在")
    keeps = target.status in OPEN or (target.status == "draft" == duplicate.status)
    if not keeps or target.merged_into is not None:
        raise Refused("merge into an open ticket / 只能合并到处理中的工单")
    now = services.clock.now()
    supporters = dict.fromkeys((*target.supporters, duplicate.reporter_id,
                                *duplicate.supporters))
    supporters.pop(target.reporter_id, None)
    entry = Transition(from_status=target.status, to_status=target.status, action="merge_in",
                       by=user.id, at=now, note=f"第{duplicate.number}号", level=target.level)
    kept = target.model_copy(update={
        "supporters": tuple(supporters),
        "message_ids": tuple(dict.fromkeys((*target.message_ids, *duplicate.message_ids))),
        "version": target.version + 1, "updated_at": now, "history": (*target.history, entry)})
    await moderation_store(services).save_ticket(kept)
    return kept


# ---- reading -------------------------------------------------------------------------------

async def list_tickets(services: Services, user: User, filters: dict[str, Any]
                       ) -> TicketPage:
    scope = scope_filter(user)
    if scope is None:
        raise Forbidden("staff only; see 我的报事 / 仅限工作人员，居民请查看我的报事")
    wanted = filters.pop("grid_ids", None)
    if wanted is not None:
        allowed = scope.get("grid_ids")
        scope["grid_ids"] = wanted if allowed is None else tuple(g for g in wanted
                                                                  if g in allowed)
    if filters.pop("overdue", False):
        filters["overdue_at"] = services.clock.now()
    query = TicketQuery(**filters, **scope)
    page, total = await moderation_store(services).find_tickets(query)
    return TicketPage(tuple(await seen_by(services, page, user)), total, query.offset,
                      query.limit)


async def my_tickets(services: Services, user: User, offset: int, limit: int
                     ) -> TicketPage:
    query = TicketQuery(reporter_id=user.id, statuses=PUBLIC_STATUSES, offset=offset,
                        limit=limit)
    page, total = await moderation_store(services).find_tickets(query)
    return TicketPage(tuple(await seen_by(services, page, user)), total, offset, limit)


async def ticket_detail(services: Services, user: User, ticket_id: str) -> SeenTicket:
    return await seen(services, await load(services, user, ticket_id), user)


async def list_assignees(services: Services, user: User, ticket_id: str) -> list[User]:
    """Whom `user` may assign the ticket to: exactly the people POST …/assign would accept.
    Only for those who may assign it; the ticket's status is the state machine's business."""
    ticket = await _acting(services, user, ticket_id, "assign")
    return await assignees.assignees(services, ticket)


# ---- the sweep -----------------------------------------------------------------------------

async def sweep(services: Services) -> dict[str, int]:
    """Escalate every overdue ticket one level and close resolved tickets left unrated."""
    now = services.clock.now()
    # Overdue district tickets stay as they are: there is no level above to tell.
    overdue = TicketQuery(overdue_at=now, max_level="street", limit=SWEEP_PAGE)
    escalated = await _sweep(services, overdue, Escalate(automatic=True))
    stale = now - timedelta(days=services.settings.auto_close_days)
    closed = await _sweep(services, TicketQuery(resolved_before=stale, limit=SWEEP_PAGE),
                          AutoClose())
    if escalated or closed:
        log.info("ticket sweep: %d escalated, %d closed without a rating", escalated, closed)
    return {"escalated": escalated, "closed": closed}


async def _sweep(services: Services, query: TicketQuery, command: Command) -> int:
    store = moderation_store(services)
    done = 0
    offset = 0
    while True:
        page, _ = await store.find_tickets(query.model_copy(update={"offset": offset}))
        for ticket in page:
            if await _system_step(services, ticket, command):
                done += 1
            else:
                offset += 1  # changed meanwhile by someone else: left for the next sweep
        if len(page) < query.limit:
            return done


async def _system_step(services: Services, ticket: Ticket, command: Command) -> bool:
    try:
        changed = apply(ticket, command, SYSTEM, services.clock.now(), policy(services))
        await moderation_store(services).save_ticket(changed)
    except Conflict:
        return False
    action = ACTION_OF[type(command)]
    await audit.record(services, SYSTEM, AuditAction.ticket(action), "ticket", changed.id,
                       changed.community_id, changed.history[-1].note, level=changed.level)
    await notify.ticket_changed(services, changed, action)
    return True



async def redact_deleted_source(services: Services, event: MessageDeleted) -> None:
    """A ticket keeps its words for the handlers, but stops publishing them (Open311,
    webhooks) once the message they came from was deleted."""
    for _ in range(5):
        ticket = await moderation_store(services).ticket_for_message(event.message.id)
        if ticket is None or ticket.redacted:
            return
        try:
            await moderation_store(services).save_ticket(ticket.model_copy(update={
                "redacted": True, "version": ticket.version + 1,
                "updated_at": services.clock.now()}))
            return
        except Conflict:
            continue
