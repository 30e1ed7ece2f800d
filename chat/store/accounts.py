"""The store interface of accounts (composed into chat.store.base.ChatStore): users, their
sessions and each community's membership version."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from chat.models import Session, User


class AccountStore(ABC):
    # ---- users and sessions ---------------------------------------------------------------
    @abstractmethod
    async def add_user(self, user: User) -> None:
        """Raise Conflict when the phone number is taken."""

    @abstractmethod
    async def get_user(self, user_id: str) -> User | None: ...

    @abstractmethod
    async def get_users(self, user_ids: Sequence[str]) -> list[User]: ...

    @abstractmethod
    async def get_user_by_phone(self, phone: str) -> User | None: ...

    @abstractmethod
    async def update_user(self, user_id: str, changes: Mapping[str, Any]) -> User:
        """Apply field changes (model field names) and return the new record; NotFound if absent."""

    @abstractmethod
    async def set_room_removal(self, user_id: str, room_id: str, removed: bool) -> User:
        """Add the room to (or take it from) the user's `removed_from`, atomically."""

    @abstractmethod
    async def list_users(
        self,
        *,
        community_id: str | None = None,
        grid_id: str | None = None,
        status: str | None = None,
        role: str | None = None,
        unit_id: str | None = None,
        limit: int = 500,
    ) -> list[User]:
        """Ordered by id; each given filter must match (`grid_id`: one of the user's grids,
        `unit_id`: the unit a staff member belongs to)."""

    @abstractmethod
    async def membership_version(self, community_id: str) -> int:
        """A number that changes whenever the community gains a verified user or one of its
        users' `room_facts` change (0 before the first): caches of who is in the community's
        rooms compare it with the one they were built at. Read it before reading the members."""

    @abstractmethod
    async def add_session(self, session: Session) -> None: ...

    @abstractmethod
    async def get_session_by_digest(self, token_digest: str) -> Session | None: ...

    @abstractmethod
    async def revoke_sessions(
        self, user_id: str, at: datetime, only: str | None = None, keep: str | None = None
    ) -> list[str]:
        """Revoke one session (`only`) or all of a user's live sessions except `keep`;
        return the ids revoked."""

