"""The pure rules of polls: settings, choices, vote changes, tallies, turnout, quorum and
when results show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bots.polls.models import Ballot, Poll, PollOption
from bots.polls.tally import (
    check_change,
    check_choice,
    check_deadline,
    check_options,
    count_change,
    is_open,
    is_valid,
    live_result,
    max_choices_for,
    results_visible,
    tally,
)
from chat.errors import Conflict, Invalid

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def poll(**fields: Any) -> Poll:
    values: dict[str, Any] = {
        "id": "p1", "room_id": "grid:g1", "community_id": "c1", "author_id": "w1",
        "author_name": "李娜", "question": "装不装充电桩？",
        "options": (PollOption(id="o1", text="装"), PollOption(id="o2", text="不装"),
                    PollOption(id="o3", text="再议")),
        "multiple": False, "max_choices": 1, "anonymous": False, "per_household": False,
        "results": "live", "allow_change": True, "quorum_percent": None,
        "deadline": NOW + timedelta(hours=2), "created_at": NOW}
    return Poll(**(values | fields))


def ballot(voter: str, *options: str, caster: str | None = None) -> Ballot:
    return Ballot(poll_id="p1", voter=voter, caster=caster or voter, option_ids=options)


def test_max_choices() -> None:
    assert max_choices_for(False, None, 3) == 1
    assert max_choices_for(False, 1, 3) == 1
    assert max_choices_for(True, None, 3) == 3
    assert max_choices_for(True, 2, 3) == 2
    for multiple, maximum in ((False, 2), (True, 1), (True, 4)):
        with pytest.raises(Invalid):
            max_choices_for(multiple, maximum, 3)


def test_options_and_deadline() -> None:
    check_options(["装", "不装"])
    with pytest.raises(Invalid):
        check_options(["装", "装"])
    check_deadline(NOW + timedelta(minutes=1), NOW)
    for deadline in (NOW, NOW - timedelta(seconds=1), NOW + timedelta(days=91)):
        with pytest.raises(Invalid):
            check_deadline(deadline, NOW)


def test_choices_are_known_distinct_and_within_the_maximum() -> None:
    single, multiple = poll(), poll(multiple=True, max_choices=2)
    assert check_choice(single, ["o2"]) == ("o2",)
    assert check_choice(multiple, ["o3", "o1"]) == ("o1", "o3")
    with pytest.raises(Invalid) as unknown:
        check_choice(single, ["o9"])
    assert unknown.value.extra == {"option_id": "o9"}
    with pytest.raises(Invalid):
        check_choice(single, ["o1", "o2"])
    with pytest.raises(Invalid):
        check_choice(multiple, ["o1", "o2", "o3"])
    with pytest.raises(Invalid):
        check_choice(multiple, ["o1", "o1"])


def test_changes() -> None:
    check_change(poll(), ballot("u1", "o1"), "u1")
    with pytest.raises(Conflict, match="本户已投票"):
        check_change(poll(per_household=True), ballot("h1", "o1", caster="u1"), "u2")
    with pytest.raises(Conflict, match="不允许改票"):
        check_change(poll(allow_change=False), ballot("u1", "o1"), "u1")


def test_open_and_visibility() -> None:
    assert is_open(poll(), NOW)
    assert not is_open(poll(), NOW + timedelta(hours=2))
    assert not is_open(poll(status="closed"), NOW)
    assert results_visible(poll())
    assert not results_visible(poll(results="after_close"))
    assert results_visible(poll(results="after_close", status="closed"))


def test_tally_counts_turnout_and_winners() -> None:
    p = poll(multiple=True, max_choices=2)
    result = tally(p, [ballot("u1", "o1", "o2"), ballot("u2", "o1"), ballot("u3", "o2")],
                   {"u1", "u2", "u3", "u4", "u5", "u6"})
    assert result.counts == {"o1": 2, "o2": 2, "o3": 0}
    assert (result.voters, result.eligible, result.turnout) == (3, 6, 0.5)
    assert result.winners == ("o1", "o2") and result.quorum_met is None
    assert is_valid(result)


def test_voters_who_left_still_count_in_the_electorate() -> None:
    result = tally(poll(), [ballot("gone", "o1"), ballot("u1", "o2")], {"u1", "u2"})
    assert (result.voters, result.eligible, result.turnout) == (2, 3, 0.6667)


def test_quorum() -> None:
    p = poll(quorum_percent=50)
    met = tally(p, [ballot("u1", "o1"), ballot("u2", "o1")], {"u1", "u2", "u3", "u4"})
    missed = tally(p, [ballot("u1", "o1")], {"u1", "u2", "u3", "u4"})
    assert met.quorum_met is True and is_valid(met)
    assert missed.quorum_met is False and not is_valid(missed)
    assert missed.winners == ("o1",)


def test_nobody_voted() -> None:
    result = tally(poll(), [], set())
    assert (result.voters, result.eligible, result.turnout, result.winners) == (0, 0, 0.0, ())
    assert tally(poll(quorum_percent=10), [], set()).quorum_met is False
    assert not is_valid(result)


def test_a_ballot_moves_the_running_tally() -> None:
    # The store applies these changes (tests/store/test_store_polls.py); here, what they are
    # and what the running tally then shows.
    p = poll(multiple=True, max_choices=2, counts={"o1": 0, "o2": 0, "o3": 0}, eligible=4)
    first = ballot("u1", "o1", "o2")
    assert count_change(first, None) == {"o1": 1, "o2": 1}
    changed = ballot("u1", "o2", "o3")
    assert count_change(changed, first) == {"o1": -1, "o2": 0, "o3": 1}
    p = p.model_copy(update={"counts": {"o1": 0, "o2": 1, "o3": 1}, "voters": 1})
    live = live_result(p)
    assert (live.counts, live.voters, live.eligible, live.turnout) == \
        ({"o1": 0, "o2": 1, "o3": 1}, 1, 4, 0.25)
    assert live == tally(p, [changed], {"u1", "u2", "u3", "u4"})


def test_the_live_electorate_grows_with_voters_who_joined_later() -> None:
    live = live_result(poll(counts={"o1": 3}, voters=3, eligible=2, quorum_percent=50))
    assert (live.voters, live.eligible, live.turnout, live.quorum_met) == (3, 3, 1.0, True)
    assert live.counts == {"o1": 3, "o2": 0, "o3": 0}
