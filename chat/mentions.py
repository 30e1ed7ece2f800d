"""Resolving "@name" without reading the room: a per-process index of each room's labels
(display name, and the real name of staff) → member ids.

An index is built once from the room's members and kept with the community's membership
version (`Store.membership_version`, bumped by the store on every write to one of the
community's users, whichever process makes it). A message reads that version — one small
read — and uses the index while it matches, so resolving costs O(mentions) instead of loading
and naming every member. One build per room runs at a time; senders waiting for it share it.
As a bound on anything that might change members without the store seeing it, an index is
also rebuilt once it is `max_age` seconds old."""

from __future__ import annotations

import asyncio
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass

from chat.models import User
from chat.names import display_name

Labels = Mapping[str, tuple[str, ...]]
MENTION = re.compile(r"@([^\s@，,。:：]{1,30})")
MENTION_ALL = "所有人"
MAX_AGE_SECONDS = 300.0
MAX_ROOMS = 4096


def names_in(text: str) -> set[str]:
    """Everything written as "@name" (including @所有人)."""
    return set(MENTION.findall(text))


def labels_of(members: Iterable[User]) -> dict[str, tuple[str, ...]]:
    """Every name a member can be mentioned by: what the room sees, and staff's real name."""
    found: dict[str, list[str]] = {}
    for member in members:
        for label in {member.name if member.is_staff else "", display_name(member)} - {""}:
            found.setdefault(label, []).append(member.id)
    return {label: tuple(ids) for label, ids in found.items()}


def resolve(labels: Labels, names: Iterable[str]) -> tuple[str, ...]:
    """The members named, in the names' order; a name two members share mentions nobody."""
    found = [ids[0] for name in sorted(names) if len(ids := labels.get(name, ())) == 1]
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class _Entry:
    version: int
    built_at: float
    labels: Labels


class MentionIndex:
    def __init__(self, max_age: float = MAX_AGE_SECONDS, max_rooms: int = MAX_ROOMS,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._max_age = max_age
        self._max_rooms = max_rooms
        self._now = monotonic
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._builds: dict[tuple[str, int], asyncio.Task[_Entry]] = {}
        self.builds = 0  # how many times members were read (tests and benchmarks look)

    async def labels(self, room_id: str, version: int,
                     members: Callable[[], Awaitable[list[User]]]) -> Labels:
        """The room's labels at `version`, which the caller read before calling."""
        entry = self._entries.get(room_id)
        if entry is not None and entry.version == version \
                and self._now() - entry.built_at < self._max_age:
            self._entries.move_to_end(room_id)
            return entry.labels
        key = (room_id, version)
        task = self._builds.get(key)
        if task is None:
            task = asyncio.create_task(self._build(room_id, version, members))
            self._builds[key] = task
            task.add_done_callback(lambda _: self._builds.pop(key, None))
        return (await asyncio.shield(task)).labels

    async def _build(self, room_id: str, version: int,
                     members: Callable[[], Awaitable[list[User]]]) -> _Entry:
        self.builds += 1
        entry = _Entry(version, self._now(), labels_of(await members()))
        current = self._entries.get(room_id)
        if current is None or current.version <= version:
            self._entries[room_id] = entry
            self._entries.move_to_end(room_id)
            while len(self._entries) > self._max_rooms:
                self._entries.popitem(last=False)
        return entry
