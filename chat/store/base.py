"""The store interface of the chat core: what chat code may ask of the store. Each part above
declares its own interface next to its code (bots.polls.store, moderation.store.base, …); the
one store object the app passes around implements them all and is assembled in web.stores.

Backends raise `chat.errors.Conflict` on uniqueness violations and
`chat.errors.Unavailable` when the database cannot be reached; nothing else leaks out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from chat.follow.store import FollowStore
from chat.models import (
    AuditEntry,
    CommunityConfig,
    JoinCode,
    Message,
    Mute,
    NewMessage,
    Room,
    Session,
    Unit,
    UnitKind,
    User,
)


class ChatStore(FollowStore, ABC):
    # ---- lifecycle --------------------------------------------------------------------
    @abstractmethod
    async def open(self) -> None:
        """Connect and create tables/indexes; idempotent."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def ping(self) -> None:
        """Raise Unavailable unless the database answers."""

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

    # ---- join codes -----------------------------------------------------------------------
    @abstractmethod
    async def add_join_code(self, code: JoinCode) -> None: ...

    @abstractmethod
    async def get_join_code(self, code: str) -> JoinCode | None: ...

    @abstractmethod
    async def list_join_codes(self, grid_id: str) -> list[JoinCode]: ...

    @abstractmethod
    async def revoke_join_code(self, code: str, at: datetime) -> JoinCode | None: ...

    # ---- messages -------------------------------------------------------------------------
    @abstractmethod
    async def append_message(self, new: NewMessage) -> tuple[Message, bool]:
        """Store with the room's next gapless `seq`. If (room, sender, client_id) exists,
        return the stored message and False instead of writing a duplicate."""

    @abstractmethod
    async def get_message(self, message_id: str) -> Message | None: ...

    @abstractmethod
    async def history(self, room_id: str, before_seq: int | None, limit: int) -> list[Message]:
        """Up to `limit` messages with seq < before_seq (newest page if None), ascending."""

    @abstractmethod
    async def messages_after(self, room_id: str, after_seq: int, limit: int) -> list[Message]:
        """Up to `limit` messages with seq > after_seq, ascending."""

    @abstractmethod
    async def changed_since(
        self, room_id: str, up_to_seq: int, since: datetime, limit: int
    ) -> list[Message]:
        """Messages with seq <= up_to_seq edited or deleted after `since`, ascending."""

    @abstractmethod
    async def update_message(self, message_id: str, changes: Mapping[str, Any]) -> Message: ...

    @abstractmethod
    async def last_seqs(self, room_ids: Sequence[str]) -> dict[str, int]:
        """Highest seq per room (0 for rooms without messages)."""

    # ---- read markers and mutes -------------------------------------------------------------
    @abstractmethod
    async def mark_read(self, user_id: str, room_id: str, seq: int) -> int:
        """Move the marker forward only; return the marker now stored."""

    @abstractmethod
    async def read_markers(self, user_id: str) -> dict[str, int]: ...

    @abstractmethod
    async def unread_mentions(self, user_id: str, after: Mapping[str, int]) -> dict[str, int]:
        """Per room of `after` (room id → read marker): messages past the marker that name
        `user_id` in `mentions` or have `mention_all`, not sent by them and not deleted."""

    @abstractmethod
    async def set_mute(self, mute: Mute) -> None: ...

    @abstractmethod
    async def get_mute(self, room_id: str, user_id: str) -> Mute | None: ...

    # ---- audit log and community configuration --------------------------------------------
    @abstractmethod
    async def add_audit(self, entry: AuditEntry) -> None: ...

    @abstractmethod
    async def list_audit(
        self,
        *,
        community_id: str | None,
        action: str | None = None,
        actor_id: str | None = None,
        target_id: str | None = None,
        before: datetime | None = None,
        before_id: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Newest first, in (at, id) descending order, times to the millisecond;
        `community_id` None means every community. `before` alone keeps entries strictly older
        than that millisecond; with `before_id` it is a keyset cursor: entries after
        (before, before_id) in that order, so entries of one millisecond page without gaps."""

    @abstractmethod
    async def get_community_config(self, community_id: str) -> CommunityConfig | None: ...

    @abstractmethod
    async def put_community_config(self, config: CommunityConfig) -> None: ...
