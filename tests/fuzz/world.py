"""The fuzz tests' world: one in-process demo server on a free port, run by an event loop in a
thread of its own so that (synchronous) hypothesis tests can drive it example by example;
actors logged in as resident, grid worker, admin, district officer and bot; pools of real ids
for path parameters and id-shaped fields; and a digest of everything the store holds."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sqlite3
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from tests.support.fakes import FakeClock
from tests.support.inproc import InProcessServer, district_officer
from tests.support.server import Client, free_port, http, login

T = TypeVar("T")
# Tables that the server's own background work writes whatever requests do (cursors of the
# message consumers and their leases): not part of "what a request changed".
VOLATILE_TABLES = {"follow_consumers", "follow_cursors", "leases"}
# Residents the fuzzers may verify, remove or mute through real ids; the actors stay intact.
SACRIFICIAL_RESIDENTS = ("刘芳", "赵敏", "孙强", "周杰", "吴婷")
OFFICER_PHONE = "13800000099"
# Pools of real values, by path parameter or field name.
POOLS = ("room_id", "community_id", "grid_id", "unit_id", "user_id", "message_id", "ticket_id",
         "poll_id", "option_id", "notice_id", "flag_id", "entry_id", "bot_id", "webhook_id",
         "code", "request_id", "model_id")


class LoopThread:
    """An asyncio loop running in a daemon thread; `run` waits for a coroutine on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="fuzz-loop",
                                        daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.run(self._cancel_pending())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


    @staticmethod
    async def _cancel_pending() -> None:
        current = asyncio.current_task()
        pending = [t for t in asyncio.all_tasks() if t is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


def _clients_fault(record: logging.LogRecord) -> bool:
    """aiohttp logs at ERROR a request it could not parse (a request line over 8 KiB, say)
    while answering 4xx: the client's fault, not the server's."""
    exc = record.exc_info[1] if record.exc_info else None
    return record.name == "aiohttp.server" and isinstance(exc, HttpProcessingError) and \
        exc.code < 500


class ErrorLog(logging.Handler):
    """Every ERROR the server logs (a failed request, a crashed background task)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not _clients_fault(record):
            self.records.append(record)

    def take(self) -> list[str]:
        taken = [f"{r.name}: {r.getMessage()}" + (f"\n{self.format(r)}" if r.exc_info else "")
                 for r in self.records]
        self.records.clear()
        return taken


@dataclass(repr=False)
class World:
    loop: LoopThread
    server: InProcessServer
    tokens: dict[str, str | None]
    pools: dict[str, list[str]]
    session: aiohttp.ClientSession
    sockets: dict[str, Client] = field(default_factory=dict)
    errors: ErrorLog = field(default_factory=ErrorLog)

    def digest(self) -> dict[str, str]:
        """Per table of the store: row count and a hash of every row."""
        db = sqlite3.connect(f"file:{self.server.settings.sqlite_path}?mode=ro", uri=True)
        try:
            tables = [r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
            out = {}
            for table in tables:
                if table in VOLATILE_TABLES or table.startswith("sqlite_"):
                    continue
                rows = db.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
                out[table] = f"{len(rows)}:{hashlib.sha1(repr(rows).encode()).hexdigest()}"
            return out
        finally:
            db.close()

    def settled_digest(self, rounds: int = 40) -> dict[str, str]:
        """The digest once follow-on work (bots, detection, webhooks) has stopped writing."""
        last = self.digest()
        for _ in range(rounds):
            self.loop.run(asyncio.sleep(0.05))
            now = self.digest()
            if now == last:
                return now
            last = now
        return last

    def socket(self, actor: str) -> Client:
        """The actor's connected socket (connected anew if an earlier example lost it)."""
        client = self.sockets[actor]
        if not client.sio.connected:
            self.loop.run(client.close())
            client = self.sockets[actor] = self.loop.run(
                _connect(self.server, self.tokens[actor]))
        return client

    def alive(self) -> int:
        return self.loop.run(self._status("GET", "/healthz"), timeout=15)

    async def _status(self, method: str, path: str) -> int:
        async with self.session.request(method, self.server.url + path) as resp:
            return resp.status


async def _post(world_url: str, path: str, token: str | None, body: Any) -> Any:
    status, data = await http("POST", world_url + path, token, body)
    assert status in (200, 201), (path, status, data)
    return data


async def _populate(server: InProcessServer, hook_url: str
                    ) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    url = server.url
    resident, zhang = await login(server, "张伟")
    worker, _ = await login(server, "李娜")
    admin, wang = await login(server, "王建国")
    officer = await district_officer(server, OFFICER_PHONE)
    community = wang["community_id"]
    grid = zhang["grid_ids"][0]
    grid_room, hall = f"grid:{grid}", f"community:{community}"
    soon = (server.clock.now() + timedelta(days=2)).isoformat()
    bot = await _post(url, f"/api/v1/admin/communities/{community}/bots", admin,
                      {"name": "fuzzbot", "rooms": [hall, grid_room]})
    spare_bot = await _post(url, f"/api/v1/admin/communities/{community}/bots", admin,
                            {"name": "sparebot", "rooms": [hall]})
    hook = await _post(url, f"/api/v1/admin/communities/{community}/webhooks", admin,
                       {"url": hook_url, "events": ["poll.closed"]})
    ticket = await _post(url, "/api/v1/tickets", resident,
                         {"description": "3栋楼道灯坏了", "location": "3栋2单元"})
    poll = await _post(url, f"/api/v1/rooms/{grid_room}/polls", worker,
                       {"question": "周末大扫除？", "options": ["好", "不好"], "deadline": soon})
    notice = await _post(url, f"/api/v1/rooms/{grid_room}/notices", worker,
                         {"title": "停水通知", "body": "明天上午停水", "requires_ack": True})
    history = await http("GET", url + f"/api/v1/rooms/{grid_room}/messages", resident)
    message_ids = [m["id"] for m in history[1]["messages"]]
    others = [m["id"] for m in history[1]["messages"] if m["sender"]["id"] != zhang["id"]]
    flag = await _post(url, f"/api/v1/messages/{others[0]}/flag", resident,
                       {"reason": "测试举报"})
    entries = await http("GET", url + f"/api/v1/communities/{community}/directory", resident)
    code = await _post(url, f"/api/v1/admin/grids/{grid}/join-codes", worker, {})
    units = await http("GET", url + "/api/v1/units?kind=grid", admin)
    users = [server.account(n) for n in SACRIFICIAL_RESIDENTS]
    user_ids = []
    for account in users:
        _, who = await login(server, account["name"])
        user_ids.append(who["id"])
    tokens: dict[str, str | None] = {"anonymous": None, "resident": resident, "worker": worker,
                                     "admin": admin, "officer": officer, "bot": bot["token"]}
    pools = {
        "room_id": [hall, *(f"grid:{u['id']}" for u in units[1]["units"])],
        "community_id": [community],
        "grid_id": [u["id"] for u in units[1]["units"]],
        "unit_id": [community, grid],
        "user_id": user_ids,
        "message_id": message_ids,
        "ticket_id": [ticket["ticket"]["id"]],
        "poll_id": [poll["poll"]["id"]],
        "option_id": [o["id"] for o in poll["poll"]["options"]],
        "notice_id": [notice["notice"]["id"]],
        "flag_id": [flag["flag"]["id"]],
        "entry_id": [e["id"] for e in entries[1]["entries"]][:3],
        "bot_id": [spare_bot["bot"]["id"]],
        "webhook_id": [hook["webhook"]["id"]],
        "code": [code["join_code"]["code"]],
        "request_id": [ticket["ticket"]["id"]],
        "model_id": ["m-7c1c7bc0cda7"],
    }
    assert tuple(pools) == POOLS and all(pools.values()), pools
    return tokens, pools


async def _session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession()


async def _connect(server: InProcessServer, token: str | None) -> Client:
    return await Client().connect(server.url, token)


async def _webhook_sink() -> tuple[web.AppRunner, str]:
    """A receiver that takes every webhook delivery, so that none is retried later (a retry
    would change the store while some refused request is being checked)."""
    async def take(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", take)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}/hook"


def start_world(data_dir: Path) -> Iterator[World]:
    loop = LoopThread()
    sink, hook_url = loop.run(_webhook_sink())
    server = InProcessServer(data_dir, FakeClock(), sweep_seconds=3600.0,
                             follow_sweep_seconds=3600.0, trusted_proxies=["127.0.0.1/32"],
                             webhook_private_targets=True)
    loop.run(server.start(), timeout=120)
    tokens, pools = loop.run(_populate(server, hook_url))
    world = World(loop, server, tokens, pools, loop.run(_session()))
    logging.getLogger().addHandler(world.errors)
    try:
        for actor in ("resident", "worker", "admin"):
            world.sockets[actor] = loop.run(_connect(server, tokens[actor]))
        world.settled_digest()
        world.errors.take()
        yield world
    finally:
        logging.getLogger().removeHandler(world.errors)
        for client in world.sockets.values():
            loop.run(client.close())
        loop.run(world.session.close())
        loop.run(server.stop(), timeout=60)
        loop.run(sink.cleanup())
        loop.close()
