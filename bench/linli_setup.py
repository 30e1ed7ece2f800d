"""Make N verified residents of one grid through linli's real HTTP API and log them in.

Argon2 runs on the server's event loop (~0.17 s per hash here, and both registration and
log-in hash), so set-up is serial on the server however many requests are in flight. Tokens
are cached in the data dir so `--reuse-data` skips all of it on the next run."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

TOKENS_FILE = "bench-tokens.json"
SENDER = "李娜"  # demo grid worker of the first grid: the one who sends
IN_FLIGHT = 4


@dataclass(frozen=True)
class Room:
    room_id: str
    sender_token: str
    tokens: list[str]


class Api:
    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self._session = session
        self._url = url

    async def call(self, method: str, path: str, token: str | None = None,
                   body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self._session.request(method, self._url + path, json=body,
                                         headers=headers) as resp:
            data = await resp.json(content_type=None)
            if resp.status >= 300:
                raise RuntimeError(f"{method} {path} -> {resp.status}: {data}")
            return data

    async def login(self, phone: str, password: str) -> str:
        data = await self.call("POST", "/api/v1/auth/login",
                               body={"phone": phone, "password": password})
        return str(data["token"])


def _progress(done: int, total: int, started: float) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r  residents [{'#' * filled}{'.' * (width - filled)}] "
                     f"{done}/{total}  {time.monotonic() - started:5.0f} s")
    sys.stderr.flush()


async def _resident(api: Api, worker: str, code: str, i: int, password: str) -> str:
    phone = f"137{i:08d}"
    form = {"join_code": code, "name": f"居民{i}", "phone": phone, "password": password,
            "building": str(1 + i // 100), "unit": "1", "room": str(i % 100 + 100)}
    user = (await api.call("POST", "/api/v1/auth/register", body=form))["user"]
    await api.call("POST", f"/api/v1/admin/residents/{user['id']}/verify", worker,
                   {"approve": True})
    return await api.login(phone, password)


async def _make(api: Api, worker: str, code: str, first: int, count: int,
                password: str) -> list[str]:
    gate = asyncio.Semaphore(IN_FLIGHT)
    started, done = time.monotonic(), 0

    async def one(i: int) -> str:
        nonlocal done
        async with gate:
            token = await _resident(api, worker, code, i, password)
        done += 1
        _progress(done, count, started)
        return token

    tokens = await asyncio.gather(*(one(i) for i in range(first, first + count)))
    sys.stderr.write("\n")
    return list(tokens)


async def prepare(url: str, data_dir: Path, n: int, password: str) -> Room:
    """Return N resident tokens (creating only those not cached) and the sender's token."""
    accounts = json.loads((data_dir / "demo-accounts.json").read_text())
    me = next(a for a in accounts if a["name"] == SENDER)
    cache = data_dir / TOKENS_FILE
    tokens: list[str] = json.loads(cache.read_text()) if cache.exists() else []
    async with aiohttp.ClientSession() as session:
        api = Api(session, url)
        worker = await api.login(me["phone"], me["password"])
        if len(tokens) < n:
            code = (await api.call("POST", f"/api/v1/admin/grids/{me['grid_id']}/join-codes",
                                   worker))["join_code"]["code"]
            tokens += await _make(api, worker, code, len(tokens), n - len(tokens), password)
            cache.write_text(json.dumps(tokens))
    return Room(room_id=f"grid:{me['grid_id']}", sender_token=worker, tokens=tokens[:n])
