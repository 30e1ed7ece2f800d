"""Blocked words and mutes hold for every way words get into a room: messages, edits,
notices, polls — by people and by bot accounts."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from tests.app.conftest import StartApp
from tests.support.inproc import InProcessServer
from tests.support.server import http, login


@pytest.fixture
async def server(start_app: StartApp) -> InProcessServer:
    return await start_app(blocked_words=["赌博"])


async def test_notices_and_polls_obey_blocked_words_and_mutes(server: InProcessServer) -> None:
    party, zhao = await login(server, "赵敏")
    worker, _ = await login(server, "李娜")
    room = f"grid:{zhao['grid_ids'][0]}"
    deadline = (server.clock.now() + timedelta(days=1)).isoformat()
    notices = f"{server.url}/api/v1/rooms/{room}/notices"
    polls = f"{server.url}/api/v1/rooms/{room}/polls"

    status, body = await http("POST", notices, party, {"title": "赌博有害", "body": "远离"})
    assert (status, body["error"]["code"]) == (422, "blocked_content")
    status, body = await http("POST", polls, party, {
        "question": "周末活动？", "options": ["打球", "赌博"], "deadline": deadline})
    assert (status, body["error"]["code"]) == (422, "blocked_content")

    until = server.clock.now() + timedelta(hours=1)
    status, _ = await http("POST", f"{server.url}/api/v1/rooms/{room}/mutes", worker,
                           {"user_id": zhao["id"], "until": until.isoformat(), "reason": "刷屏"})
    assert status == 200
    status, body = await http("POST", notices, party, {"title": "停水", "body": "明天停水"})
    assert (status, body["error"]["code"]) == (403, "muted")
    status, body = await http("POST", polls, party, {
        "question": "周末活动？", "options": ["打球", "下棋"], "deadline": deadline})
    assert (status, body["error"]["code"]) == (403, "muted")

    server.clock.advance(hours=1, seconds=1)
    status, body = await http("POST", notices, party, {"title": "停水", "body": "明天停水"})
    assert status == 201, body


async def test_bot_api_messages_obey_blocked_words(server: InProcessServer) -> None:
    admin, wang = await login(server, "王建国")
    _, zhao = await login(server, "赵敏")
    room = f"grid:{zhao['grid_ids'][0]}"
    status, body = await http("POST", f"{server.url}/api/v1/admin/communities/"
                              f"{wang['community_id']}/bots", admin,
                              {"name": "停水提醒", "rooms": [room]})
    assert status == 201, body
    async with aiohttp.ClientSession() as session:
        async def post(text: str) -> tuple[int, dict[str, Any]]:
            async with session.post(f"{server.url}/api/v1/bot/messages",
                                    headers={"Authorization": f"Bot {body['token']}"},
                                    json={"room_id": room, "text": text,
                                          "client_id": uuid.uuid4().hex}) as resp:
                return resp.status, await resp.json()

        status, refused = await post("周末来赌博")
        assert (status, refused["error"]["code"]) == (422, "blocked_content")
        status, sent = await post("明天停水")
        assert status == 201, sent
