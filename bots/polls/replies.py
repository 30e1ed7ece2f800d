"""What poll intents answer with beside the polls themselves (`bots/polls/models.py`): small
frozen results the edge turns into wire form (`bots/polls/wire.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bots.polls.models import Ballot, Poll, PollResult


@dataclass(frozen=True, slots=True)
class RoomPoll:
    """A poll as every member of its room sees it: its result (frozen, or the running tally
    while open) and, for a named poll whose results are visible, the display names of those
    who chose each option (option id → names; None otherwise)."""

    poll: Poll
    result: PollResult
    names: Mapping[str, tuple[str, ...]] | None


@dataclass(frozen=True, slots=True)
class MemberPoll:
    """A poll as one member sees it: the room's poll, the ballot stored under the member's
    voter key (theirs, or their household's) and the member's caster key, which tells whether
    they cast that ballot themselves."""

    room: RoomPoll
    ballot: Ballot | None
    caster: str
