"""Domain records. Stores persist them; actions create and change them; the edge serialises them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

UnitKind = Literal["district", "street", "community", "grid"]
RoomKind = Literal["grid", "community", "workers"]
Role = Literal["resident", "enterprise", "worker", "admin", "street_officer", "district_officer",
               "bot"]
UserStatus = Literal["pending", "verified", "rejected", "removed"]
MessageKind = Literal["text", "bot", "system"]

PARENT_KIND: dict[UnitKind, UnitKind | None] = {
    "district": None,
    "street": "district",
    "community": "street",
    "grid": "community",
}
RESIDENT_ROLES: frozenset[Role] = frozenset({"resident", "enterprise"})
STAFF_ROLES: frozenset[Role] = frozenset({"worker", "admin"})
OFFICER_ROLES: frozenset[Role] = frozenset({"street_officer", "district_officer"})


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Unit(Record):
    """One node of the district → street → community → grid hierarchy."""

    id: str
    kind: UnitKind
    name: str
    parent_id: str | None
    created_at: datetime


class Room(Record):
    id: str
    kind: RoomKind
    name: str
    community_id: str
    grid_id: str | None = None
    created_at: datetime


class Address(Record):
    building: str = ""
    unit: str = ""
    room: str = ""


class User(Record):
    id: str
    phone: str
    name: str
    role: Role
    status: UserStatus
    password_hash: str
    created_at: datetime
    address: Address = Address()
    community_id: str | None = None
    grid_ids: tuple[str, ...] = ()
    unit_id: str | None = None
    party_member: bool = False
    id_card_digest: str | None = None
    verified_by: str | None = None
    verified_at: datetime | None = None
    removed_from: tuple[str, ...] = Field(default=(), description="rooms a moderator removed "
                                          "the user from")
    bot_rooms: tuple[str, ...] = Field(default=(), description="a bot account's rooms: the only "
                                       "rooms it may post in")

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def room_facts(self) -> tuple[object, ...]:
        """What decides the rooms the user is in and how they are named there
        (`chat.permissions.can_join`, `chat.names.display_name`): the stores bump the
        community's membership version when any of it changes, and only then."""
        return (self.status, self.role, self.community_id, self.grid_ids, self.removed_from,
                self.bot_rooms, self.name, self.address)

    @property
    def household(self) -> str | None:
        """Residents sharing grid + building + unit + room form one household (户)."""
        if self.role not in RESIDENT_ROLES or not self.grid_ids or not self.address.room:
            return None
        a = self.address
        return f"{self.grid_ids[0]}/{a.building}/{a.unit}/{a.room}"


class Session(Record):
    id: str
    user_id: str
    token_digest: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None


class JoinCode(Record):
    code: str
    grid_id: str
    created_by: str
    created_at: datetime
    revoked_at: datetime | None = None


class NewMessage(Record):
    """What an action hands the store; the store assigns `seq` atomically."""

    id: str
    room_id: str
    sender_id: str
    sender_name: str
    sender_role: Role | Literal["bot"]
    client_id: str
    text: str
    kind: MessageKind = "text"
    reply_to: str | None = None
    mentions: tuple[str, ...] = ()
    mention_all: bool = False
    ticket_id: str | None = None  # a ticket shared into the room (我也遇到 under it)
    created_at: datetime


class Message(NewMessage):
    seq: int
    updated_at: datetime
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    deleted_by: str | None = None
    delete_reason: str | None = None
    edits: tuple[Edit, ...] = Field(default=())


class Edit(Record):
    text: str
    at: datetime


class Mute(Record):
    room_id: str
    user_id: str
    until: datetime
    by: str
    reason: str = ""
    created_at: datetime


Message.model_rebuild()


class AuditEntry(Record):
    """One line of the audit log, written by every part (chat.audit.record)."""

    id: str
    community_id: str | None
    actor_id: str
    action: str
    target_type: Literal["message", "user", "room", "ticket", "flag", "community", "lexicon",
                         "bot", "webhook", "directory", "detection"]
    target_id: str
    reason: str = ""
    details: dict[str, Any] = Field(default_factory=dict)
    at: datetime


class CommunityConfig(Record):
    community_id: str
    blocked_words: tuple[str, ...] = ()
    updated_by: str | None = None
    updated_at: datetime | None = None
