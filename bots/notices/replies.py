"""What notice intents answer with beside the notices themselves (`bots/notices/models.py`):
small frozen results the edge turns into wire form (`bots/notices/wire.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from bots.notices.households import Household
from bots.notices.models import Notice, NoticeAck
from chat.models import User


@dataclass(frozen=True, slots=True)
class ReadNotice:
    """A notice as one reader sees it: their own acknowledgement, if any, and whether anyone
    of their household acknowledged (both unset for notices that ask for none)."""

    notice: Notice
    own_ack: NoticeAck | None
    household_acknowledged: bool


@dataclass(frozen=True, slots=True)
class NoticeDetail:
    """One notice as its reader sees it, and whether they may manage it (unpin, remind, see
    who acknowledged)."""

    read: ReadNotice
    can_manage: bool


@dataclass(frozen=True, slots=True)
class AckStatus:
    """Who acknowledged a notice, by household, as `viewer` (its author or the room's staff)
    may see them."""

    notice: Notice
    households: tuple[Household, ...]
    viewer: User


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder sent to every member of the households that had not acknowledged:
    `households` the whole audience as it stood."""

    notice: Notice
    reminded_members: int
    reminded_households: int
    households: tuple[Household, ...]
