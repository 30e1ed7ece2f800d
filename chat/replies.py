"""What chat actions answer with, beside the records themselves (`chat/models.py`): small
frozen results the edge turns into wire form (`chat/wire.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chat.models import Message, Room, User


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """Messages of a room before a seq, oldest first; `has_more` while older ones exist."""

    room_id: str
    messages: tuple[Message, ...]
    has_more: bool


@dataclass(frozen=True, slots=True)
class RoomCatchUp:
    """One room of a sync: what came after the client's cursor (`has_more` when a page did
    not hold it all) and older messages edited or deleted since the client's last sync."""

    messages: tuple[Message, ...]
    has_more: bool
    changed: tuple[Message, ...]


@dataclass(frozen=True, slots=True)
class SyncReply:
    """Every room the client asked about: caught up, or the error code that room gave."""

    server_time_ms: int
    rooms: Mapping[str, RoomCatchUp]
    errors: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ReadMarker:
    room_id: str
    read_seq: int
    unread: int


@dataclass(frozen=True, slots=True)
class RoomSummary:
    """A room of the room list: its counters for the user and its newest message (the
    preview line)."""

    room: Room
    last_seq: int
    read_seq: int
    unread: int
    unread_mentions: int
    can_moderate: bool
    last_message: Message | None


@dataclass(frozen=True, slots=True)
class Member:
    user: User
    online: bool
