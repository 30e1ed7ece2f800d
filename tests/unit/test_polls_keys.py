"""Voter and caster keys: members or households, in the clear for named polls and as keyed
digests (unlinkable across polls) for anonymous ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bots.polls.keys import caster_key, electorate, may_vote, require_voter_key, voter_key
from bots.polls.models import Poll, PollOption
from chat.auth import Secrets
from chat.errors import Forbidden
from chat.models import Address, User

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
SECRETS = Secrets(b"test-secret")


def user(user_id: str, role: Any = "resident", room: str = "701", **fields: Any) -> User:
    values: dict[str, Any] = {
        "id": user_id, "phone": "13900000001", "name": "张伟", "role": role,
        "status": "verified", "password_hash": "x", "created_at": NOW, "community_id": "c1",
        "grid_ids": ("g1",), "address": Address(building="3", unit="2", room=room)}
    return User(**(values | fields))


def poll(poll_id: str = "p1", **fields: Any) -> Poll:
    values: dict[str, Any] = {
        "id": poll_id, "room_id": "grid:g1", "community_id": "c1", "author_id": "w1",
        "author_name": "李娜", "question": "装不装？",
        "options": (PollOption(id="o1", text="装"), PollOption(id="o2", text="不装")),
        "multiple": False, "max_choices": 1, "anonymous": False, "per_household": False,
        "results": "live", "allow_change": True, "quorum_percent": None,
        "deadline": NOW + timedelta(hours=1), "created_at": NOW}
    return Poll(**(values | fields))


def test_who_votes() -> None:
    assert may_vote(user("u1")) and may_vote(user("e1", role="enterprise"))
    assert not may_vote(user("w1", role="worker"))
    assert not may_vote(user("u2", status="pending"))


def test_named_keys_are_the_member_or_household() -> None:
    zhang, liu = user("u1"), user("u2")
    assert voter_key(SECRETS, poll(), zhang) == caster_key(SECRETS, poll(), zhang) == "u1"
    household = poll(per_household=True)
    assert voter_key(SECRETS, household, zhang) == voter_key(SECRETS, household, liu) == \
        "g1/3/2/701"
    assert caster_key(SECRETS, household, liu) == "u2"


def test_anonymous_keys_name_no_one_and_differ_per_poll() -> None:
    zhang, liu = user("u1"), user("u2")
    first, second = poll("p1", anonymous=True), poll("p2", anonymous=True)
    key = voter_key(SECRETS, first, zhang)
    assert key is not None and "u1" not in key and len(key) == 64
    assert key == caster_key(SECRETS, first, zhang)
    assert key != voter_key(SECRETS, second, zhang)
    household = poll("p3", anonymous=True, per_household=True)
    shared = voter_key(SECRETS, household, zhang)
    assert shared == voter_key(SECRETS, household, liu) and shared is not None
    assert "701" not in shared and shared != caster_key(SECRETS, household, zhang)


def test_household_needed_for_household_polls() -> None:
    homeless = user("u3", room="")
    assert voter_key(SECRETS, poll(per_household=True), homeless) is None
    with pytest.raises(Forbidden):
        require_voter_key(SECRETS, poll(per_household=True), homeless)
    assert require_voter_key(SECRETS, poll(), homeless) == "u3"


def test_the_electorate_counts_members_or_households_who_may_vote() -> None:
    members = [user("u1"), user("u2"), user("u3", room="801"), user("u4", room=""),
               user("w1", role="worker")]
    for anonymous in (False, True):
        assert electorate(poll(anonymous=anonymous), members) == 4
        household = poll(anonymous=anonymous, per_household=True)
        assert electorate(household, members) == 2  # 701 and 801; u4 has none on record
        assert electorate(household, members) == \
            len({voter_key(SECRETS, household, m) for m in members if may_vote(m)} - {None})
