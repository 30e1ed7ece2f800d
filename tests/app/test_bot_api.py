"""Bot accounts and the bot HTTP API end to end: admins create, scope and revoke bots; a bot
posts with its token into its rooms only, idempotently, rate limited, and people receive it
over Socket.IO like any message."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
import socketio

from chat.clock import iso
from tests.app.conftest import StartApp
from tests.support.inproc import InProcessServer
from tests.support.server import Client, connect, http, login


@pytest.fixture
async def app_server(start_app: StartApp) -> InProcessServer:
    return await start_app(bot_burst=1000, bot_rate_per_second=1000.0)


async def bot_call(server: InProcessServer, path: str, token: str | None,
                   body: Any = None, scheme: str = "Bot") -> tuple[int, Any]:
    headers = {"Authorization": f"{scheme} {token}"} if token else {}
    async with aiohttp.ClientSession() as session, session.request(
            "POST" if body is not None else "GET", server.url + path, json=body,
            headers=headers) as resp:
        return resp.status, await resp.json(content_type=None)


def said(room_id: str, text: str, client_id: str | None = None) -> dict[str, str]:
    return {"room_id": room_id, "text": text, "client_id": client_id or uuid.uuid4().hex}


def rooms_of(user: dict[str, Any]) -> tuple[str, str]:
    return f"grid:{user['grid_ids'][0]}", f"community:{user['community_id']}"


async def make_bot(server: InProcessServer, admin_token: str, community_id: str,
                   rooms: list[str], name: str = "停水提醒") -> tuple[dict[str, Any], str]:
    status, body = await http("POST", f"{server.url}/api/v1/admin/communities/{community_id}"
                              "/bots", admin_token, {"name": name, "rooms": rooms})
    assert status == 201, body
    return body["bot"], body["token"]


def error(status: int, body: Any, expected: int, code: str) -> dict[str, Any]:
    assert status == expected, (status, body)
    assert body["error"]["code"] == code, body
    return dict(body["error"])


async def test_bot_posts_into_its_rooms_as_itself(app_server: InProcessServer) -> None:
    server = app_server
    resident, zhang = await connect(server, "张伟")
    other, _ = await connect(server, "孙强")  # grid 2: not in the bot's room
    admin_token, wang = await login(server, "王建国")
    clients: list[Client] = [resident, other]
    try:
        grid, hall = rooms_of(zhang)
        bot, token = await make_bot(server, admin_token, wang["community_id"], [grid])
        assert bot["rooms"] == [grid] and bot["role"] == "bot"

        status, body = await bot_call(server, "/api/v1/bot/messages", token,
                                      said(grid, "明天9点到12点停水", "water-1"))
        assert status == 201, body
        sent = body["message"]
        got = await resident.wait_for("message:new", lambda m: m["id"] == sent["id"])
        assert got["kind"] == "bot" and got["text"] == "明天9点到12点停水"
        assert got["sender"] == {"id": bot["id"], "name": "停水提醒", "role": "bot"}

        # a retry returns the stored message and delivers nothing new
        status, again = await bot_call(server, "/api/v1/bot/messages", token,
                                       said(grid, "明天9点到12点停水", "water-1"))
        assert status == 201 and again["message"]["id"] == sent["id"]
        status, body = await bot_call(server, "/api/v1/bot/messages", token,
                                      said(grid, "别的内容", "water-1"))
        error(status, body, 409, "conflict")

        # outside its rooms: refused until an admin adds the room
        status, body = await bot_call(server, "/api/v1/bot/messages", token, said(hall, "大家好"))
        error(status, body, 403, "forbidden")
        status, body = await bot_call(server, "/api/v1/bot/messages", token,
                                      said("grid:nope", "大家好"))
        error(status, body, 403, "forbidden")
        status, body = await http("PUT", f"{server.url}/api/v1/admin/bots/{bot['id']}/rooms",
                                  admin_token, {"rooms": [grid, hall]})
        assert status == 200 and body["bot"]["rooms"] == [grid, hall], body
        status, body = await bot_call(server, "/api/v1/bot/messages", token,
                                      said(hall, "社区通知：周六义诊"))
        assert status == 201, body
        marker = body["message"]["id"]
        await other.wait_for("message:new", lambda m: m["id"] == marker)
        assert [m["id"] for m in other.events["message:new"]] == [marker]

        # stored like any message: history and seq
        history = await resident.ok("room:history", {"room_id": grid})
        assert history["messages"][-1] == sent
    finally:
        for client in clients:
            await client.close()


async def test_tokens_are_checked_revoked_and_renewed(app_server: InProcessServer) -> None:
    server = app_server
    admin_token, wang = await login(server, "王建国")
    person_token, zhang = await login(server, "张伟")
    grid, _ = rooms_of(zhang)
    bot, token = await make_bot(server, admin_token, wang["community_id"], [grid])
    post = said(grid, "测试")

    error(*await bot_call(server, "/api/v1/bot/messages", None, post), 401, "unauthorized")
    error(*await bot_call(server, "/api/v1/bot/messages", "wrong", post), 401, "unauthorized")
    error(*await bot_call(server, "/api/v1/bot/messages", token, post, scheme="Bearer"),
          401, "unauthorized")
    error(*await bot_call(server, "/api/v1/bot/messages", person_token, post),
          401, "unauthorized")
    # a bot token is not a session: no REST as a person, no Socket.IO
    error(*await http("GET", server.url + "/api/v1/me", token), 401, "unauthorized")
    refused = Client()
    with pytest.raises(socketio.exceptions.ConnectionError):
        await refused.connect(server.url, token)

    status, body = await http("POST", f"{server.url}/api/v1/admin/bots/{bot['id']}/revoke",
                              admin_token, {})
    assert status == 200 and body["revoked"] == 1, body
    error(*await bot_call(server, "/api/v1/bot/messages", token, post), 401, "unauthorized")

    status, body = await http("POST", f"{server.url}/api/v1/admin/bots/{bot['id']}/tokens",
                              admin_token, {})
    assert status == 201 and body["revoked"] == 0, body
    renewed = body["token"]
    status, body = await bot_call(server, "/api/v1/bot/messages", renewed, post)
    assert status == 201, body

    # rotating again replaces the live token: the old one is refused from then on
    status, body = await http("POST", f"{server.url}/api/v1/admin/bots/{bot['id']}/tokens",
                              admin_token, {})
    assert status == 201 and body["revoked"] == 1, body
    rotated = body["token"]
    error(*await bot_call(server, "/api/v1/bot/messages", renewed, said(grid, "旧令牌")),
          401, "unauthorized")
    status, body = await bot_call(server, "/api/v1/bot/messages", rotated, said(grid, "新令牌"))
    assert status == 201, body

    status, body = await http("GET", f"{server.url}/api/v1/admin/audit?target_id={bot['id']}",
                              admin_token)
    assert status == 200, body
    assert [e["action"] for e in reversed(body["entries"])] == \
        ["bot.create", "bot.revoke", "bot.token", "bot.token"]


async def test_only_the_communitys_admins_manage_bots(app_server: InProcessServer) -> None:
    server = app_server
    admin_token, wang = await login(server, "王建国")
    worker_token, _ = await login(server, "李娜")
    resident_token, zhang = await login(server, "张伟")
    grid, _ = rooms_of(zhang)
    community = wang["community_id"]
    url = f"{server.url}/api/v1/admin/communities/{community}/bots"
    form = {"name": "机器人", "rooms": [grid]}
    for token in (worker_token, resident_token):
        error(*await http("POST", url, token, form), 403, "forbidden")
        error(*await http("GET", url, token), 403, "forbidden")
    error(*await http("POST", f"{server.url}/api/v1/admin/communities/elsewhere/bots",
                      admin_token, form), 403, "forbidden")
    error(*await http("POST", url, admin_token, {"name": "机器人", "rooms": ["grid:nope"]}),
          400, "invalid")
    error(*await http("POST", url, admin_token, form | {"role": "admin"}), 400, "invalid")

    bot, _ = await make_bot(server, admin_token, community, [grid])
    status, body = await http("GET", url, admin_token)
    assert status == 200 and [b["id"] for b in body["bots"]] == [bot["id"]], body
    error(*await http("POST", f"{server.url}/api/v1/admin/bots/{bot['id']}/revoke",
                      worker_token, {}), 403, "forbidden")
    error(*await http("POST", f"{server.url}/api/v1/admin/bots/{zhang['id']}/revoke",
                      admin_token, {}), 404, "not_found")


async def test_bot_payloads_are_strict_and_moderation_applies(
        app_server: InProcessServer) -> None:
    server = app_server
    admin_token, wang = await login(server, "王建国")
    worker, li = await connect(server, "李娜")
    try:
        grid = f"grid:{li['grid_ids'][0]}"
        bot, token = await make_bot(server, admin_token, wang["community_id"], [grid])
        path = "/api/v1/bot/messages"
        error(*await bot_call(server, path, token, said(grid, "x") | {"kind": "system"}),
              400, "invalid")
        error(*await bot_call(server, path, token, {"room_id": grid, "text": "x"}),
              400, "invalid")
        error(*await bot_call(server, path, token, said(grid, "   ")), 400, "invalid")
        error(*await bot_call(server, path, token, said(grid, "长" * 2001)), 413, "too_large")

        until = iso(server.clock.now() + timedelta(hours=1))
        status, body = await http("POST", f"{server.url}/api/v1/rooms/{grid}/mutes",
                                  li["token"], {"user_id": bot["id"], "until": until,
                                                "reason": "刷屏"})
        assert status == 200, body
        error(*await bot_call(server, path, token, said(grid, "还在发")), 403, "muted")
        server.clock.advance(hours=2)
        assert (await bot_call(server, path, token, said(grid, "解除后")))[0] == 201

        status, body = await http("POST", f"{server.url}/api/v1/rooms/{grid}/removals",
                                  li["token"], {"user_id": bot["id"], "reason": "广告"})
        assert status == 200, body
        error(*await bot_call(server, path, token, said(grid, "移出后")), 403, "forbidden")
    finally:
        await worker.close()


async def test_bot_calls_are_rate_limited_per_bot(start_app: StartApp) -> None:
    server = await start_app(bot_burst=2, bot_rate_per_second=0.01)
    admin_token, wang = await login(server, "王建国")
    grid = f"grid:{(await login(server, '张伟'))[1]['grid_ids'][0]}"
    _, first = await make_bot(server, admin_token, wang["community_id"], [grid], "甲")
    _, second = await make_bot(server, admin_token, wang["community_id"], [grid], "乙")
    for _ in range(2):
        assert (await bot_call(server, "/api/v1/bot/messages", first, said(grid, "一")))[0] \
            == 201
    status, body = await bot_call(server, "/api/v1/bot/messages", first, said(grid, "二"))
    assert error(status, body, 429, "rate_limited")["retry_after"] > 0
    # out-of-scope calls count too, and another bot has its own bucket
    error(*await bot_call(server, "/api/v1/bot/messages", first, said("grid:x", "三")),
          429, "rate_limited")
    assert (await bot_call(server, "/api/v1/bot/messages", second, said(grid, "四")))[0] \
        == 201


async def test_bot_notices_and_polls(app_server: InProcessServer) -> None:
    server = app_server
    resident, zhang = await connect(server, "张伟")
    admin_token, wang = await login(server, "王建国")
    try:
        grid, hall = rooms_of(zhang)
        bot, token = await make_bot(server, admin_token, wang["community_id"], [grid])
        deadline = iso(server.clock.now() + timedelta(hours=2))

        status, body = await bot_call(server, "/api/v1/bot/notices", token,
                                      {"room_id": grid, "title": "停水通知",
                                       "body": "明天9点到12点停水，请提前储水"})
        assert status == 201, body
        notice = await resident.wait_for("notice:new", lambda n: n["id"] == body["notice"]["id"])
        assert notice["author"] == {"id": bot["id"], "name": "停水提醒"}

        poll_form = {"room_id": grid, "question": "是否加装充电桩", "options": ["同意", "不同意"],
                     "deadline": deadline}
        status, body = await bot_call(server, "/api/v1/bot/polls", token, poll_form)
        assert status == 201, body
        poll_id = body["poll"]["id"]
        await resident.wait_for("poll:new", lambda p: p["id"] == poll_id)
        ack = await resident.call("poll:vote", {"poll_id": poll_id, "option_ids": ["o1"]})
        assert ack["ok"], ack

        status, body = await bot_call(server, f"/api/v1/bot/polls/{poll_id}", token)
        assert status == 200, body
        assert body["poll"]["voters"] == 1 and body["poll"]["options"][0]["votes"] == 1
        assert body["poll"]["my_choice"] is None

        # nothing outside the bot's rooms, in any of the three
        error(*await bot_call(server, "/api/v1/bot/notices", token,
                              {"room_id": hall, "title": "x", "body": "y"}), 403, "forbidden")
        error(*await bot_call(server, "/api/v1/bot/polls", token, poll_form | {"room_id": hall}),
              403, "forbidden")
        status, body = await http("PUT", f"{server.url}/api/v1/admin/bots/{bot['id']}/rooms",
                                  admin_token, {"rooms": [hall]})
        assert status == 200, body
        error(*await bot_call(server, f"/api/v1/bot/polls/{poll_id}", token), 404, "not_found")
        error(*await bot_call(server, "/api/v1/bot/polls", token,
                              poll_form | {"room_id": hall, "options": ["只有一个"]}),
              400, "invalid")
    finally:
        await resident.close()
