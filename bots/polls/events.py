"""Domain events of polls, for bots and webhooks (see chat.events)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PollClosed:
    """A poll closed (by its author, a worker or its deadline); `result` is the public result
    view as posted into the room — never who voted for what."""

    poll_id: str
    room_id: str
    community_id: str
    result: dict[str, Any]
