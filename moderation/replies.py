"""What moderation intents answer with, beside the records themselves (`moderation/models.py`,
`chat/models.py`): small frozen results the edge turns into wire form (`moderation/wire.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chat.models import AuditEntry, Message, Unit, User
from moderation.learning_models import DetectionModelRecord
from moderation.model.weights import ModelFile
from moderation.models import Flag, Ticket
from moderation.stats import TicketStats


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


@dataclass(frozen=True, slots=True)
class SeenTicket:
    """A ticket as one viewer may see it: `people` the users it names, by id; `staff_viewer`
    whether the viewer handles it (the whole ticket) or not (the reporter's view); `at` the
    moment `overdue` is judged at; `duplicate` the ticket `duplicate_of` names (staff only);
    `contact` the reporter, when the viewer may see their phone and address."""

    ticket: Ticket
    people: Mapping[str, User]
    staff_viewer: bool
    at: datetime
    duplicate: Ticket | None = None
    contact: User | None = None


@dataclass(frozen=True, slots=True)
class TicketPage:
    """One page of a ticket list and how many match in all."""

    tickets: tuple[SeenTicket, ...]
    total: int
    offset: int
    limit: int



@dataclass(frozen=True, slots=True)
class LoadedDetection:
    """What detection runs after a (re)load. Never the lexicon's path: whether it is the
    operator's own file or the packaged one, and its digest."""

    custom_lexicon: bool
    lexicon_sha256: str
    model_version: str

    @property
    def lexicon_source(self) -> str:
        return "custom" if self.custom_lexicon else "packaged"


@dataclass(frozen=True, slots=True)
class DetectionStatus:
    """The model in use (`stored_id` None for the packaged one), the lexicon's digest, how
    many examples the workers' decisions gave, and every stored model, newest first."""

    model: ModelFile
    stored_id: str | None
    lexicon_sha256: str
    examples: int
    models: tuple[DetectionModelRecord, ...]


@dataclass(frozen=True, slots=True)
class Retraining:
    """A retraining's candidate as stored, whether it replaced the model in use, and its
    figures on the frozen sets and the held-back examples."""

    switched: bool
    model: DetectionModelRecord
    figures: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class PublicRequests:
    """Published tickets for Open311, with the units that handle them, by id."""

    tickets: tuple[Ticket, ...]
    units: Mapping[str, Unit]


@dataclass(frozen=True, slots=True)
class StatsReport:
    """Ticket statistics over a span (`created_from` None: since the first ticket), with
    the names of the grids they count."""

    stats: TicketStats
    grid_names: Mapping[str, str]
    created_from: datetime | None
    created_until: datetime | None
