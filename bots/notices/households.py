"""Who a notice asks for acknowledgement, grouped by household (户). Pure.

The audience is the room's residents and enterprises, except the author. A household counts as
acknowledged as soon as any of its members acknowledged: a notice such as 停水通知 needs one
person per household to know. Reminders therefore go to every member of the households that
have not. A member without a household (no room number) is a household of their own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bots.notices.models import NoticeAck
from chat.models import RESIDENT_ROLES, User


@dataclass(frozen=True)
class Household:
    key: str
    members: tuple[User, ...]
    acks: Mapping[str, NoticeAck]
    """user id → that member's acknowledgement."""

    @property
    def acknowledged(self) -> bool:
        return bool(self.acks)


def household_key(user: User) -> str:
    return user.household or f"user:{user.id}"


def in_audience(user: User, author_id: str) -> bool:
    return user.role in RESIDENT_ROLES and user.id != author_id


def audience(members: Iterable[User], author_id: str) -> list[User]:
    return [u for u in members if in_audience(u, author_id)]


def households(members: Iterable[User], acks: Iterable[NoticeAck]) -> list[Household]:
    by_user = {a.user_id: a for a in acks}
    groups: dict[str, list[User]] = {}
    for user in members:
        groups.setdefault(household_key(user), []).append(user)
    return [Household(key, tuple(users),
                      {u.id: by_user[u.id] for u in users if u.id in by_user})
            for key, users in groups.items()]


def pending_members(groups: Sequence[Household]) -> list[User]:
    return [u for h in groups if not h.acknowledged for u in h.members]


def summary(groups: Sequence[Household]) -> dict[str, Any]:
    return {
        "households": len(groups),
        "acknowledged_households": sum(h.acknowledged for h in groups),
        "members": sum(len(h.members) for h in groups),
        "acknowledged_members": sum(len(h.acks) for h in groups),
    }
