"""Who may see and do what (docs/architecture.md#security-model). Pure functions over records."""

from __future__ import annotations

from chat.models import RESIDENT_ROLES, Room, Unit, User


def is_active(user: User) -> bool:
    return user.status == "verified"


def can_join(user: User, room: Room) -> bool:
    """Membership follows from the user's record; nothing else grants a room."""
    if not is_active(user) or room.community_id != user.community_id:
        return False
    if user.role == "bot":
        return room.id in user.bot_rooms and room.id not in user.removed_from
    if user.role == "admin":
        return True
    if room.id in user.removed_from:
        return False
    if room.kind == "community":
        return user.role in RESIDENT_ROLES or user.role == "worker"
    if room.kind == "workers":
        return user.role == "worker"
    return room.grid_id in user.grid_ids and (user.role in RESIDENT_ROLES or user.role == "worker")


def can_moderate(user: User, room: Room) -> bool:
    """Workers moderate their grids' rooms and their community's hall; admins every room."""
    if not is_active(user) or room.community_id != user.community_id:
        return False
    if user.role == "admin":
        return True
    if user.role != "worker":
        return False
    return room.kind in ("community", "workers") or room.grid_id in user.grid_ids


def can_verify(actor: User, resident: User) -> bool:
    """A grid worker verifies residents of their grids; an admin those of the community."""
    if not is_active(actor) or actor.community_id != resident.community_id:
        return False
    if actor.role == "admin":
        return True
    return actor.role == "worker" and any(g in actor.grid_ids for g in resident.grid_ids)


def can_see_personal_details(viewer: User, subject: User) -> bool:
    """Phone, address and real name: the person themself and the staff who may verify them
    (their grids' workers, their community's admin); everyone else sees the masked view."""
    return viewer.id == subject.id or can_verify(viewer, subject)


def can_manage_unit(actor: User | None, ancestry: list[Unit]) -> bool:
    """`ancestry` is a unit and its ancestors. None is the CLI acting as the operator."""
    if actor is None:
        return True
    if not is_active(actor) or actor.unit_id is None:
        return False
    managed = {"admin": "community", "street_officer": "street", "district_officer": "district"}
    kind = managed.get(actor.role)
    return any(u.id == actor.unit_id and u.kind == kind for u in ancestry)


def is_operator_level(user: User) -> bool:
    """What serves every community (the detection lexicon and model) is the operator's: at the
    CLI, or on the web a district officer, the top of the hierarchy."""
    return is_active(user) and user.role == "district_officer"


def administers(user: User, ancestry: list[Unit]) -> bool:
    """The unit (`ancestry`: it and its ancestors) is in a subtree the user administers: a
    worker's grids, an admin's community, an officer's street or district."""
    if not is_active(user):
        return False
    if user.role == "worker":
        return any(u.id in user.grid_ids for u in ancestry)
    return can_manage_unit(user, ancestry)


def can_see_unit(user: User, ancestry: list[Unit], own_chain: set[str]) -> bool:
    """Everyone sees the units above and at their own place (`own_chain`: the ids of their
    grids, community or unit and those units' ancestors); staff and officers also see what
    they administer."""
    return ancestry[0].id in own_chain or administers(user, ancestry)


def can_mention_all(user: User) -> bool:
    return user.role in ("worker", "admin")
