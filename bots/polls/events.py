"""Domain events of polls, for bots and webhooks (see chat.events)."""

from __future__ import annotations

from dataclasses import dataclass

from bots.polls.models import Poll


@dataclass(frozen=True)
class PollClosed:
    """A poll closed (by its author, a worker or its deadline): the closed poll, with its
    frozen result. Whoever publishes it further shows the decision record
    (`bots.polls.wire.decision_view`), never who voted for what."""

    poll: Poll
