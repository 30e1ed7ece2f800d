"""Mentions across two linli processes on one MongoDB and one redis-server: each process keeps
its own index of room labels, and a member who joins or leaves through the other process is
mentioned (or not) at once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.cluster import shared_env, two_processes
from tests.support.redis_server import RedisProcess
from tests.support.server import Client, ServerProcess, http

pytestmark = [pytest.mark.mongo, pytest.mark.redis]


@pytest.fixture
def cluster(tmp_path: Path, mongo_url: str,
            redis_proc: RedisProcess) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    with two_processes(tmp_path, shared_env(mongo_url, "linli_mentions_", redis_proc.url)) as both:
        yield both


async def log_in(node: ServerProcess, account: dict[str, Any]) -> tuple[str, str]:
    status, body = await http("POST", node.url + "/api/v1/auth/login",
                              body={"phone": account["phone"], "password": account["password"]})
    assert status == 200, body
    return body["token"], body["user"]["id"]


async def test_joins_and_leaves_on_one_process_reach_mentions_on_the_other(
        cluster: tuple[ServerProcess, ServerProcess]) -> None:
    a, b = cluster
    worker_account = a.account("李娜")
    grid = worker_account["grid_id"]
    room = f"grid:{grid}"
    token, _ = await log_in(a, a.account("张伟"))
    zhang = await Client().connect(a.url, token)
    worker, worker_id = await log_in(b, worker_account)

    async def mentions(text: str) -> list[str]:
        sent = await zhang.ok("message:send", {"room_id": room, "text": text,
                                               "client_id": uuid.uuid4().hex})
        return list(sent["mentions"])

    try:
        assert await mentions("@李娜 @钱**（8栋） 在吗") == [worker_id]  # a builds its index

        status, body = await http("POST", f"{b.url}/api/v1/admin/grids/{grid}/join-codes",
                                  worker, {})
        assert status == 201, body
        status, body = await http("POST", b.url + "/api/v1/auth/register", body={
            "join_code": body["join_code"]["code"], "name": "钱多多", "phone": "13711112222",
            "password": "pass-word-1", "building": "8", "room": "801"})
        assert status == 201, body
        newcomer = body["user"]["id"]
        status, body = await http("POST", f"{b.url}/api/v1/admin/residents/{newcomer}/verify",
                                  worker, {"approve": True})
        assert status == 200, body
        assert await mentions("@钱**（8栋） 欢迎") == [newcomer]

        status, body = await http("POST", f"{b.url}/api/v1/rooms/{room}/removals", worker,
                                  {"user_id": newcomer, "reason": "测试"})
        assert status == 200, body
        assert await mentions("@钱**（8栋） 还在吗") == []
    finally:
        await zhang.close()
