"""The rules of a poll, pure: what a valid poll and a valid choice are, who may change a vote,
how ballots add up, turnout and quorum, and when results may be shown.

Turnout is voters / eligible, where eligible are the keys (members, or households when one vote
per household) that may vote now plus those that already voted and have since left: turnout
never exceeds 100 %. While a poll is open, its record's running tally stands in (live_result);
closing tallies the ballots exactly."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from bots.polls.models import Ballot, Poll, PollResult
from chat.errors import Conflict, Invalid

MAX_DURATION = timedelta(days=90)


def max_choices_for(multiple: bool, max_choices: int | None, option_count: int) -> int:
    """How many options one ballot may pick: 1 for single choice; for multiple choice the given
    maximum (2 … number of options), or every option when none is given."""
    if not multiple:
        if max_choices not in (None, 1):
            raise Invalid("max_choices needs multiple choice / 单选题不能设置多选上限")
        return 1
    if max_choices is None:
        return option_count
    if not 2 <= max_choices <= option_count:
        raise Invalid(f"max_choices must be between 2 and {option_count}"
                      f" / 多选上限须在2到{option_count}之间")
    return max_choices


def check_options(options: Iterable[str]) -> None:
    texts = list(options)
    if len(set(texts)) != len(texts):
        raise Invalid("options must differ / 选项不能重复")


def check_deadline(deadline: datetime, now: datetime) -> None:
    if deadline <= now:
        raise Invalid("the deadline must be in the future / 截止时间须晚于当前时间")
    if deadline - now > MAX_DURATION:
        raise Invalid("the deadline is more than 90 days away / 截止时间不能超过90天")


def check_choice(poll: Poll, option_ids: Collection[str]) -> tuple[str, ...]:
    """The chosen option ids in the poll's order; Invalid for unknown, repeated or too many."""
    known = [o.id for o in poll.options]
    unknown = [i for i in option_ids if i not in known]
    if unknown:
        raise Invalid(f"unknown option {unknown[0]} / 选项不存在", option_id=unknown[0])
    if len(set(option_ids)) != len(option_ids):
        raise Invalid("an option is chosen twice / 选项重复")
    if len(option_ids) > poll.max_choices:
        raise Invalid(f"choose at most {poll.max_choices} / 最多选择{poll.max_choices}项",
                      max_choices=poll.max_choices)
    return tuple(i for i in known if i in option_ids)


def check_change(poll: Poll, existing: Ballot, caster: str) -> None:
    """Whether the caster may replace the ballot already stored under their voter key."""
    if existing.caster != caster:
        raise Conflict("your household has already voted / 本户已投票")
    if not poll.allow_change:
        raise Conflict("you have already voted; this poll allows no changes"
                       " / 你已投票，本表决不允许改票")


def is_open(poll: Poll, now: datetime) -> bool:
    return poll.status == "open" and poll.deadline > now


def results_visible(poll: Poll) -> bool:
    return poll.results == "live" or poll.status == "closed"


def tally(poll: Poll, ballots: Iterable[Ballot], eligible: Iterable[str]) -> PollResult:
    counts = {o.id: 0 for o in poll.options}
    voters: set[str] = set()
    for ballot in ballots:
        voters.add(ballot.voter)
        for option_id in ballot.option_ids:
            if option_id in counts:
                counts[option_id] += 1
    return _result(poll, counts, len(voters), len(voters | set(eligible)))


def live_result(poll: Poll) -> PollResult:
    """The running tally kept on the poll record. The electorate is the one counted at opening,
    grown to the number of voters if more have voted (members who joined since)."""
    counts = {o.id: poll.counts.get(o.id, 0) for o in poll.options}
    return _result(poll, counts, poll.voters, max(poll.eligible, poll.voters))


def count_change(ballot: Ballot, previous: Ballot | None) -> dict[str, int]:
    """How a ballot replacing `previous` moves each option's count."""
    change = dict.fromkeys(ballot.option_ids, 1)
    for option_id in previous.option_ids if previous is not None else ():
        change[option_id] = change.get(option_id, 0) - 1
    return change


def _result(poll: Poll, counts: dict[str, int], voters: int, electorate: int) -> PollResult:
    turnout = round(voters / electorate, 4) if electorate else 0.0
    quorum_met = None if poll.quorum_percent is None else \
        voters * 100 >= poll.quorum_percent * electorate and electorate > 0
    top = max(counts.values(), default=0)
    winners = tuple(i for i, n in counts.items() if n == top) if top else ()
    return PollResult(counts=counts, voters=voters, eligible=electorate, turnout=turnout,
                      quorum_met=quorum_met, winners=winners)


def is_valid(result: PollResult) -> bool:
    """A result counts when someone voted and the quorum (if any) was met."""
    return result.voters > 0 and result.quorum_met is not False
