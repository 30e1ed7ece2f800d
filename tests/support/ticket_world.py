"""A small hierarchy for ticket tests on a real SQLite store: a district with two streets,
two communities, three grids, one person per role (records written straight into the store:
account creation is tested elsewhere, and argon2 for every case would cost minutes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from chat.actions import hierarchy
from chat.errors import DomainError
from chat.models import Address, User
from chat.services import Services
from moderation.machine import Policy, new_ticket
from moderation.models import Level, Ticket, TicketStatus
from tests.support.services import services_on
from web.store_sqlite import SqliteStore

ROLES = ("reporter", "neighbour", "worker", "other_worker", "admin", "other_admin",
         "street", "other_street", "district")


class World:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.people: dict[str, User] = {}
        self.units: dict[str, str] = {}
        self.count = 0

    async def build(self) -> World:
        s = self.services

        async def unit(key: str, kind: Any, parent: str | None) -> str:
            self.units[key] = (await hierarchy.create_unit(s, None, kind, key, parent)).id
            return self.units[key]

        d = await unit("d", "district", None)
        st = await unit("s", "street", d)
        st2 = await unit("s2", "street", d)
        c = await unit("c", "community", st)
        c2 = await unit("c2", "community", st2)
        g1, g2 = await unit("g1", "grid", c), await unit("g2", "grid", c)
        await unit("g9", "grid", c2)
        staff = {"worker": ("worker", c, (g1,)), "other_worker": ("worker", c, (g2,)),
                 "admin": ("admin", c, ()), "other_admin": ("admin", c2, ()),
                 "street": ("street_officer", st, ()), "other_street": ("street_officer", st2, ()),
                 "district": ("district_officer", d, ())}
        # Records straight into the store: account creation is tested elsewhere, and argon2
        # for every parametrized case would cost minutes.
        for n, (key, (role, unit_id, grids)) in enumerate(staff.items()):
            community = unit_id if role in ("worker", "admin") else None
            await self.person(key, n, role=role, unit_id=unit_id, community_id=community,
                              grid_ids=grids)
        for n, key in enumerate(("reporter", "neighbour"), start=len(staff)):
            await self.person(key, n, role="resident", community_id=c, grid_ids=(g1,),
                              address=Address(building="3", room=f"70{n}"))
        return self

    async def person(self, key: str, n: int, **fields: Any) -> None:
        user = User(id=f"u-{key}", phone=f"1390000{n:04d}", name=f"人{n}", status="verified",
                    password_hash="-", created_at=self.services.clock.now(), **fields)
        await self.services.store.add_user(user)
        self.people[key] = user

    async def ticket(self, status: TicketStatus, level: Level = "grid") -> Ticket:
        self.count += 1
        fresh = new_ticket(
            status="submitted", by=self.people["reporter"].id, now=self.services.clock.now(),
            policy=Policy(), id=f"t{self.count}", number=0, source="resident",
            description="3栋电梯坏了", community_id=self.units["c"], grid_id=self.units["g1"],
            street_id=self.units["s"], district_id=self.units["d"],
            reporter_id=self.people["reporter"].id)
        return await self.services.store.add_ticket(
            fresh.model_copy(update={"status": status, "level": level}))


@asynccontextmanager
async def ticket_world(tmp_path: Path) -> AsyncIterator[World]:
    store = SqliteStore(tmp_path / "linli.sqlite3")
    await store.open()
    services = services_on(store, tmp_path)
    try:
        yield await World(services).build()
    finally:
        await services.events.drain()
        await store.close()


async def code_of(call: object) -> str:
    """The error code an awaited action fails with, or "ok"."""
    try:
        await call  # type: ignore[misc]
    except DomainError as exc:
        return exc.code
    return "ok"
