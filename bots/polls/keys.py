"""Who counts as whom in a poll: the voter key (member or household) a ballot is stored under
and the caster key of the member who cast it. In an anonymous poll both are keyed digests,
salted with the poll id, so stored ballots name no one and cannot be linked across polls."""

from __future__ import annotations

from collections.abc import Iterable

from bots.polls.models import Poll
from chat.auth import Secrets
from chat.errors import Forbidden
from chat.models import RESIDENT_ROLES, User
from chat.permissions import is_active


def may_vote(user: User) -> bool:
    """Verified residents and enterprises vote; staff create and close."""
    return is_active(user) and user.role in RESIDENT_ROLES


def _key(secrets: Secrets, poll: Poll, kind: str, value: str) -> str:
    return secrets.digest(f"poll:{poll.id}", f"{kind}:{value}") if poll.anonymous else value


def caster_key(secrets: Secrets, poll: Poll, user: User) -> str:
    return _key(secrets, poll, "user", user.id)


def voter_key(secrets: Secrets, poll: Poll, user: User) -> str | None:
    """None for a member without a household on record in a per-household poll."""
    if not poll.per_household:
        return _key(secrets, poll, "user", user.id)
    household = user.household
    return None if household is None else _key(secrets, poll, "household", household)


def require_voter_key(secrets: Secrets, poll: Poll, user: User) -> str:
    key = voter_key(secrets, poll, user)
    if key is None:
        raise Forbidden("no household on record; this poll counts one vote per household"
                        " / 未登记住户信息，本表决按户投票")
    return key


def electorate(poll: Poll, members: Iterable[User]) -> int:
    """How many voter keys these members make up; counted in the clear, since keying an
    anonymous poll's keys maps distinct members and households to distinct digests."""
    keys = {m.household if poll.per_household else m.id for m in members if may_vote(m)}
    return len(keys - {None})
