"""One test per documented error code; after each, the connection and server still work."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.support.server import Client, ServerProcess, connect, http, login


def cid() -> str:
    return uuid.uuid4().hex


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("strict"), env={
        "LINLI_SEND_BURST": "3", "LINLI_SEND_RATE_PER_SECOND": "0.01",
        "LINLI_BLOCKED_WORDS": json.dumps(["六合彩"]),
    }).start()
    yield proc
    proc.stop()


def room_of(server: ServerProcess, name: str) -> str:
    return "grid:" + server.account(name)["grid_id"]


async def still_works(client: Client, room: str) -> None:
    sent = await client.ok("message:send", {"room_id": room, "text": "还在线", "client_id": cid()})
    assert sent["seq"] >= 1


def error_of(ack: dict[str, Any], code: str) -> dict[str, Any]:
    assert ack["ok"] is False, ack
    assert ack["error"]["code"] == code, ack
    assert ack["error"]["message"]
    return dict(ack["error"])


async def test_unauthorized_connect_is_refused(server: ServerProcess) -> None:
    for auth in ({"token": "not-a-token"}, None, {"nothing": 1}):
        sio = socketio.AsyncClient(reconnection=False)
        refused: list[Any] = []
        sio.on("connect_error", refused.append)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await sio.connect(server.url, auth=auth, transports=["websocket"], wait_timeout=5)
        assert refused and refused[0]["message"] == "unauthorized"
        assert refused[0]["data"]["code"] == "unauthorized"
    status, body = await http("GET", server.url + "/api/v1/me", "bad")
    assert status == 401 and body["error"]["code"] == "unauthorized"


async def test_logged_out_token_is_refused(server: ServerProcess) -> None:
    token, _ = await login(server, "周杰")
    client = await Client().connect(server.url, token)
    status, _ = await http("POST", server.url + "/api/v1/auth/logout", token)
    assert status == 200
    await client.wait_for("session:revoked")
    sio = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await sio.connect(server.url, auth={"token": token}, transports=["websocket"])


async def test_forbidden(server: ServerProcess) -> None:
    client, _ = await connect(server, "张伟")
    room = room_of(server, "张伟")
    try:
        error_of(await client.call("message:send", {"room_id": room_of(server, "吴婷"),
                                                    "text": "hi", "client_id": cid()}),
                 "forbidden")
        error_of(await client.call("message:send", {"room_id": room, "text": "@所有人 开会",
                                                    "client_id": cid()}), "forbidden")
        await still_works(client, room)
    finally:
        await client.close()


async def test_not_found(server: ServerProcess) -> None:
    client, _ = await connect(server, "张伟")
    room = room_of(server, "张伟")
    try:
        error_of(await client.call("no:such:event", {}), "not_found")
        error_of(await client.call("message:edit", {"message_id": "m-missing", "text": "x"}),
                 "not_found")
        error_of(await client.call("room:history", {"room_id": "grid:nope"}), "not_found")
        await still_works(client, room)
    finally:
        await client.close()


@pytest.mark.parametrize("payload", [
    {"room_id": "r"},                                            # missing fields
    {"room_id": "r", "text": "x", "client_id": "c", "extra": 1},  # unknown field
    {"room_id": 5, "text": "x", "client_id": "c"},               # wrong type
    {"room_id": "r", "text": "x", "client_id": "bad id with spaces"},
    "just a string",
    [1, 2, 3],
])
async def test_invalid_payloads(server: ServerProcess, payload: Any) -> None:
    client, _ = await connect(server, "张伟")
    try:
        error_of(await client.call("message:send", payload), "invalid")
        await still_works(client, room_of(server, "张伟"))
    finally:
        await client.close()


async def test_invalid_blank_text_and_bad_history_limit(server: ServerProcess) -> None:
    client, _ = await connect(server, "张伟")
    room = room_of(server, "张伟")
    try:
        error_of(await client.call("message:send", {"room_id": room, "text": "   ",
                                                    "client_id": cid()}), "invalid")
        err = error_of(await client.call("room:history", {"room_id": room, "limit": 1000}),
                       "invalid")
        assert err["problems"][0]["field"] == "limit"
    finally:
        await client.close()


async def test_too_large(server: ServerProcess) -> None:
    client, _ = await connect(server, "张伟")
    room = room_of(server, "张伟")
    try:
        error_of(await client.call("message:send", {"room_id": room, "text": "长" * 2001,
                                                    "client_id": cid()}), "too_large")
        error_of(await client.call("message:send", {"room_id": room, "text": "x" * 70_000,
                                                    "client_id": cid()}), "too_large")
        ok = await client.ok("message:send", {"room_id": room, "text": "长" * 2000,
                                              "client_id": cid()})
        assert len(ok["text"]) == 2000
        status, body = await http("POST", server.url + "/api/v1/auth/login",
                                  body={"phone": "1" * 100_000, "password": "x"})
        assert status == 413 and body["error"]["code"] == "too_large"
    finally:
        await client.close()


async def test_rate_limited(strict_server: ServerProcess) -> None:
    client, _ = await connect(strict_server, "孙强")
    room = room_of(strict_server, "孙强")
    try:
        for i in range(3):
            await client.ok("message:send", {"room_id": room, "text": f"{i}", "client_id": cid()})
        err = error_of(await client.call("message:send", {"room_id": room, "text": "多",
                                                          "client_id": cid()}), "rate_limited")
        assert err["retry_after"] > 0
        history = await client.ok("room:history", {"room_id": room})
        assert history["messages"]  # reading still works
    finally:
        await client.close()


async def test_muted(server: ServerProcess) -> None:
    client, user = await connect(server, "吴婷")
    room = room_of(server, "吴婷")
    worker_token, _ = await login(server, "陈刚")
    until = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    try:
        status, body = await http("POST", f"{server.url}/api/v1/rooms/{room}/mutes",
                                  worker_token, {"user_id": user["id"], "until": until,
                                                 "reason": "刷屏"})
        assert status == 200, body
        notice = await client.wait_for("moderation", lambda e: e["action"] == "muted")
        assert notice["room_id"] == room
        err = error_of(await client.call("message:send", {"room_id": room, "text": "我说话",
                                                          "client_id": cid()}), "muted")
        assert err["until"].startswith(until[:16])
        past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
        status, _ = await http("POST", f"{server.url}/api/v1/rooms/{room}/mutes",
                               worker_token, {"user_id": user["id"], "until": past})
        assert status == 200
        await still_works(client, room)
    finally:
        await client.close()


async def test_resident_cannot_mute(server: ServerProcess) -> None:
    token, _ = await login(server, "刘芳")
    _, target = await login(server, "张伟")
    until = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    status, body = await http("POST", f"{server.url}/api/v1/rooms/{room_of(server, '刘芳')}"
                              "/mutes", token, {"user_id": target["id"], "until": until})
    assert status == 403 and body["error"]["code"] == "forbidden"


async def test_blocked_content(strict_server: ServerProcess) -> None:
    client, _ = await connect(strict_server, "吴婷")
    room = room_of(strict_server, "吴婷")
    try:
        error_of(await client.call("message:send", {"room_id": room, "text": "买六合彩吗",
                                                    "client_id": cid()}), "blocked_content")
        await still_works(client, room)
    finally:
        await client.close()


async def test_conflict(server: ServerProcess) -> None:
    client, _ = await connect(server, "张伟")
    room = room_of(server, "张伟")
    client_id = cid()
    try:
        await client.ok("message:send", {"room_id": room, "text": "第一版", "client_id": client_id})
        error_of(await client.call("message:send", {"room_id": room, "text": "另一条",
                                                    "client_id": client_id}), "conflict")
        account = server.account("张伟")
        status, body = await http("POST", server.url + "/api/v1/auth/register", body={
            "join_code": "XXXXXXXX", "name": "重复", "phone": account["phone"],
            "password": "long-enough", "building": "1", "room": "101"})
        assert status == 400 and body["error"]["code"] == "invalid"  # unknown join code
    finally:
        await client.close()


async def test_http_validation_errors(server: ServerProcess, tmp_path: Path) -> None:
    status, body = await http("POST", server.url + "/api/v1/auth/login",
                              body={"phone": "123", "password": "x", "more": 1})
    assert status == 400 and body["error"]["code"] == "invalid"
    fields = {p["field"] for p in body["error"]["problems"]}
    assert {"phone", "more"} <= fields
    status, body = await http("GET", server.url + "/api/v1/nothing-here")
    assert status == 404 and body["error"]["code"] == "not_found"
