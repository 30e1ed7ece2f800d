"""The web client through outages: a send refused as `unavailable` goes out by itself once
the server can take it (the socket never dropped, so no reconnect would have flushed it), and
a message that skips a seq makes the client fetch the ones it missed."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.support.browser import PageFor, grid_room, open_room, sign_in
from tests.support.redis_server import RedisProcess
from tests.support.server import Client, ServerProcess, connect, http


@pytest.fixture
def server(tmp_path: Path, redis_proc: RedisProcess) -> Iterator[ServerProcess]:
    """This module's pages talk to a server whose fan-out and rate limits are in Redis."""
    proc = ServerProcess(tmp_path / "data", {"LINLI_REDIS_URL": redis_proc.url})
    try:
        yield proc.start()
    finally:
        proc.stop()


async def send(page: Page, text: str) -> None:
    await page.get_by_label("输入消息").fill(text)
    await page.get_by_label("输入消息").press("Enter")


@pytest.mark.redis
async def test_a_send_refused_while_redis_is_down_goes_out_when_it_is_back(
        page_for: PageFor, server: ServerProcess, redis_proc: RedisProcess) -> None:
    room = await grid_room(server)
    neighbour, _ = await connect(server, "刘芳")
    # The page asks for things while Redis is down (its members' presence, say): those fail
    # as 503, and nothing may fail otherwise.
    zhang = await sign_in(await page_for(expect_errors=True), server.account("张伟"))
    await open_room(zhang, room)
    try:
        redis_proc.kill()
        await send(zhang, "停电了，物业在吗？")
        await expect(zhang.locator(".msg.sending")).to_contain_text("停电了，物业在吗？")
        await zhang.wait_for_timeout(1500)  # a try or two, refused as unavailable
        assert not [m for m in neighbour.events["message:new"] if "停电了" in m["text"]]
        redis_proc.start()
        got = await neighbour.wait_for("message:new", lambda m: m["text"] == "停电了，物业在吗？",
                                       timeout=12)
        await expect(zhang.locator(".msg.sending")).to_have_count(0)
        await expect(zhang.locator(".scroller .msg .text").last).to_have_text(got["text"])
        assert all("status of 503" in e for e in page_for.errors(zhang)), page_for.errors(zhang)
    finally:
        await neighbour.close()


@pytest.mark.mongo
async def test_a_message_beyond_the_next_seq_fetches_the_missed_ones(
        page_for: PageFor, tmp_path: Path, mongo_url: str) -> None:
    # Two processes on one database and no Redis between them: what is sent at b is stored
    # but never reaches a's sockets live.
    env = {"LINLI_MONGODB_URL": mongo_url,
           "LINLI_MONGODB_DATABASE": "linli_gap_" + uuid.uuid4().hex[:8],
           "LINLI_SECRET_KEY": secrets.token_urlsafe(32)}
    a = ServerProcess(tmp_path / "a", env)
    b = ServerProcess(tmp_path / "b", env)
    page_for.base_url = a.url
    clients: list[Client] = []
    try:
        a.start(timeout=90)
        b.start(timeout=90)
        room = await grid_room(a)
        zhang = await sign_in(await page_for(), a.account("张伟"))
        await open_room(zhang, room)
        account = a.account("刘芳")  # b found the demo seeded by a
        status, body = await http("POST", b.url + "/api/v1/auth/login", body={
            "phone": account["phone"], "password": account["password"]})
        assert status == 200, body
        on_b = await Client().connect(b.url, body["token"])
        on_a, _ = await connect(a, "李娜")
        clients += [on_b, on_a]
        await on_b.ok("message:send", {"room_id": room["id"], "text": "只存进了库里",
                                       "client_id": uuid.uuid4().hex})
        await on_a.ok("message:send", {"room_id": room["id"], "text": "这条实时送到",
                                       "client_id": uuid.uuid4().hex})
        shown = zhang.locator(".scroller .msg .text")
        await expect(shown.last).to_have_text("这条实时送到")
        await expect(shown.nth(-2)).to_have_text("只存进了库里", timeout=5000)
    finally:
        for client in clients:
            await client.close()
        a.stop()
        b.stop()
