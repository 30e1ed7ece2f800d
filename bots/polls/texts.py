"""What the 议事表决 bot writes into the room: a new poll and, once it closes, its result —
counts and turnout, never names."""

from __future__ import annotations

from bots.polls.models import Poll, PollResult
from bots.polls.tally import is_valid
from chat.clock import local_text

POLLS_BOT_ID = "bot:polls"
POLLS_BOT_NAME = "议事表决"


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


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
