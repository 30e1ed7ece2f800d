"""The operators' status page's endpoint: for community admins and officers only, it tells the
processes (every live one, with Redis), sockets, event-loop lag, store and Redis, the last
backup's age (unknown without a record) and the detection model and lexicon."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from chat.clock import iso
from tests.support.fakes import FakeClock
from tests.support.inproc import InProcessServer, district_officer
from tests.support.redis_server import RedisProcess, redis_server
from tests.support.server import call, connect, login, ok
from web.backup_sqlite import backup

STATUS = "/api/v1/admin/status"


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[InProcessServer]:
    running = await InProcessServer(tmp_path / "data", FakeClock()).start()
    yield running
    await running.stop()


async def test_residents_and_workers_are_refused(server: InProcessServer) -> None:
    status, _ = await call(server, "GET", STATUS, None)
    assert status == 401
    for name in ("张伟", "李娜"):  # a resident, a grid worker
        token, _ = await login(server, name)
        status, body = await call(server, "GET", STATUS, token)
        assert status == 403 and body["error"]["code"] == "forbidden", name


async def test_an_admin_sees_this_process_store_and_detection(server: InProcessServer) -> None:
    zhang, _ = await connect(server, "张伟")
    try:
        admin, _ = await login(server, "王建国")
        seen = await ok(server, "GET", STATUS, admin)
    finally:
        await zhang.close()
    assert [p["this"] for p in seen["processes"]] == [True]
    assert seen["processes"][0]["sockets"] == 1 == seen["sockets"]["connected"]
    assert seen["sockets"]["by_room_kind"]["grid"] == 1
    assert seen["loop_lag_seconds"]["latest"] >= 0
    assert seen["store"] == {"kind": "sqlite", "status": "ok"}
    assert seen["redis"] == {"status": "not_configured", "fanout": None}
    assert seen["backup"] == {"last_at": None, "age_seconds": None}  # no record: unknown
    assert seen["detection"]["model"] and seen["detection"]["lexicon_source"] == "packaged"
    assert len(seen["detection"]["lexicon_sha256"]) == 12
    officer = await district_officer(server)
    assert (await ok(server, "GET", STATUS, officer))["store"]["status"] == "ok"


async def test_the_last_backup_age_once_a_backup_was_taken(server: InProcessServer,
                                                          tmp_path: Path) -> None:
    manifest = await asyncio.to_thread(backup, server.settings, tmp_path / "backup",
                                       lambda done, total: None, server.clock)
    assert manifest.created_at == server.clock.now()
    admin, _ = await login(server, "王建国")
    server.clock.advance(minutes=90)
    seen = await ok(server, "GET", STATUS, admin)
    assert seen["backup"]["last_at"] == iso(manifest.created_at)
    assert seen["backup"]["age_seconds"] == 90 * 60 and seen["backup"]["backend"] == "sqlite"
    # every time on the page is by the app's clock: the process has run the 90 minutes too
    assert seen["now"] == iso(server.clock.now())
    this = seen["processes"][0]
    ran = datetime.fromisoformat(seen["now"]) - datetime.fromisoformat(this["started_at"])
    assert this["seen_at"] == seen["now"] and ran >= timedelta(minutes=90)


@pytest.fixture
def redis_proc() -> Iterator[RedisProcess]:
    with redis_server() as proc:
        yield proc


@pytest.mark.redis
async def test_with_redis_every_live_process_is_listed(tmp_path: Path,
                                                      redis_proc: RedisProcess) -> None:
    token = "status-test-token"
    first = await InProcessServer(tmp_path / "a", FakeClock(), redis_url=redis_proc.url,
                                  metrics_token=token).start()
    second = await InProcessServer(tmp_path / "b", FakeClock(), redis_url=redis_proc.url).start()
    try:
        admin, _ = await login(first, "王建国")
        seen = await ok(first, "GET", STATUS, admin)
        assert len(seen["processes"]) == 2
        assert sorted(p["this"] for p in seen["processes"]) == [False, True]
        assert seen["redis"] == {"status": "ok", "fanout": "subscribed"}
        async with aiohttp.ClientSession() as session, session.get(
                first.url + "/metrics", headers={"Authorization": f"Bearer {token}"}) as resp:
            assert resp.status == 200 and "linli_fanout_subscribed 1.0" in await resp.text()
    finally:
        await second.stop()
        await first.stop()
