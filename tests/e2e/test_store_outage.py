"""The store is cut off for a few seconds under steady sending, with two linli processes on
MongoDB (through a relay the test cuts) and Redis: sends get `unavailable` promptly — an ack,
never a hang — telling the user to retry, /readyz says 503, and every acknowledged message is
kept and reaches every connected receiver exactly once."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.support.cluster import login_at, shared_env, two_processes
from tests.support.redis_server import RedisProcess
from tests.support.server import Client, ServerProcess, http
from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.mongo, pytest.mark.redis]

WARM_SECONDS = 1.5
OUTAGE_SECONDS = 6.0  # longer than the store's server-selection timeout (5 s): some sends fail
AFTER_SECONDS = 4.0
SEND_EVERY = 0.05
ACK_WITHIN = 8.0  # the web client gives up on an ack after 10 s


@pytest.fixture
def relay(mongo_url: str) -> Iterator[tuple[TcpProxy, str]]:
    parts = urlsplit(mongo_url)
    assert parts.hostname is not None and parts.port is not None
    proxy = TcpProxy(parts.hostname, parts.port).start()
    try:
        yield proxy, urlunsplit(parts._replace(netloc=f"127.0.0.1:{proxy.port}"))
    finally:
        proxy.close()


@pytest.fixture
def cluster(tmp_path: Path, relay: tuple[TcpProxy, str],
            redis_proc: RedisProcess) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    with two_processes(tmp_path, shared_env(relay[1], "linli_store_cut_", redis_proc.url)) as both:
        yield both


Ack = tuple[float, float, dict[str, Any]]  # started, seconds to the ack, the ack


async def keep_sending(client: Client, room: str, stop: asyncio.Event, acks: list[Ack]
                       ) -> None:
    while not stop.is_set():
        started = time.monotonic()
        ack = await client.call("message:send", {"room_id": room, "text": "库断了也要送达",
                                                 "client_id": uuid.uuid4().hex},
                                timeout=ACK_WITHIN + 2)
        acks.append((started, time.monotonic() - started, ack))
        await asyncio.sleep(SEND_EVERY)


async def test_store_cut_under_steady_sending_answers_promptly_and_loses_nothing(
        cluster: tuple[ServerProcess, ServerProcess], relay: tuple[TcpProxy, str]) -> None:
    a, b = cluster
    proxy, _ = relay
    room = "grid:" + a.account("张伟")["grid_id"]
    senders = [(await login_at(a, a, "张伟"))[0], (await login_at(b, a, "刘芳"))[0]]
    receivers = [*senders, (await login_at(a, a, "李娜"))[0], (await login_at(b, a, "李娜"))[0]]
    acks: list[Ack] = []
    try:
        stop = asyncio.Event()
        sending = [asyncio.create_task(keep_sending(c, room, stop, acks)) for c in senders]
        await asyncio.sleep(WARM_SECONDS)
        cut_at = time.monotonic()
        proxy.cut()
        await asyncio.sleep(OUTAGE_SECONDS / 2)
        for status, ready in await asyncio.gather(*(http("GET", node.url + "/readyz")
                                                     for node in (a, b))):
            assert status == 503 and ready["checks"]["store"] == "unreachable", ready
        await asyncio.sleep(max(0.0, cut_at + OUTAGE_SECONDS - time.monotonic()))
        proxy.start()
        back_at = time.monotonic()
        await asyncio.sleep(AFTER_SECONDS)
        stop.set()
        await asyncio.gather(*sending)

        acked = sorted(ack["data"]["seq"] for _, _, ack in acks if ack["ok"])
        refused = [ack["error"] for _, _, ack in acks if not ack["ok"]]
        slowest = max(seconds for _, seconds, _ in acks)
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and not all(
                set(acked) <= {m["seq"] for m in c.events["message:new"]} for c in receivers):
            await asyncio.sleep(0.1)
        lost = duplicates = 0
        for client in receivers:
            got = Counter(m["seq"] for m in client.events["message:new"])
            lost += sum(1 for s in acked if s not in got)
            duplicates += sum(n - 1 for n in got.values() if n > 1)
        print(f"\nstore outage: sent {len(acks)}, acknowledged {len(acked)}, refused "
              f"{len(refused)}, slowest ack {slowest:.1f} s, deliveries lost {lost}, "
              f"duplicated {duplicates}")

        assert refused and any(ack["ok"] for t, _, ack in acks if t < cut_at) and any(
            ack["ok"] for t, _, ack in acks if t > back_at), "sends before, during and after"
        assert slowest < ACK_WITHIN
        for error in refused:
            assert error == {"code": "unavailable", "message": (
                "服务暂时不可用，请稍后重试 / service temporarily unavailable, please retry")}
        assert lost == 0 and duplicates == 0
        stored = await senders[0].ok("room:sync", {"cursors": {room: 0}})
        kept = {m["seq"] for m in stored["rooms"][room]["messages"]}
        assert set(acked) <= kept
        for node in (a, b):
            status, _ = await http("GET", node.url + "/readyz")
            assert status == 200
    finally:
        for client in receivers:
            if client.sio.connected:
                await client.close()
