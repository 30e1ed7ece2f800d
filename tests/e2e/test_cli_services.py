"""A CLI command's services are built as the server's are: with Redis, what the command does
reaches the clients connected to the serving processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from chat.actions.bot_messages import post_bot_message
from chat.realtime.fanout import NoClientsFanout
from config.settings import load_settings
from tests.support.redis_server import RedisProcess
from tests.support.server import ServerProcess, connect
from web.cli import offline_services

pytestmark = pytest.mark.redis


async def test_a_cli_post_reaches_clients_of_the_server(tmp_path: Path,
                                                        redis_proc: RedisProcess) -> None:
    server = ServerProcess(tmp_path / "data", {"LINLI_REDIS_URL": redis_proc.url}).start(60)
    try:
        zhang, _ = await connect(server, "张伟")
        room = "grid:" + server.account("张伟")["grid_id"]
        settings = load_settings(data_dir=server.data_dir, redis_url=redis_proc.url)
        try:
            async with offline_services(settings) as services:
                sent = await post_bot_message(services, room, "bot:notices", "公告",
                                              "命令行发布：明天上午停水")
            got = await zhang.wait_for("message:new", lambda m: m["id"] == sent.id)
            assert got["text"] == "命令行发布：明天上午停水"
        finally:
            await zhang.close()
    finally:
        server.stop()


async def test_without_redis_a_cli_command_has_nobody_to_tell(tmp_path: Path) -> None:
    async with offline_services(load_settings(data_dir=tmp_path)) as services:
        assert isinstance(services.fanout, NoClientsFanout)
