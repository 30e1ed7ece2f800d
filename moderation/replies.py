"""What moderation intents answer with, beside the records themselves (`moderation/models.py`,
`chat/models.py`): small frozen results the edge turns into wire form (`moderation/wire.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from chat.models import AuditEntry, Message, User
from moderation.models import Flag


@dataclass(frozen=True, slots=True)
class Removal:
    """A member removed from (or restored to) a room."""

    room_id: str
    user_id: str
    removed: bool


@dataclass(frozen=True, slots=True)
class FlaggedMessage:
    """A report and the message it is about (None once the message is gone from the store)."""

    flag: Flag
    message: Message | None


@dataclass(frozen=True, slots=True)
class BlockedWords:
    """A community's own blocked words beside the ones every community has."""

    community_id: str
    words: tuple[str, ...]
    global_words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AuditCursor:
    before: datetime
    before_id: str


@dataclass(frozen=True, slots=True)
class AuditPage:
    """A page of the audit log, newest first; `actors` by id (the system has none), `next` the
    cursor of the following page, None once a page comes back short."""

    entries: tuple[AuditEntry, ...]
    actors: Mapping[str, User]
    next: AuditCursor | None
