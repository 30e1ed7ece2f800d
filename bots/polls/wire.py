"""How polls look on the wire and in the room.

The room view (`RoomPoll`, sent in `poll:new` and `poll:updated`) is the same for every
member: counts only when results are visible, and names per option only in a named poll. A
member's own view (`MemberPoll`) adds whether their vote key has voted and, if they cast it,
their own choice. The decision record and the result message carry counts, never names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bots.polls.models import DEADLINE, Poll, PollResult
from bots.polls.replies import MemberPoll, RoomPoll
from bots.polls.tally import is_valid, results_visible
from chat.clock import iso, local_text

POLLS_BOT_ID = "bot:polls"
POLLS_BOT_NAME = "议事表决"
DEADLINE_NAME = "截止时间到"


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


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


def new_poll_text(poll: Poll) -> str:
    kind = f"多选，最多{poll.max_choices}项" if poll.multiple else "单选"
    scope = "每户一票" if poll.per_household else "每人一票"
    secrecy = "匿名" if poll.anonymous else "实名"
    lines = [f"【议事表决】{poll.author_name}发起：{poll.question}",
             *(f"{n}. {o.text}" for n, o in enumerate(poll.options, 1)),
             f"（{kind}，{scope}，{secrecy}，截止 {local_text(poll.deadline)}）"]
    return "\n".join(lines)


def result_text(poll: Poll) -> str:
    result = poll.result
    if result is None:
        raise ValueError(f"poll {poll.id} is not closed")
    unit = "户" if poll.per_household else "人"
    lines = [f"【议事表决】已结束：{poll.question}"]
    for o in poll.options:
        votes = result.counts[o.id]
        lines.append(f"· {o.text}：{votes}票（{_percent(votes, result.voters)}）")
    lines.append(f"参与：{result.voters}/{result.eligible}{unit}"
                 f"（{_percent(result.voters, result.eligible)}）")
    if poll.quorum_percent is not None:
        met = "已达到" if result.quorum_met else "未达到"
        lines.append(f"法定参与率{poll.quorum_percent}%：{met}")
    lines.append(_outcome(poll, result))
    return "\n".join(lines)


def _outcome(poll: Poll, result: PollResult) -> str:
    if result.voters == 0:
        return "无人投票，结果无效"
    if not is_valid(result):
        return "未达到法定参与率，结果无效"
    texts = [o.text for o in poll.options if o.id in result.winners]
    return "结果：" + "、".join(texts) + ("（并列）" if len(texts) > 1 else "")
