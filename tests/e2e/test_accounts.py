"""Registration with a join code, verification, masked names, sessions that end."""

from __future__ import annotations

import uuid

from tests.support.server import Client, ServerProcess, connect, http, login


async def new_join_code(server: ServerProcess, worker: str, grid_id: str) -> str:
    token, _ = await login(server, worker)
    status, body = await http("POST", f"{server.url}/api/v1/admin/grids/{grid_id}/join-codes",
                              token)
    assert status == 201, body
    return str(body["join_code"]["code"])


async def register(server: ServerProcess, code: str, phone: str, name: str = "黄小明",
                   password: str = "secret-pass-1") -> dict[str, object]:
    status, body = await http("POST", server.url + "/api/v1/auth/register", body={
        "join_code": code, "name": name, "phone": phone, "password": password,
        "building": "6", "unit": "2", "room": "503", "id_card": "42010219900101123X"})
    assert status == 201, body
    return dict(body["user"])


async def test_register_verify_and_join_the_rooms(server: ServerProcess) -> None:
    grid_id = server.account("张伟")["grid_id"]
    code = await new_join_code(server, "李娜", grid_id)
    user = await register(server, code.lower(), "13711112222")
    assert user["status"] == "pending" and "id_card" not in str(user)
    status, body = await http("POST", server.url + "/api/v1/auth/login",
                              body={"phone": "13711112222", "password": "secret-pass-1"})
    assert status == 200
    newcomer = await Client().connect(server.url, body["token"])
    status, rooms = await http("GET", server.url + "/api/v1/me/rooms", body["token"])
    assert rooms["rooms"] == []  # pending residents are in no room

    other_worker, _ = await login(server, "陈刚")  # third grid: not theirs to verify
    status, denied = await http("POST", f"{server.url}/api/v1/admin/residents/{user['id']}"
                                "/verify", other_worker, {"approve": True})
    assert status == 403 and denied["error"]["code"] == "forbidden"

    worker_token, _ = await login(server, "李娜")
    status, queue = await http("GET", f"{server.url}/api/v1/admin/residents?status=pending",
                               worker_token)
    assert user["id"] in [r["id"] for r in queue["residents"]]
    status, verified = await http("POST", f"{server.url}/api/v1/admin/residents/{user['id']}"
                                  "/verify", worker_token, {"approve": True})
    assert status == 200 and verified["user"]["status"] == "verified"
    update = await newcomer.wait_for("account:updated")  # so the page can show its rooms
    assert update["user"]["status"] == "verified" and update["user"]["id"] == user["id"]

    room = f"grid:{grid_id}"
    zhang, _ = await connect(server, "张伟")
    try:  # the live socket was entered into the rooms at verification
        sent = await newcomer.ok("message:send", {"room_id": room, "text": "大家好，我是新来的",
                                                  "client_id": uuid.uuid4().hex})
        seen = await zhang.wait_for("message:new", lambda m: m["id"] == sent["id"])
        assert seen["sender"]["name"] == "黄**（6栋）"
        status, members = await http("GET", f"{server.url}/api/v1/rooms/{room}/members",
                                     worker_token)
        names = {m["id"]: m["name"] for m in members["members"]}
        assert names[str(user["id"])] == "黄小明"  # workers see real names
        status, members = await http("GET", f"{server.url}/api/v1/rooms/{room}/members",
                                     zhang_token := (await login(server, "张伟"))[0])
        names = {m["id"]: m["name"] for m in members["members"]}
        assert names[str(user["id"])] == "黄**（6栋）"  # residents see masked names
        assert "phone" not in [k for m in members["members"] if m["id"] == user["id"]
                               for k in m]
        assert zhang_token
    finally:
        await zhang.close()
        await newcomer.close()


async def test_revoked_join_code_and_duplicate_phone(server: ServerProcess) -> None:
    grid_id = server.account("孙强")["grid_id"]
    code = await new_join_code(server, "李娜", grid_id)
    await register(server, code, "13722223333")
    status, body = await http("POST", server.url + "/api/v1/auth/register", body={
        "join_code": code, "name": "重复", "phone": "13722223333", "password": "long-enough",
        "building": "1", "room": "101"})
    assert status == 201, body  # answered as a new registration: who is registered is secret
    status, body = await http("POST", server.url + "/api/v1/auth/login",
                              body={"phone": "13722223333", "password": "long-enough"})
    assert status == 401  # and the account is not theirs
    token, _ = await login(server, "李娜")
    status, _ = await http("DELETE", f"{server.url}/api/v1/admin/join-codes/{code}", token)
    assert status == 200
    status, body = await http("POST", server.url + "/api/v1/auth/register", body={
        "join_code": code, "name": "晚到", "phone": "13722224444", "password": "long-enough",
        "building": "1", "room": "101"})
    assert status == 400 and body["error"]["code"] == "invalid"


async def test_password_change_ends_other_sessions(server: ServerProcess) -> None:
    grid_id = server.account("周杰")["grid_id"]
    code = await new_join_code(server, "李娜", grid_id)
    user = await register(server, code, "13733334444", password="first-pass-1")
    worker, _ = await login(server, "李娜")
    await http("POST", f"{server.url}/api/v1/admin/residents/{user['id']}/verify", worker,
               {"approve": True})
    tokens = []
    for _ in range(2):
        status, body = await http("POST", server.url + "/api/v1/auth/login",
                                  body={"phone": "13733334444", "password": "first-pass-1"})
        tokens.append(body["token"])
    phone_a = await Client().connect(server.url, tokens[0])
    phone_b = await Client().connect(server.url, tokens[1])
    status, _ = await http("POST", server.url + "/api/v1/auth/password", tokens[0],
                           {"old_password": "first-pass-1", "new_password": "second-pass-2"})
    assert status == 200
    revoked = await phone_b.wait_for("session:revoked")
    assert revoked["reason"] == "password_changed"
    status, _ = await http("GET", server.url + "/api/v1/me", tokens[1])
    assert status == 401
    status, _ = await http("GET", server.url + "/api/v1/me", tokens[0])
    assert status == 200
    assert phone_a.sio.connected
    await phone_a.close()


async def test_removed_resident_is_disconnected(server: ServerProcess) -> None:
    grid_id = server.account("吴婷")["grid_id"]
    code = await new_join_code(server, "陈刚", grid_id)
    user = await register(server, code, "13744445555")
    worker, _ = await login(server, "陈刚")
    await http("POST", f"{server.url}/api/v1/admin/residents/{user['id']}/verify", worker,
               {"approve": True})
    status, body = await http("POST", server.url + "/api/v1/auth/login",
                              body={"phone": "13744445555", "password": "secret-pass-1"})
    client = await Client().connect(server.url, body["token"])
    status, _ = await http("POST", f"{server.url}/api/v1/admin/residents/{user['id']}/remove",
                           worker, {"reason": "搬离小区"})
    assert status == 200
    assert (await client.wait_for("session:revoked"))["reason"] == "removed"
    status, _ = await http("POST", server.url + "/api/v1/auth/login",
                               body={"phone": "13744445555", "password": "secret-pass-1"})
    assert status == 403


async def test_admin_builds_the_hierarchy(server: ServerProcess) -> None:
    admin, me = await login(server, "王建国")
    community = me["community_id"]
    status, body = await http("POST", server.url + "/api/v1/admin/units", admin,
                              {"kind": "grid", "name": "第四网格", "parent_id": community})
    assert status == 201, body
    grid = body["unit"]
    status, body = await http("POST", server.url + "/api/v1/admin/staff", admin, {
        "role": "worker", "name": "郑新", "phone": "13655556666", "password": "worker-pass-1",
        "unit_id": community, "grid_ids": [grid["id"]]})
    assert status == 201, body
    status, body = await http("POST", server.url + "/api/v1/auth/login",
                              body={"phone": "13655556666", "password": "worker-pass-1"})
    status, rooms = await http("GET", server.url + "/api/v1/me/rooms", body["token"])
    ids = {r["id"] for r in rooms["rooms"]}
    assert ids == {f"grid:{grid['id']}", f"community:{community}", f"workers:{community}"}
    status, _ = await http("POST", server.url + "/api/v1/admin/units", admin,
                           {"kind": "district", "name": "别的区"})
    assert status == 403
    resident, _ = await login(server, "张伟")
    status, _ = await http("POST", server.url + "/api/v1/admin/units", resident,
                                {"kind": "grid", "name": "x", "parent_id": community})
    assert status == 403


async def test_health_and_readiness(server: ServerProcess) -> None:
    assert (await http("GET", server.url + "/healthz"))[0] == 200
    status, body = await http("GET", server.url + "/readyz")
    assert status == 200 and body["checks"] == {"store": "ok"}
