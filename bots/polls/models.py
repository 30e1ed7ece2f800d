"""Poll records. A closed poll keeps its frozen result: that is the decision record (议事记录).

Ballots are keyed by `voter` (the member, or the household when one vote per household) and
remember their `caster` (the member who cast it). In an anonymous poll both are keyed digests
(see bots.polls.keys), so even the stored ballots do not name anyone, and ballots carry no time.

An open poll keeps its running tally (`counts`, `voters`), updated with each ballot in one
atomic write, and `eligible` as counted when it opened; closing recounts both exactly."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from chat.models import Record

PollStatus = Literal["open", "closed"]
ResultsShown = Literal["live", "after_close"]
DEADLINE = "deadline"
"""`closed_by` of a poll closed by its deadline."""


class PollOption(Record):
    id: str
    text: str


class PollResult(Record):
    """The tally frozen when the poll closed."""

    counts: dict[str, int]
    voters: int
    eligible: int
    turnout: float
    quorum_met: bool | None
    winners: tuple[str, ...]


class Poll(Record):
    id: str
    room_id: str
    community_id: str
    author_id: str
    author_name: str
    question: str
    options: tuple[PollOption, ...]
    multiple: bool
    max_choices: int
    anonymous: bool
    per_household: bool
    results: ResultsShown
    allow_change: bool
    quorum_percent: int | None
    deadline: datetime
    created_at: datetime
    status: PollStatus = "open"
    closed_at: datetime | None = None
    closed_by: str | None = None
    closed_by_name: str | None = None
    result: PollResult | None = None
    announced_at: datetime | None = None
    """When the result went out (message, event); a closed poll without it is still owed one."""
    counts: dict[str, int] = Field(default_factory=dict)
    """Option id → ballots choosing it, kept by the store with each ballot."""
    voters: int = 0
    eligible: int = 0
    version: int = 1
    """Bumped by every ballot and by closing: closing is a compare-and-swap on it."""


class Ballot(Record):
    poll_id: str
    voter: str
    caster: str
    option_ids: tuple[str, ...]
