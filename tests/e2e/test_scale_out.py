"""Two linli processes on MongoDB, fan-out/presence/rate limits through a real redis-server."""

from __future__ import annotations

import asyncio
import hashlib
import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cluster import login_at, shared_env, two_processes
from tests.support.redis_server import RedisProcess
from tests.support.server import DEMO_PASSWORD, ROOT, Client, ServerProcess, http

pytestmark = [pytest.mark.mongo, pytest.mark.redis]
DEFAULT_LEXICON = Path(__file__).resolve().parents[2] / "moderation" / "lexicon" / "default.toml"


@pytest.fixture
def cluster(tmp_path: Path, mongo_url: str,
            redis_proc: RedisProcess) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text(DEFAULT_LEXICON.read_text().replace(
        "\nthreshold = ", "\nthreshold = 99.0  # another lexicon until the test reloads\n"
        "# was: ", 1))
    env = shared_env(mongo_url, "linli_scale_", redis_proc.url, LINLI_LEXICON_PATH=str(lexicon))
    with two_processes(tmp_path, env) as both:
        yield both


def add_district_officer(node: ServerProcess, phone: str = "13800000099") -> dict[str, str]:
    """An operator-level account, made at the command line in the cluster's store."""
    def linli(*args: str) -> object:
        done = subprocess.run([sys.executable, "-m", "web.cli", *args, "--data-dir",
                               str(node.data_dir)], cwd=ROOT, env=node.env, capture_output=True,
                              text=True, timeout=120, check=True)
        return json.loads(done.stdout)

    districts = linli("unit", "list", "district")
    assert isinstance(districts, list)
    linli("staff", "add", "district_officer", "区管理员", phone, "--password", DEMO_PASSWORD,
          "--unit", districts[0]["id"])
    return {"phone": phone, "password": DEMO_PASSWORD}


async def test_messages_edits_deletes_and_presence_cross_processes(
        cluster: tuple[ServerProcess, ServerProcess], redis_proc: RedisProcess) -> None:
    a, b = cluster
    room = "grid:" + a.account("张伟")["grid_id"]
    zhang, _ = await login_at(a, a, "张伟")
    liu, liu_login = await login_at(b, a, "刘芳")
    liu_id = liu_login["user"]["id"]
    worker, _ = await login_at(b, a, "李娜")
    try:
        await zhang.wait_for("presence", lambda e: e["room_id"] == room and liu_id in e["online"])

        sent = await zhang.ok("message:send", {"room_id": room, "text": "跨进程你好",
                                               "client_id": uuid.uuid4().hex})
        await liu.wait_for("message:new", lambda m: m["id"] == sent["id"])
        answer = await liu.ok("message:send", {"room_id": room, "text": "收到",
                                               "client_id": uuid.uuid4().hex})
        assert answer["seq"] == sent["seq"] + 1
        await zhang.wait_for("message:new", lambda m: m["id"] == answer["id"])

        await zhang.ok("message:edit", {"message_id": sent["id"], "text": "跨进程大家好"})
        edited = await liu.wait_for("message:updated", lambda m: m["id"] == sent["id"])
        assert edited["text"] == "跨进程大家好"
        await worker.ok("message:delete", {"message_id": answer["id"], "reason": "测试"})
        await zhang.wait_for("message:deleted", lambda e: e["message_id"] == answer["id"])

        await liu.close()
        await zhang.wait_for("presence", lambda e: e["room_id"] == room and liu_id in e["offline"])

        status, ready = await http("GET", b.url + "/readyz")
        assert status == 200 and ready["checks"] == {"store": "ok", "redis": "ok",
                                                     "fanout": "ok"}
        redis_proc.stop()
        ack = await zhang.call("message:send", {"room_id": room, "text": "redis 挂了",
                                                "client_id": uuid.uuid4().hex})
        assert ack["ok"] is False and ack["error"]["code"] == "unavailable"
        # What the user can do, not where Redis lives nor what the client library said.
        assert ack["error"]["message"] == ("服务暂时不可用，请稍后重试 / service temporarily "
                                           "unavailable, please retry")
        status, ready = await http("GET", b.url + "/readyz")
        assert status == 503 and ready["checks"]["redis"] == "unreachable"
        assert str(redis_proc.port) not in json.dumps(ready)
    finally:
        for client in (zhang, liu, worker):
            if client.sio.connected:
                await client.close()


async def test_logout_on_one_process_ends_the_socket_on_the_other(
        cluster: tuple[ServerProcess, ServerProcess]) -> None:
    a, b = cluster
    account = a.account("赵敏")
    status, body = await http("POST", a.url + "/api/v1/auth/login",
                              body={"phone": account["phone"], "password": account["password"]})
    token = body["token"]
    on_b = await Client().connect(b.url, token)
    status, _ = await http("POST", a.url + "/api/v1/auth/logout", token)
    assert status == 200
    await on_b.wait_for("session:revoked")
    for _ in range(100):
        if not on_b.sio.connected:
            break
        await asyncio.sleep(0.05)
    assert not on_b.sio.connected


async def test_failed_log_ins_are_counted_across_processes(
        cluster: tuple[ServerProcess, ServerProcess]) -> None:
    a, b = cluster
    phone = a.account("孙强")["phone"]
    for node in (a, b, a, b, a):
        status, body = await http("POST", node.url + "/api/v1/auth/login",
                                  body={"phone": phone, "password": "wrong-guess"})
        assert status == 401, body
    status, body = await http("POST", b.url + "/api/v1/auth/login",
                              body={"phone": phone, "password": a.account("孙强")["password"]})
    assert status == 429 and body["error"]["code"] == "rate_limited"
    assert body["error"]["retry_after"] > 0


@pytest.mark.timeout(300)  # two command-line runs besides the two servers
async def test_lexicon_reload_and_drafts_cross_processes(
        cluster: tuple[ServerProcess, ServerProcess], tmp_path: Path) -> None:
    a, b = cluster
    room = "grid:" + a.account("张伟")["grid_id"]
    officer = add_district_officer(a)  # the lexicon is operator-level; before any socket
    worker, _ = await login_at(a, a, "李娜")
    resident, _ = await login_at(b, a, "张伟")
    status, body = await http("POST", a.url + "/api/v1/auth/login", body=officer)
    try:
        before = await resident.ok("message:send", {
            "room_id": room, "text": "3栋电梯又拐哒，卡在7楼不动", "client_id": uuid.uuid4().hex})
        await worker.wait_for("message:new", lambda m: m["id"] == before["id"])
        lexicon = tmp_path / "lexicon.toml"
        lexicon.write_text(DEFAULT_LEXICON.read_text())
        status, reloaded = await http("POST", a.url + "/api/v1/admin/lexicon/reload",
                                      body["token"])
        assert status == 200, reloaded
        # Process b reloads when a announces it (its lexicon digest changes), and its detected
        # messages become drafts whose `draft:new` reaches the worker on a.
        wanted = hashlib.sha256(lexicon.read_bytes()).hexdigest()
        for _ in range(50):
            status, seen = await http("GET", b.url + "/api/v1/admin/detection", body["token"])
            if status == 200 and seen["lexicon"]["sha256"] == wanted:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("process b never picked up the reloaded lexicon")
        sent = await resident.ok("message:send", {
            "room_id": room, "text": "3栋电梯又拐哒，卡在7楼不动 再说一遍",
            "client_id": uuid.uuid4().hex})
        draft = await worker.wait_for("draft:new", lambda t: sent["id"] in t["message_ids"])
        assert draft["category"] == "电梯设施"
    finally:
        await worker.close()
        await resident.close()
