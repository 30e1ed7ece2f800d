"""The store interface of the community hierarchy (composed into chat.store.base.ChatStore):
units, rooms and the join codes of grids."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from chat.models import JoinCode, Room, Unit, UnitKind


class HierarchyStore(ABC):
    # ---- hierarchy and rooms -------------------------------------------------------------
    @abstractmethod
    async def add_unit(self, unit: Unit) -> None: ...

    @abstractmethod
    async def get_unit(self, unit_id: str) -> Unit | None: ...

    @abstractmethod
    async def list_units(self, kind: UnitKind, parent_id: str | None = None) -> list[Unit]: ...

    @abstractmethod
    async def add_room(self, room: Room) -> None: ...

    @abstractmethod
    async def get_room(self, room_id: str) -> Room | None: ...

    @abstractmethod
    async def list_rooms(self, community_id: str) -> list[Room]: ...

    # ---- join codes -----------------------------------------------------------------------
    @abstractmethod
    async def add_join_code(self, code: JoinCode) -> None: ...

    @abstractmethod
    async def get_join_code(self, code: str) -> JoinCode | None: ...

    @abstractmethod
    async def list_join_codes(self, grid_id: str) -> list[JoinCode]: ...

    @abstractmethod
    async def revoke_join_code(self, code: str, at: datetime) -> JoinCode | None: ...

