"""A ticket's text reaches the public Open311 feed, so it passes the checks speech in a room
passes: no blocked words, and nothing from someone muted where the ticket is filed."""

from __future__ import annotations

import uuid
from datetime import timedelta

from tests.support.inproc import InProcessServer
from tests.support.server import call, connect, login, ok

BLOCKED = "代开发票"


async def feed(server: InProcessServer) -> str:
    return str(await ok(server, "GET", "/open311/v2/requests.json", None))


async def test_a_blocked_word_never_reaches_the_feed(server: InProcessServer) -> None:
    admin, admin_user = await login(server, "王建国")
    await ok(server, "PUT", f"/api/v1/admin/communities/{admin_user['community_id']}"
             "/blocked-words", admin, {"words": [BLOCKED]})
    zhang, _ = await login(server, "张伟")
    got, body = await call(server, "POST", "/api/v1/tickets", zhang,
                           {"description": f"楼下有人{BLOCKED}，联系电话见墙上"})
    assert (got, body["error"]["code"]) == (422, "blocked_content"), body
    got, body = await call(server, "POST", "/api/v1/tickets", zhang,
                           {"description": "3栋路灯坏了", "location": f"{BLOCKED}广告牌下"})
    assert (got, body["error"]["code"]) == (422, "blocked_content"), body

    client, user = await connect(server, "张伟")  # reporting a message with words of one's own
    try:
        sent = await client.ok("message:send", {
            "room_id": f"grid:{user['grid_ids'][0]}", "text": "3栋路灯坏了",
            "client_id": uuid.uuid4().hex})
    finally:
        await client.close()
    got, body = await call(server, "POST", "/api/v1/tickets", zhang,
                           {"message_id": sent["id"], "description": f"{BLOCKED}找我"})
    assert (got, body["error"]["code"]) == (422, "blocked_content"), body
    assert BLOCKED not in await feed(server)
    await ok(server, "POST", "/api/v1/tickets", zhang, {"description": "3栋路灯坏了"},
             status=201)


async def test_a_muted_resident_files_no_ticket_text(server: InProcessServer) -> None:
    worker, _ = await login(server, "李娜")
    zhang, zhang_user = await login(server, "张伟")
    for room in (f"grid:{zhang_user['grid_ids'][0]}", f"community:{zhang_user['community_id']}"):
        until = server.clock.now() + timedelta(hours=1)
        await ok(server, "POST", f"/api/v1/rooms/{room}/mutes", worker,
                 {"user_id": zhang_user["id"], "until": until.isoformat(), "reason": "刷屏"})
        got, body = await call(server, "POST", "/api/v1/tickets", zhang,
                                {"description": "刷屏广告：加微信领红包"})
        assert (got, body["error"]["code"]) == (403, "muted"), body
        assert "加微信" not in await feed(server)
        server.clock.advance(hours=2)  # the mute is over
        await ok(server, "POST", "/api/v1/tickets", zhang, {"description": "3栋路灯坏了"},
                 status=201)
