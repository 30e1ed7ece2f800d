"""Tickets over REST: file, list with filters, my tickets, detail, who may be assigned, one
route per transition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from chat.payloads import Payload
from chat.validation import invalid_from
from chat.wire import message_view
from config.settings import Urgency
from moderation import filing, sharing, tickets
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
from moderation.models import Level, Source, TicketStatus
from moderation.payloads import (
    AcceptTicket,
    AssignTicket,
    ClassifyTicket,
    ConfirmTicket,
    EscalateTicket,
    FileTicket,
    MergeTicket,
    RateTicket,
    ResolveTicket,
    WithReason,
)
from moderation.wire import assignee_view, support_view, ticket_page_view, ticket_view
from web.http import body, current, query_int, reply, services

routes = web.RouteTableDef()


class TicketFilters(BaseModel):
    """Query string of GET /api/v1/tickets; `status` takes a comma-separated list."""

    model_config = ConfigDict(extra="forbid")

    statuses: tuple[TicketStatus, ...] | None = Field(default=None, alias="status")
    grid_ids: tuple[str, ...] | None = Field(default=None, alias="grid_id")
    category: str | None = None
    urgency: Urgency | None = None
    level: Level | None = None
    source: Source | None = None
    assignee_id: str | None = None
    overdue: bool = False
    offset: int = Field(default=0, ge=0)
    limit: int = Field(default=50, ge=1, le=200)

    @field_validator("statuses", "grid_ids", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return tuple(v for v in value.split(",") if v) if isinstance(value, str) else value


def _filters(request: web.Request) -> dict[str, Any]:
    try:
        parsed = TicketFilters.model_validate(dict(request.query))
    except ValidationError as exc:
        raise invalid_from(exc) from exc
    return parsed.model_dump(exclude_none=True)


@routes.post("/api/v1/tickets")
async def file_ticket(request: web.Request) -> web.Response:
    user, _ = await current(request)
    form = await body(request, FileTicket)
    ticket = await filing.file_ticket(services(request), user, form)
    return reply({"ticket": ticket_view(ticket)}, 201)


@routes.get("/api/v1/tickets")
async def list_tickets(request: web.Request) -> web.Response:
    user, _ = await current(request)
    page = await tickets.list_tickets(services(request), user, _filters(request))
    return reply(ticket_page_view(page))


@routes.get("/api/v1/tickets/mine")
async def my_tickets(request: web.Request) -> web.Response:
    user, _ = await current(request)
    offset = query_int(request, "offset", 0, 0, 10**6) or 0
    limit = query_int(request, "limit", 50, 1, 200) or 50
    return reply(ticket_page_view(await tickets.my_tickets(services(request), user, offset, limit)))


@routes.get("/api/v1/tickets/{ticket_id}")
async def ticket_detail(request: web.Request) -> web.Response:
    user, _ = await current(request)
    ticket = await tickets.ticket_detail(services(request), user,
                                         request.match_info["ticket_id"])
    return reply({"ticket": ticket_view(ticket)})


@routes.get("/api/v1/tickets/{ticket_id}/assignees")
async def ticket_assignees(request: web.Request) -> web.Response:
    user, _ = await current(request)
    people = await tickets.list_assignees(services(request), user,
                                          request.match_info["ticket_id"])
    return reply({"assignees": [assignee_view(u) for u in people]})


@routes.post("/api/v1/tickets/{ticket_id}/share")
async def share_ticket(request: web.Request) -> web.Response:
    """The reporter shares their open report into the grid room (我要报事 → 网格议事会)."""
    user, _ = await current(request)
    message = await sharing.share(services(request), user, request.match_info["ticket_id"])
    return reply({"message": message_view(message)}, 201)


@routes.post("/api/v1/tickets/{ticket_id}/support")
async def support_ticket(request: web.Request) -> web.Response:
    """我也遇到: a neighbour in the room the report was shared into counts themself in."""
    user, _ = await current(request)
    ticket = await sharing.support(services(request), user, request.match_info["ticket_id"])
    return reply(support_view(ticket))


TRANSITIONS: dict[str, tuple[type[Payload], Callable[[Any], Command]]] = {
    "confirm": (ConfirmTicket, lambda p: Confirm(p.note)),
    "dismiss": (WithReason, lambda p: Dismiss(p.reason)),
    "accept": (AcceptTicket, lambda p: Accept(p.category, p.urgency, p.level)),
    "classify": (ClassifyTicket, lambda p: Classify(p.category, p.urgency)),
    "reject": (WithReason, lambda p: Reject(p.reason)),
    "merge": (MergeTicket, lambda p: Merge(p.into)),
    "assign": (AssignTicket, lambda p: Assign(p.assignee_id, p.note)),
    "resolve": (ResolveTicket, lambda p: Resolve(p.note)),
    "rate": (RateTicket, lambda p: Rate(p.rating, p.comment)),
    "escalate": (EscalateTicket, lambda p: Escalate(p.note)),
}


def _transition_route(action: str) -> None:
    model, command = TRANSITIONS[action]

    async def handler(request: web.Request) -> web.Response:
        user, _ = await current(request)
        form = await body(request, model)
        ticket = await tickets.transition(services(request), user,
                                          request.match_info["ticket_id"], command(form))
        return reply({"ticket": ticket_view(ticket)})

    handler.__name__ = f"ticket_{action}"
    routes.post(f"/api/v1/tickets/{{ticket_id}}/{action}")(handler)


for _action in TRANSITIONS:
    _transition_route(_action)
