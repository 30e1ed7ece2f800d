"""How polls look on the wire (what the 议事表决 bot writes in the room: `bots.polls.texts`).

The room view (`RoomPoll`, sent in `poll:new` and `poll:updated`) is the same for every
member: counts only when results are visible, and names per option only in a named poll. A
member's own view (`MemberPoll`) adds whether their vote key has voted and, if they cast it,
their own choice. The decision record carries counts, never names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bots.polls.models import DEADLINE, Poll, PollResult
from bots.polls.replies import MemberPoll, RoomPoll
from bots.polls.tally import is_valid, results_visible
from chat.clock import iso

DEADLINE_NAME = "截止时间到"


def _closed_by(poll: Poll) -> dict[str, str] | None:
    if poll.closed_by is None:
        return None
    name = DEADLINE_NAME if poll.closed_by == DEADLINE else poll.closed_by_name or ""
    return {"id": poll.closed_by, "name": name}


def _options(poll: Poll, result: PollResult,
             names: Mapping[str, Sequence[str]] | None) -> list[dict[str, Any]]:
    if not results_visible(poll):
        return [{"id": o.id, "text": o.text} for o in poll.options]
    options = []
    for o in poll.options:
        option: dict[str, Any] = {"id": o.id, "text": o.text, "votes": result.counts[o.id]}
        if names is not None and not poll.anonymous:
            option["voters"] = list(names.get(o.id, ()))
        options.append(option)
    return options


def poll_view(room: RoomPoll) -> dict[str, Any]:
    """The room's view; names per option only for named polls."""
    poll, result = room.poll, room.result
    visible = results_visible(poll)
    return {
        "id": poll.id, "room_id": poll.room_id, "community_id": poll.community_id,
        "question": poll.question, "options": _options(poll, result, room.names),
        "multiple": poll.multiple, "max_choices": poll.max_choices,
        "anonymous": poll.anonymous, "per_household": poll.per_household,
        "results": poll.results, "allow_change": poll.allow_change,
        "quorum_percent": poll.quorum_percent, "deadline": iso(poll.deadline),
        "created_at": iso(poll.created_at),
        "author": {"id": poll.author_id, "name": poll.author_name},
        "status": poll.status, "closed_at": iso(poll.closed_at) if poll.closed_at else None,
        "closed_by": _closed_by(poll), "results_visible": visible,
        "voters": result.voters, "eligible": result.eligible, "turnout": result.turnout,
        "quorum_met": result.quorum_met,
        "winners": list(result.winners) if visible else [],
        "valid": is_valid(result) if poll.status == "closed" else None,
    }


def own_view(member: MemberPoll) -> dict[str, Any]:
    """The room view plus the member's own vote (their choice only if they cast it)."""
    ballot = member.ballot
    mine = ballot is not None and ballot.caster == member.caster
    return poll_view(member.room) | {
        "voted": ballot is not None,
        "my_choice": list(ballot.option_ids) if ballot is not None and mine else None}


def decision_view(poll: Poll) -> dict[str, Any]:
    """议事记录: a closed poll's frozen result."""
    result = poll.result
    if result is None or poll.closed_at is None:
        raise ValueError(f"poll {poll.id} is not closed")
    return {
        "poll_id": poll.id, "room_id": poll.room_id, "community_id": poll.community_id,
        "question": poll.question,
        "options": [{"id": o.id, "text": o.text, "votes": result.counts[o.id]}
                    for o in poll.options],
        "multiple": poll.multiple, "anonymous": poll.anonymous,
        "per_household": poll.per_household, "voters": result.voters,
        "eligible": result.eligible, "turnout": result.turnout,
        "quorum_percent": poll.quorum_percent, "quorum_met": result.quorum_met,
        "valid": is_valid(result), "winners": list(result.winners),
        "author": {"id": poll.author_id, "name": poll.author_name},
        "created_at": iso(poll.created_at), "deadline": iso(poll.deadline),
        "closed_by": _closed_by(poll), "closed_at": iso(poll.closed_at),
    }
