"""District → street → community → grid, their rooms, and grid join codes."""

from __future__ import annotations

import logging

from chat.errors import Forbidden, Invalid, NotFound
from chat.ids import new_id, new_join_code
from chat.models import PARENT_KIND, JoinCode, Room, Unit, UnitKind, User
from chat.permissions import can_manage_unit, can_see_unit
from chat.room_ids import community_room_id, grid_room_id, workers_room_id
from chat.services import Services

log = logging.getLogger(__name__)

ID_PREFIX: dict[UnitKind, str] = {"district": "d", "street": "s", "community": "c", "grid": "g"}


async def ancestry(services: Services, unit_id: str) -> list[Unit]:
    """The unit and its ancestors, nearest first."""
    chain: list[Unit] = []
    current: str | None = unit_id
    while current is not None:
        unit = await services.store.get_unit(current)
        if unit is None:
            raise NotFound(f"no unit {current}")
        chain.append(unit)
        current = unit.parent_id
    return chain


async def require_unit(services: Services, unit_id: str, kind: UnitKind) -> Unit:
    unit = await services.store.get_unit(unit_id)
    if unit is None or unit.kind != kind:
        raise NotFound(f"no {kind} {unit_id}")
    return unit


async def create_unit(
    services: Services, actor: User | None, kind: UnitKind, name: str, parent_id: str | None
) -> Unit:
    """Create a unit; a community gets its hall and workers' room, a grid its room.
    `actor` None is the operator at the CLI."""
    name = name.strip()
    if not name or len(name) > 50:
        raise Invalid("name must be 1–50 characters / 名称须为1至50个字符")
    parent_kind = PARENT_KIND[kind]
    if (parent_id is None) != (parent_kind is None):
        raise Invalid(f"a {kind} needs a parent {parent_kind}" if parent_kind else
                      "a district has no parent")
    if parent_id is not None and parent_kind is not None:
        await require_unit(services, parent_id, parent_kind)
        if not can_manage_unit(actor, await ancestry(services, parent_id)):
            raise Forbidden(f"you may not add a {kind} here / 无权在此创建")
    elif actor is not None:
        raise Forbidden("only the operator creates districts / 仅系统管理员可创建区")
    unit = Unit(id=new_id(ID_PREFIX[kind]), kind=kind, name=name, parent_id=parent_id,
                created_at=services.clock.now())
    await services.store.add_unit(unit)
    await _create_rooms(services, unit)
    log.info("created %s %s (%s) under %s", kind, unit.id, name, parent_id)
    return unit


def room_name(unit_name: str, kind_word: str, room_word: str) -> str:
    """「第一网格」 + 网格议事会 → 「第一网格议事会」, not 「第一网格网格议事会」."""
    return unit_name.removesuffix(kind_word) + kind_word + room_word


async def _create_rooms(services: Services, unit: Unit) -> None:
    now = services.clock.now()
    if unit.kind == "community":
        await services.store.add_room(Room(id=community_room_id(unit.id), kind="community",
                                           name=room_name(unit.name, "社区", "议事厅"),
                                           community_id=unit.id, created_at=now))
        await services.store.add_room(Room(id=workers_room_id(unit.id), kind="workers",
                                           name=f"{unit.name}网格员工作群", community_id=unit.id,
                                           created_at=now))
    elif unit.kind == "grid" and unit.parent_id is not None:
        await services.store.add_room(Room(id=grid_room_id(unit.id), kind="grid",
                                           name=room_name(unit.name, "网格", "议事会"),
                                           community_id=unit.parent_id, grid_id=unit.id,
                                           created_at=now))


async def _require_grid_manager(services: Services, actor: User | None, grid_id: str) -> Unit:
    grid = await require_unit(services, grid_id, "grid")
    if actor is not None and not (
        (actor.role == "worker" and grid_id in actor.grid_ids and actor.status == "verified")
        or can_manage_unit(actor, await ancestry(services, grid_id))
    ):
        raise Forbidden("you do not manage this grid / 无权管理该网格")
    return grid


async def create_join_code(services: Services, actor: User | None, grid_id: str) -> JoinCode:
    await _require_grid_manager(services, actor, grid_id)
    code = JoinCode(code=new_join_code(), grid_id=grid_id,
                    created_by=actor.id if actor else "operator", created_at=services.clock.now())
    await services.store.add_join_code(code)
    log.info("join code %s created for grid %s", code.code, grid_id)
    return code


async def list_join_codes(services: Services, actor: User | None, grid_id: str) -> list[JoinCode]:
    await _require_grid_manager(services, actor, grid_id)
    return await services.store.list_join_codes(grid_id)


async def managed_join_code(services: Services, actor: User | None, code: str) -> JoinCode:
    """A join code, for those who manage its grid's codes."""
    found = await services.store.get_join_code(code)
    if found is None:
        raise NotFound("no such join code / 邀请码不存在")
    await _require_grid_manager(services, actor, found.grid_id)
    return found


async def revoke_join_code(services: Services, actor: User | None, code: str) -> JoinCode:
    await managed_join_code(services, actor, code)
    revoked = await services.store.revoke_join_code(code, services.clock.now())
    assert revoked is not None
    log.info("join code %s revoked", code)
    return revoked


async def list_units(
    services: Services, kind: UnitKind, parent_id: str | None
) -> list[Unit]:
    return await services.store.list_units(kind, parent_id)


async def own_chain(services: Services, user: User) -> set[str]:
    """The ids of the units the user belongs to and of every unit above them."""
    chain: set[str] = set()
    for home in (*user.grid_ids, *(i for i in (user.community_id, user.unit_id) if i)):
        if home not in chain:
            chain |= {u.id for u in await ancestry(services, home)}
    return chain


async def visible_units(
    services: Services, viewer: User, kind: UnitKind, parent_id: str | None
) -> list[Unit]:
    """`list_units` as the viewer may see it (chat.permissions.can_see_unit)."""
    chain = await own_chain(services, viewer)
    return [u for u in await services.store.list_units(kind, parent_id)
            if can_see_unit(viewer, await ancestry(services, u.id), chain)]
