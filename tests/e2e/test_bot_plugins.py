"""A third-party bot package, found through its `linli.bots` entry points by a real server
process: it answers its command and mentions, while a bot that hangs and a bot that raises are
timed out and logged, and chat goes on."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import ServerProcess, connect

PLUGIN = Path(__file__).resolve().parents[1] / "data" / "plugin"


@pytest.fixture
def plugin_server(tmp_path: Path) -> Iterator[ServerProcess]:
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(PLUGIN),
                                                       os.environ.get("PYTHONPATH")])),
           "LINLI_BOTS": json.dumps({"*": ["echo", "hang", "boom"]}),
           "LINLI_HOOK_TIMEOUT_SECONDS": "0.5", "LINLI_LOG_LEVEL": "INFO"}
    server = ServerProcess(tmp_path / "data", env).start()
    yield server
    server.stop()


async def test_entry_point_bots_answer_and_misbehaving_bots_are_contained(
        plugin_server: ServerProcess) -> None:
    server = plugin_server
    zhang, user = await connect(server, "张伟")
    liu, _ = await connect(server, "刘芳")
    try:
        room = f"grid:{user['grid_ids'][0]}"
        sent = await zhang.ok("message:send", {"room_id": room, "text": "/回声 今晚停水吗",
                                               "client_id": uuid.uuid4().hex})
        await liu.wait_for("message:new", lambda m: m["id"] == sent["id"])
        echo = await liu.wait_for("message:new", lambda m: m["sender"]["id"] == "bot:echo")
        assert echo["kind"] == "bot" and echo["sender"]["name"] == "回声"
        assert echo["text"] == f"{user['display_name']}说：今晚停水吗"
        assert echo["seq"] > sent["seq"]

        asked = await zhang.ok("message:send", {"room_id": room, "text": "@回声 在吗",
                                                "client_id": uuid.uuid4().hex})
        heard = await liu.wait_for("message:new", lambda m: m["text"] == "听到了：在吗")
        assert heard["seq"] > asked["seq"]

        # the hanging and the broken bot saw every message; chat kept flowing regardless
        after = await liu.ok("message:send", {"room_id": room, "text": "收到",
                                              "client_id": uuid.uuid4().hex})
        await zhang.wait_for("message:new", lambda m: m["id"] == after["id"])
        history = await zhang.ok("room:history", {"room_id": room, "limit": 100})
        senders = {m["sender"]["id"] for m in history["messages"]}
        assert "bot:hang" not in senders and "bot:boom" not in senders

        log = ""
        for _ in range(50):  # the 0.5 s time limit of the hanging bot has to pass
            log = server.log_path.read_text()
            if "bot hang timed out" in log:
                break
            await asyncio.sleep(0.1)
        assert "bot hang timed out" in log
        assert "bot boom failed" in log and "this bot is broken on purpose" in log
        assert "imposter is not a linli Bot" in log
    finally:
        await zhang.close()
        await liu.close()
