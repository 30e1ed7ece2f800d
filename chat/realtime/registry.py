"""Which sockets belong to which user and session, across processes. Presence is derived
from it: a user is online while at least one of their sockets is connected anywhere."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from chat.errors import TEMPORARILY_UNAVAILABLE, Unavailable
from chat.ids import new_id
from chat.realtime.redis_names import RedisNames
from chat.tasks import cancel

T = TypeVar("T")


async def _done(result: Awaitable[T] | T) -> T:
    """redis-py types hash commands for its sync and async clients at once; ours awaits."""
    return await result if isinstance(result, Awaitable) else result


class SocketRegistry(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def add(self, sid: str, user_id: str, session_id: str) -> bool:
        """Register a socket; True when it is the user's first (the user came online)."""

    async def remove(self, sid: str, user_id: str) -> bool:
        """Forget a socket; True when it was the user's last (the user went offline)."""

    async def sids(self, user_id: str, session_ids: set[str] | None = None) -> list[str]: ...
    async def online(self, user_ids: list[str]) -> set[str]: ...


class MemoryRegistry:
    def __init__(self) -> None:
        self._by_user: dict[str, dict[str, str]] = defaultdict(dict)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        self._by_user.clear()

    async def add(self, sid: str, user_id: str, session_id: str) -> bool:
        sockets = self._by_user[user_id]
        sockets[sid] = session_id
        return len(sockets) == 1

    async def remove(self, sid: str, user_id: str) -> bool:
        sockets = self._by_user.get(user_id)
        if sockets is None or sockets.pop(sid, None) is None:
            return False
        if not sockets:
            del self._by_user[user_id]
            return True
        return False

    async def sids(self, user_id: str, session_ids: set[str] | None = None) -> list[str]:
        sockets = self._by_user.get(user_id, {})
        return [s for s, sess in sockets.items() if session_ids is None or sess in session_ids]

    async def online(self, user_ids: list[str]) -> set[str]:
        return {u for u in user_ids if u in self._by_user}


class RedisRegistry:
    """Hash `sockets:<user>` maps sid → "<process>|<session>". Each process keeps a
    heartbeat key alive; entries of a process whose heartbeat expired are ignored and pruned,
    so a crashed process does not leave its users online forever. A Redis restarted empty
    gets this process's entries again from `restore`. The heartbeat's value is what
    `describe` says about the process (JSON: its sockets, event-loop lag…), for operators'
    status page (`processes`)."""

    def __init__(self, redis: Redis, names: RedisNames | None = None, ttl: int = 30) -> None:
        """`names`: the deployment's (None: no namespace)."""
        self._redis = redis
        self._prefix = (names or RedisNames()).registry_prefix
        self._ttl = ttl
        self.process_id = new_id("p")
        self._task: asyncio.Task[None] | None = None
        self._local: dict[str, tuple[str, str]] = {}  # sid → (user, session)
        self.describe: Callable[[], dict[str, Any]] = dict

    def _user_key(self, user_id: str) -> str:
        return f"{self._prefix}sockets:{user_id}"

    def _proc_key(self, process_id: str) -> str:
        return f"{self._prefix}proc:{process_id}"

    async def start(self) -> None:
        await self._beat()
        self._task = asyncio.create_task(self._heartbeat())

    async def stop(self) -> None:
        await cancel(self._task)
        with contextlib.suppress(RedisError):
            for sid, (user_id, _) in list(self._local.items()):
                await _done(self._redis.hdel(self._user_key(user_id), sid))
            await self._redis.delete(self._proc_key(self.process_id))

    async def _beat(self) -> None:
        await self._redis.set(self._proc_key(self.process_id),
                              json.dumps(self.describe(), ensure_ascii=False), ex=self._ttl)

    async def processes(self) -> dict[str, dict[str, Any]]:
        """Every live process → what its last heartbeat said about it."""
        keys = [k async for k in self._redis.scan_iter(match=self._proc_key("*"), count=100)]
        values = await self._redis.mget(keys) if keys else []
        found: dict[str, dict[str, Any]] = {}
        for key, value in zip(keys, values, strict=True):
            if value is None:
                continue
            with contextlib.suppress(ValueError):
                described = json.loads(value)
                found[str(key).removeprefix(self._proc_key(""))] = \
                    described if isinstance(described, dict) else {}
        return found

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self._ttl / 3)
            with contextlib.suppress(RedisError):
                await self._beat()

    async def restore(self) -> None:
        """Write this process's heartbeat and sockets again (Redis may have lost them)."""
        await self._beat()
        for sid, (user_id, session_id) in list(self._local.items()):
            await _done(self._redis.hset(self._user_key(user_id), sid,
                                         f"{self.process_id}|{session_id}"))

    async def _live_entries(self, user_id: str) -> dict[str, str]:
        entries = cast(dict[str, str], await _done(self._redis.hgetall(self._user_key(user_id))))
        if not entries:
            return {}
        procs = sorted({v.split("|", 1)[0] for v in entries.values()})
        alive = await self._redis.mget([self._proc_key(p) for p in procs])
        live = {p for p, flag in zip(procs, alive, strict=True) if flag is not None}
        dead = [s for s, v in entries.items() if v.split("|", 1)[0] not in live]
        if dead:
            await _done(self._redis.hdel(self._user_key(user_id), *dead))
        return {s: v for s, v in entries.items() if s not in dead}

    async def add(self, sid: str, user_id: str, session_id: str) -> bool:
        try:
            await _done(self._redis.hset(self._user_key(user_id), sid,
                                         f"{self.process_id}|{session_id}"))
            self._local[sid] = (user_id, session_id)
            return len(await self._live_entries(user_id)) == 1
        except RedisError as exc:
            raise Unavailable(TEMPORARILY_UNAVAILABLE) from exc

    async def remove(self, sid: str, user_id: str) -> bool:
        self._local.pop(sid, None)
        try:
            if not await _done(self._redis.hdel(self._user_key(user_id), sid)):
                return False
            return not await self._live_entries(user_id)
        except RedisError as exc:
            raise Unavailable(TEMPORARILY_UNAVAILABLE) from exc

    async def sids(self, user_id: str, session_ids: set[str] | None = None) -> list[str]:
        try:
            entries = await self._live_entries(user_id)
        except RedisError as exc:
            raise Unavailable(TEMPORARILY_UNAVAILABLE) from exc
        return [
            s for s, v in entries.items()
            if session_ids is None or v.split("|", 1)[1] in session_ids
        ]

    async def online(self, user_ids: list[str]) -> set[str]:
        try:
            return {u for u in user_ids if await self._live_entries(u)}
        except RedisError as exc:
            raise Unavailable(TEMPORARILY_UNAVAILABLE) from exc
