"""Who sees and acts on which ticket (docs/architecture.md#tickets-and-escalation).
Pure functions over records.

Workers handle their grids' tickets at grid level, admins their community's up to community
level, street and district officers the tickets escalated to their level. Workers and admins
keep seeing a ticket after it climbs; the assignee may always resolve it."""

from __future__ import annotations

from typing import Any

from chat.models import User
from chat.permissions import is_active
from moderation.models import LEVELS, PUBLIC_STATUSES, Level, Ticket

RANK: dict[Level, int] = {level: i for i, level in enumerate(LEVELS)}
HANDLES: dict[str, frozenset[Level]] = {
    "worker": frozenset({"grid"}),
    "admin": frozenset({"grid", "community"}),
    "street_officer": frozenset({"street"}),
    "district_officer": frozenset({"district"}),
}
HANDLER_ROLES = frozenset(HANDLES)


def in_scope(user: User, t: Ticket) -> bool:
    """Staff who may see this ticket, drafts included."""
    if not is_active(user):
        return False
    if user.role == "worker":
        return t.community_id == user.community_id and t.grid_id in user.grid_ids
    if user.role == "admin":
        return t.community_id == user.community_id
    if user.role == "street_officer":
        return (t.street_id is not None and t.street_id == user.unit_id
                and RANK[t.level] >= RANK["street"])
    if user.role == "district_officer":
        return (t.district_id is not None and t.district_id == user.unit_id
                and t.level == "district")
    return False


def can_view(user: User, t: Ticket) -> bool:
    """Staff in scope; the reporter once the ticket is public (never a draft, kept or not)."""
    return in_scope(user, t) or (t.reporter_id == user.id and t.status in PUBLIC_STATUSES)


def can_act(user: User, t: Ticket, action: str) -> bool:
    if action == "rate":
        return t.reporter_id == user.id and is_active(user)
    if not in_scope(user, t):
        return False
    if action == "resolve" and t.assignee_id == user.id:
        return True
    return t.level in HANDLES.get(user.role, frozenset())


def can_be_assigned(user: User, t: Ticket) -> bool:
    """The one rule for assignees: POST …/assign accepts exactly these people and
    GET …/assignees lists exactly them (moderation.assignees)."""
    return user.role in HANDLER_ROLES and in_scope(user, t)


def scope_filter(user: User) -> dict[str, Any] | None:
    """TicketQuery fields limiting a list to what `in_scope` allows; None for non-staff."""
    if not is_active(user):
        return None
    if user.role == "worker" and user.community_id:
        return {"community_ids": (user.community_id,), "grid_ids": user.grid_ids}
    if user.role == "admin" and user.community_id:
        return {"community_ids": (user.community_id,)}
    if user.role == "street_officer" and user.unit_id:
        return {"street_id": user.unit_id, "min_level": "street"}
    if user.role == "district_officer" and user.unit_id:
        return {"district_id": user.unit_id, "min_level": "district"}
    return None


def audience(t: Ticket) -> list[str]:
    """Socket.IO rooms of the staff who see the ticket (see chat.room_ids.staff_event_rooms)."""
    rooms = [f"staff:community:{t.community_id}"]
    if t.grid_id:
        rooms.append(f"staff:grid:{t.grid_id}")
    if RANK[t.level] >= RANK["street"] and t.street_id:
        rooms.append(f"staff:street:{t.street_id}")
    if t.level == "district" and t.district_id:
        rooms.append(f"staff:district:{t.district_id}")
    return rooms
