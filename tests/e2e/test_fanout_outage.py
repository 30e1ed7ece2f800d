"""Redis dies and comes back under steady sending, with two linli processes on MongoDB.

Nothing acknowledged may be left undelivered: every connected receiver gets every
acknowledged message exactly once, live or repaired by its process once it hears Redis
again (a repaired one says `"repaired": true`). /readyz is never 200 while a process is deaf:
a message sent after a process first answers 200 again reaches its sockets live."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.cluster import login_at, shared_env, two_processes
from tests.support.redis_server import RedisProcess
from tests.support.server import Client, ServerProcess, connect, http
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.redis

WARM_SECONDS = 1.5
OUTAGE_SECONDS = 3.0
AFTER_SECONDS = 4.0
SEND_EVERY = 0.05
DRAIN_SECONDS = 8.0


@pytest.fixture
def cluster(tmp_path: Path, mongo_url: str,
            redis_proc: RedisProcess) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    env = shared_env(mongo_url, "linli_outage_", redis_proc.url, LINLI_LOG_LEVEL="INFO")
    with two_processes(tmp_path, env) as both:
        yield both


@dataclass
class Sent:
    started: float
    seq: int | None = None
    error: dict[str, Any] | None = None


@dataclass
class Tally:
    sent: dict[str, list[Sent]] = field(default_factory=dict)
    polls: dict[str, list[tuple[float, int]]] = field(default_factory=dict)


async def keep_sending(client: Client, room: str, until: float, log: list[Sent]) -> None:
    while time.monotonic() < until:
        entry = Sent(started=time.monotonic())
        log.append(entry)
        ack = await client.call("message:send", {"room_id": room, "text": f"稳定发送 {len(log)}",
                                                 "client_id": uuid.uuid4().hex})
        if ack["ok"]:
            entry.seq = ack["data"]["seq"]
        else:
            entry.error = ack["error"]
        await asyncio.sleep(SEND_EVERY)


async def keep_polling(node: ServerProcess, until: float, log: list[tuple[float, int]]) -> None:
    while time.monotonic() < until:
        status, _ = await http("GET", node.url + "/readyz")
        log.append((time.monotonic(), status))
        await asyncio.sleep(0.05)


def first_ready_after(polls: list[tuple[float, int]], moment: float) -> float:
    """When the first poll started after `moment` that answered 200 (its request went out
    before the answer, so the process was subscribed by the answer's time)."""
    return next(t for t, status in polls if t > moment and status == 200)


@pytest.mark.mongo
async def test_redis_outage_under_steady_sending_loses_nothing_acknowledged(
        cluster: tuple[ServerProcess, ServerProcess], redis_proc: RedisProcess) -> None:
    a, b = cluster
    room = "grid:" + a.account("张伟")["grid_id"]
    senders = {"a": (await login_at(a, a, "张伟"))[0], "b": (await login_at(b, a, "刘芳"))[0]}
    li_on_b, li_login_b = await login_at(b, a, "李娜")
    receivers = {"a:张伟": senders["a"], "b:刘芳": senders["b"],
                 "a:李娜": (await login_at(a, a, "李娜"))[0], "b:李娜": li_on_b}
    tally = Tally()
    try:
        for node in (a, b):
            status, ready = await http("GET", node.url + "/readyz")
            assert status == 200 and ready["checks"]["fanout"] == "ok", ready
        start = time.monotonic()
        stop_sending = start + WARM_SECONDS + OUTAGE_SECONDS + AFTER_SECONDS
        work = [asyncio.create_task(keep_sending(c, room, stop_sending,
                                                 tally.sent.setdefault(name, [])))
                for name, c in senders.items()]
        work += [asyncio.create_task(keep_polling(node, stop_sending,
                                                  tally.polls.setdefault(name, [])))
                 for name, node in (("a", a), ("b", b))]
        await asyncio.sleep(WARM_SECONDS)
        killed = time.monotonic()
        redis_proc.kill()
        await asyncio.sleep(OUTAGE_SECONDS)
        redis_proc.start()
        restarted = time.monotonic()
        await asyncio.gather(*work)

        acked = sorted(e.seq for log in tally.sent.values() for e in log if e.seq is not None)
        failed = [e.error for log in tally.sent.values() for e in log if e.error is not None]
        deadline = time.monotonic() + DRAIN_SECONDS
        while time.monotonic() < deadline and not all(
                set(acked) <= {m["seq"] for m in c.events["message:new"]}
                for c in receivers.values()):
            await asyncio.sleep(0.1)

        live = repaired = lost = 0
        for name, client in receivers.items():
            got = Counter(m["seq"] for m in client.events["message:new"])
            assert not [s for s, n in got.items() if n > 1], f"{name} got duplicates"
            missing = [s for s in acked if s not in got]
            lost += len(missing)
            late = {m["seq"] for m in client.events["message:new"] if m.get("repaired")}
            repaired += len(late & set(acked))
            live += len(set(acked) & set(got)) - len(late & set(acked))
        total = sum(len(log) for log in tally.sent.values())
        print(f"\nfan-out outage: sent {total}, acknowledged {len(acked)}, refused "
              f"{len(failed)}, deliveries to {len(receivers)} receivers: live {live}, "
              f"repaired {repaired}, lost {lost}")
        assert lost == 0
        assert failed and any(e.seq is not None and e.started < killed
                              for log in tally.sent.values() for e in log), \
            "the test needs sends before, during and after"
        for error in failed:
            assert error["code"] == "unavailable", error
            assert "127.0.0.1" not in error["message"] and "Error" not in error["message"]
            assert error["message"].startswith("服务暂时不可用")

        for name, polls in tally.polls.items():
            during = [s for t, s in polls if killed + 0.5 < t < restarted]
            assert during and set(during) == {503}, f"{name} was ready without Redis"
        # A process answers 200 only once subscribed again: whatever is sent after both
        # answered 200 reaches every receiver live, none of it needs the repair.
        ready_again = max(first_ready_after(polls, restarted) for polls in tally.polls.values())
        assert ready_again - restarted < 4.0, "re-subscribing took too long"
        after = {e.seq for log in tally.sent.values() for e in log
                 if e.seq is not None and e.started > ready_again}
        assert after, "no message was sent after both processes were ready again"
        for name, client in receivers.items():
            late = {m["seq"] for m in client.events["message:new"] if m.get("repaired")}
            assert not after & late, f"{name}: sent after /readyz said 200 but not live"

        for node in (a, b):
            output = node.log_path.read_text()
            assert "fan-out subscription lost" in output
            assert "fan-out subscription back after" in output

        # Redis came back empty; each process wrote its sockets back, so logging out at a
        # still ends the session's socket on b.
        status, _ = await http("POST", a.url + "/api/v1/auth/logout", li_login_b["token"])
        assert status == 200
        for _ in range(100):
            if not li_on_b.sio.connected:
                break
            await asyncio.sleep(0.05)
        assert not li_on_b.sio.connected, "a socket registered before the outage was lost"
    finally:
        for client in receivers.values():
            if client.sio.connected:
                await client.close()


@pytest.fixture
def partitioned(tmp_path: Path, redis_proc: RedisProcess
                ) -> Iterator[tuple[ServerProcess, TcpProxy]]:
    """One process (SQLite) reaching Redis through a relay the test can stall."""
    proxy = TcpProxy("127.0.0.1", redis_proc.port).start()
    node = ServerProcess(tmp_path / "p", {"LINLI_REDIS_URL": f"redis://127.0.0.1:{proxy.port}/0",
                                          "LINLI_LOG_LEVEL": "INFO"})
    try:
        yield node.start(), proxy
    finally:
        proxy.cut()  # connections that lived through the stall fail at once, not on timeouts
        node.stop()
        proxy.close()


async def test_a_silent_redis_gets_prompt_refusals_not_hung_sends(
        partitioned: tuple[ServerProcess, TcpProxy]) -> None:
    node, proxy = partitioned
    room = "grid:" + node.account("张伟")["grid_id"]
    zhang, _ = await connect(node, "张伟")
    try:
        await zhang.ok("message:send", {"room_id": room, "text": "分区之前",
                                        "client_id": uuid.uuid4().hex})
        proxy.stall()
        started = time.monotonic()
        ack = await zhang.call("message:send", {"room_id": room, "text": "分区之中",
                                                "client_id": uuid.uuid4().hex}, timeout=9)
        took = time.monotonic() - started
        assert ack["ok"] is False and ack["error"]["code"] == "unavailable", ack
        assert took < 5, f"a send waited {took:.1f} s on a silent Redis"
        for _ in range(100):  # the subscription's unanswered PING gives it away too
            status, ready = await http("GET", node.url + "/readyz")
            if ready["checks"]["fanout"] != "ok":
                break
            await asyncio.sleep(0.1)
        assert status == 503 and ready["checks"]["fanout"] == "not subscribed", ready
        proxy.resume()
        for _ in range(100):  # connections from before stay dead: they time out, then renew
            ack = await zhang.call("message:send", {"room_id": room, "text": "分区之后",
                                                    "client_id": uuid.uuid4().hex}, timeout=9)
            if ack["ok"]:
                break
            await asyncio.sleep(0.2)
        assert ack["ok"], ack
        print(f"\nRedis partition: a send was refused after {took:.1f} s")
    finally:
        await zhang.close()
