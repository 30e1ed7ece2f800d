"""The Redis emitter: a bot process outside linli publishes live `bot:broadcast` events into
rooms through a real redis-server; a real linli process started with LINLI_REDIS_URL relays
them to the room's members only, and stores nothing."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from bots.emitter import RedisEmitter
from chat.wire_events import BotBroadcast
from tests.support.redis_server import RedisProcess
from tests.support.server import Client, ServerProcess, connect

pytestmark = pytest.mark.redis


@pytest.fixture
def linli(tmp_path: Path, redis_proc: RedisProcess) -> Iterator[ServerProcess]:
    env = {"LINLI_REDIS_URL": redis_proc.url, "LINLI_SECRET_KEY": secrets.token_urlsafe(32)}
    proc = ServerProcess(tmp_path / "data", env).start()
    yield proc
    proc.stop()


async def test_emitter_reaches_room_members_without_storing(
        linli: ServerProcess, redis_proc: RedisProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINLI_REDIS_URL", redis_proc.url)
    emitter = RedisEmitter.from_env("bot-sensor", "水位监测")
    resident, zhang = await connect(linli, "张伟")
    elsewhere, sun = await connect(linli, "孙强")
    clients: list[Client] = [resident, elsewhere]
    try:
        grid, other_grid = f"grid:{zhang['grid_ids'][0]}", f"grid:{sun['grid_ids'][0]}"
        before = await resident.ok("room:history", {"room_id": grid})

        sent = await emitter.broadcast(grid, "地下车库水位 35 厘米，请勿停车")
        got = await resident.wait_for("bot:broadcast", lambda e: e["room_id"] == grid)
        assert got == sent
        BotBroadcast.model_validate(got, strict=True)  # as the catalogue describes it
        assert got["bot"] == {"id": "bot-sensor", "name": "水位监测"}
        assert got["text"] == "地下车库水位 35 厘米，请勿停车"

        marker = await emitter.broadcast(other_grid, "二网格测试")
        assert await elsewhere.wait_for("bot:broadcast") == marker
        assert elsewhere.events["bot:broadcast"] == [marker]  # not the first grid's event
        assert "message:new" not in resident.events
        after = await resident.ok("room:history", {"room_id": grid})
        assert after == before  # nothing stored, no seq taken

        with pytest.raises(ValueError):
            await emitter.broadcast(grid, "  ")
    finally:
        for client in clients:
            await client.close()
        await emitter.close()


def test_emitter_needs_the_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LINLI_REDIS_URL", raising=False)
    with pytest.raises(RuntimeError, match="LINLI_REDIS_URL"):
        RedisEmitter.from_env("b", "机器人")
