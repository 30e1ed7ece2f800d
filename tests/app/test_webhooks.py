"""Outgoing webhooks end to end: a test receiver on a loopback port verifies every signature
with the webhook's secret; a failing endpoint is retried; a hanging one delays no chat."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from bots.polls.events import PollClosed
from bots.polls.models import Poll, PollOption, PollResult
from bots.webhooks import dispatch
from bots.webhooks.events import WebhooksChanged
from bots.webhooks.models import Webhook
from bots.webhooks.signing import verify
from tests.app.conftest import StartApp
from tests.support.inproc import InProcessServer
from tests.support.receiver import Receiver
from tests.support.server import Client, connect, http, login


@pytest.fixture
async def app_server(start_app: StartApp) -> InProcessServer:
    # A bus time limit far below the retries' back-off: deliveries must not depend on it.
    return await start_app(hook_timeout_seconds=0.5, webhook_private_targets=True,
                           detection_enabled=False)


async def subscribe(server: InProcessServer, receiver: Receiver, admin_token: str,
                    community_id: str, events: list[str], rooms: list[str]) -> dict[str, Any]:
    status, body = await http("POST", f"{server.url}/api/v1/admin/communities/{community_id}"
                              "/webhooks", admin_token,
                              {"url": receiver.url, "events": events, "room_ids": rooms})
    assert status == 201, body
    receiver.secret = body["webhook"]["secret"]
    assert receiver.secret.startswith("whsec_")
    return dict(body["webhook"])


async def deliveries(server: InProcessServer, token: str, webhook_id: str
                     ) -> list[dict[str, Any]]:
    status, body = await http("GET", f"{server.url}/api/v1/admin/webhooks/{webhook_id}"
                              "/deliveries", token)
    assert status == 200, body
    return list(body["deliveries"])


async def settled(server: InProcessServer, token: str, webhook_id: str, count: int
                  ) -> list[dict[str, Any]]:
    """The delivery log once `count` deliveries are no longer pending."""
    async def seek() -> list[dict[str, Any]]:
        while True:
            log = await deliveries(server, token, webhook_id)
            if len(log) >= count and all(d["status"] != "pending" for d in log):
                return log
            await asyncio.sleep(0.05)

    return await asyncio.wait_for(seek(), 20)


async def recorded(server: InProcessServer, token: str, webhook_id: str, count: int
                   ) -> list[dict[str, Any]]:
    """The delivery log once it holds `count` deliveries, whatever their status."""
    while len(log := await deliveries(server, token, webhook_id)) < count:
        await asyncio.sleep(0.05)
    return log


def closed_poll(room_id: str, community_id: str) -> Poll:
    """A decided poll: 4 of 6 voted, 3 for 装."""
    at = datetime(2026, 5, 1, 8, tzinfo=UTC)
    return Poll(
        id="p1", room_id=room_id, community_id=community_id, author_id="u-author",
        author_name="王*", question="装电梯吗",
        options=(PollOption(id="o1", text="装"), PollOption(id="o2", text="不装")),
        multiple=False, max_choices=1, anonymous=True, per_household=False, results="live",
        allow_change=False, quorum_percent=None, deadline=at, created_at=at, status="closed",
        closed_at=at, closed_by="deadline",
        result=PollResult(counts={"o1": 3, "o2": 1}, voters=4, eligible=6, turnout=4 / 6,
                          quorum_met=None, winners=("o1",)))


def say(room_id: str, text: str) -> dict[str, str]:
    return {"room_id": room_id, "text": text, "client_id": uuid.uuid4().hex}


async def test_signed_events_reach_a_receiver(app_server: InProcessServer) -> None:
    server = app_server
    receiver = await Receiver(server.clock).start()
    resident, zhang = await connect(server, "张伟")
    admin_token, wang = await login(server, "王建国")
    try:
        grid, hall = f"grid:{zhang['grid_ids'][0]}", f"community:{zhang['community_id']}"
        hook = await subscribe(server, receiver, admin_token, wang["community_id"],
                               ["message.created", "ticket.changed", "poll.closed"], [grid])

        in_hall = await resident.ok("message:send", say(hall, "大厅里说的话"))
        sent = await resident.ok("message:send", say(grid, "今晚网格议事会七点开始"))
        got = await receiver.wait_for(lambda b: b["event"] == "message.created")
        assert got["valid"], got
        body = got["body"]
        assert body["community_id"] == wang["community_id"]
        assert body["data"]["message"]["id"] == sent["id"]
        assert body["data"]["message"]["text"] == "今晚网格议事会七点开始"
        assert body["data"]["room"]["id"] == grid
        assert got["headers"]["X-Linli-Event"] == "message.created"
        assert got["headers"]["X-Linli-Signature"].startswith("sha256=")
        # the hall is not subscribed: only the grid message came
        assert [r["body"]["data"]["message"]["id"] for r in receiver.received] == [sent["id"]]
        assert in_hall["id"] != sent["id"]

        status, filed = await http("POST", f"{server.url}/api/v1/tickets", zhang["token"],
                                   {"description": "3栋楼道灯坏了一个星期", "location": "3栋2单元"})
        assert status == 201, filed
        got = await receiver.wait_for(lambda b: b["event"] == "ticket.changed")
        ticket = got["body"]["data"]["ticket"]
        assert got["valid"] and got["body"]["data"]["action"] == "create"
        assert ticket["service_request_id"] == filed["ticket"]["id"]
        assert ticket["state"] == "submitted" and ticket["status"] == "open"
        for personal in ("reporter", "reporter_id", "assignee", "created_by", "history", "phone"):
            assert personal not in ticket
        assert "张" not in json.dumps(got["body"], ensure_ascii=False)

        server.services.events.publish(PollClosed(closed_poll(grid, wang["community_id"])))
        got = await receiver.wait_for(lambda b: b["event"] == "poll.closed")
        result = got["body"]["data"]["result"]
        assert got["valid"] and got["body"]["data"]["poll_id"] == "p1"
        assert result["question"] == "装电梯吗" and result["options"][0]["votes"] == 3
        assert result["voters"] == 4 and result["winners"] == ["o1"]

        log = await settled(server, admin_token, hook["id"], 3)
        assert [(d["event"], d["status"], d["attempts"], d["last_status_code"])
                for d in log] == [("poll.closed", "delivered", 1, 200),
                                  ("ticket.changed", "delivered", 1, 200),
                                  ("message.created", "delivered", 1, 200)]
        assert {r["headers"]["X-Linli-Delivery"] for r in receiver.received} == \
            {d["id"] for d in log}

        # a tampered body or a stale timestamp does not verify
        first = receiver.received[0]
        raw = json.dumps(first["body"]).encode()
        stamp = first["headers"]["X-Linli-Timestamp"]
        sig = first["headers"]["X-Linli-Signature"]
        assert not verify(receiver.secret, stamp, raw + b" ", sig, now=float(stamp))
        assert not verify(receiver.secret, stamp, raw, sig, now=float(stamp) + 3600)
    finally:
        await resident.close()
        await receiver.stop()


async def test_failing_endpoint_is_retried_with_back_off(app_server: InProcessServer) -> None:
    async def fail_twice(_: Receiver, n: int) -> int:
        return 500 if n <= 2 else 200

    server = app_server
    receiver = await Receiver(server.clock, fail_twice).start()
    resident, zhang = await connect(server, "张伟")
    admin_token, wang = await login(server, "王建国")
    try:
        grid = f"grid:{zhang['grid_ids'][0]}"
        hook = await subscribe(server, receiver, admin_token, wang["community_id"],
                               ["message.created"], [grid])
        sent = await resident.ok("message:send", say(grid, "重试测试"))
        (delivery,) = await settled(server, admin_token, hook["id"], 1)
        assert (delivery["status"], delivery["attempts"], delivery["last_status_code"],
                delivery["last_error"]) == ("delivered", 3, 200, None)
        assert len(receiver.received) == 3 and all(r["valid"] for r in receiver.received)
        assert {r["headers"]["X-Linli-Delivery"] for r in receiver.received} == {delivery["id"]}
        assert all(r["body"]["data"]["message"]["id"] == sent["id"] for r in receiver.received)
    finally:
        await resident.close()
        await receiver.stop()


async def test_deleting_a_webhook_stops_its_retries(app_server: InProcessServer,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    async def fail_after_delete(receiver: Receiver, n: int) -> int:
        if n == 1:
            receiver.entered.set()
            await receiver.release.wait()  # the test deletes the webhook meanwhile
        return 500

    monkeypatch.setattr(dispatch, "FIRST_RETRY_SECONDS", 0.01)  # retries come at once
    server = app_server
    receiver = await Receiver(server.clock, fail_after_delete).start()
    resident, zhang = await connect(server, "张伟")
    admin_token, wang = await login(server, "王建国")
    try:
        community, grid = wang["community_id"], f"grid:{zhang['grid_ids'][0]}"
        hook = await subscribe(server, receiver, admin_token, community, ["message.created"],
                               [grid])
        await resident.ok("message:send", say(grid, "删除后不再重试"))
        await asyncio.wait_for(receiver.entered.wait(), 10)
        status, body = await http("DELETE", f"{server.url}/api/v1/admin/communities/"
                                  f"{community}/webhooks/{hook['id']}", admin_token)
        assert status == 200, body
        receiver.release.set()

        # the delivery ends after the one attempt in flight; before, it went on to six
        (delivery,) = await settled(server, admin_token, hook["id"], 1)
        assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == \
            ("failed", 1, 500)
        assert delivery["last_error"] == dispatch.DELETED
        assert len(receiver.received) == 1
    finally:
        await resident.close()
        await receiver.stop()


async def test_webhooks_are_looked_up_once_per_community_within_the_ttl(
        app_server: InProcessServer, monkeypatch: pytest.MonkeyPatch) -> None:
    server = app_server
    store = server.services.store
    lookups: list[str] = []
    original = store.list_webhooks

    async def counted(community_id: str, active_only: bool = False) -> list[Webhook]:
        if active_only:
            lookups.append(community_id)
        return await original(community_id, active_only)

    monkeypatch.setattr(store, "list_webhooks", counted)
    server.clock.advance(seconds=dispatch.HOOKS_TTL_SECONDS + 1)  # what seeding cached is stale
    receiver = await Receiver(server.clock).start()
    resident, zhang = await connect(server, "张伟")
    admin_token, wang = await login(server, "王建国")
    try:
        community, grid = wang["community_id"], f"grid:{zhang['grid_ids'][0]}"

        async def delivered(text: str) -> None:
            sent = await resident.ok("message:send", say(grid, text))
            await receiver.wait_for(lambda b: b["data"]["message"]["id"] == sent["id"])

        for n in range(3):  # a community without webhooks: one lookup, not one per message
            await resident.ok("message:send", say(grid, f"没有回调 {n}"))
        await server.services.events.drain()
        assert lookups == [community]

        await subscribe(server, receiver, admin_token, community, ["message.created"], [grid])
        await delivered("新建回调后立即生效")  # creating cleared the cached empty list
        await delivered("缓存之内")
        assert lookups == [community] * 2

        server.clock.advance(seconds=dispatch.HOOKS_TTL_SECONDS + 1)
        await delivered("缓存过期后重新读取")
        assert lookups == [community] * 3
    finally:
        await resident.close()
        await receiver.stop()


async def test_hanging_endpoint_does_not_delay_chat(app_server: InProcessServer) -> None:
    async def hang(receiver: Receiver, _: int) -> int:
        receiver.entered.set()
        await receiver.release.wait()
        return 200

    server = app_server
    receiver = await Receiver(server.clock, hang).start()
    resident, zhang = await connect(server, "张伟")
    neighbour, _ = await connect(server, "刘芳")
    admin_token, wang = await login(server, "王建国")
    clients: list[Client] = [resident, neighbour]
    try:
        grid = f"grid:{zhang['grid_ids'][0]}"
        hook = await subscribe(server, receiver, admin_token, wang["community_id"],
                               ["message.created"], [grid])
        await resident.ok("message:send", say(grid, "第一条"))
        await asyncio.wait_for(receiver.entered.wait(), 10)  # the webhook is now stuck

        second = await resident.ok("message:send", say(grid, "第二条"))
        await neighbour.wait_for("message:new", lambda m: m["id"] == second["id"])
        assert not receiver.release.is_set()
        # The second message's delivery is made while the first still hangs (the consumer
        # follows the message after the chat has it, so give it a moment).
        stuck = await asyncio.wait_for(recorded(server, admin_token, hook["id"], 2), 10)
        assert [d["status"] for d in stuck] == ["pending", "pending"]

        receiver.release.set()
        log = await settled(server, admin_token, hook["id"], 2)
        assert [(d["status"], d["attempts"]) for d in log] == [("delivered", 1)] * 2
    finally:
        for client in clients:
            await client.close()
        await receiver.stop()


async def test_webhook_administration(app_server: InProcessServer) -> None:
    server = app_server
    receiver = await Receiver(server.clock).start()
    resident, zhang = await connect(server, "张伟")
    admin_token, wang = await login(server, "王建国")
    worker_token, _ = await login(server, "李娜")
    try:
        community = wang["community_id"]
        grid = f"grid:{zhang['grid_ids'][0]}"
        url = f"{server.url}/api/v1/admin/communities/{community}/webhooks"
        good: dict[str, Any] = {"url": receiver.url, "events": ["message.created"],
                                "room_ids": [grid]}
        bads: list[dict[str, Any]] = [
            {"url": "ftp://example.org/x"}, {"url": "http://user:pw@example.org/"},
            {"url": "not a url"}, {"events": ["message.deleted"]}, {"events": []},
            {"room_ids": []}, {"room_ids": ["grid:elsewhere"]}, {"extra": 1}]
        for bad in bads:
            status, body = await http("POST", url, admin_token, good | bad)
            assert (status, body["error"]["code"]) == (400, "invalid"), (bad, body)
        status, body = await http("POST", url, worker_token, good)
        assert (status, body["error"]["code"]) == (403, "forbidden")

        hook = await subscribe(server, receiver, admin_token, community, ["message.created"],
                               [grid])
        status, body = await http("GET", url, admin_token)
        assert status == 200 and [w["id"] for w in body["webhooks"]] == [hook["id"]]
        assert "secret" not in body["webhooks"][0]
        status, body = await http("GET", f"{server.url}/api/v1/admin/webhooks/{hook['id']}"
                                  "/deliveries", worker_token)
        assert (status, body["error"]["code"]) == (403, "forbidden")

        first = await resident.ok("message:send", say(grid, "删除前"))
        await receiver.wait_for(lambda b: b["data"]["message"]["id"] == first["id"])
        status, body = await http("DELETE", f"{url}/{hook['id']}", admin_token)
        assert status == 200 and body["webhook"]["active"] is False, body

        # after deletion nothing more is sent; a second webhook serves as the marker
        marker_receiver = await Receiver(server.clock).start()
        try:
            await subscribe(server, marker_receiver, admin_token, community,
                            ["message.created"], [grid])
            after = await resident.ok("message:send", say(grid, "删除后"))
            await marker_receiver.wait_for(lambda b: b["data"]["message"]["id"] == after["id"])
            assert [r["body"]["data"]["message"]["id"] for r in receiver.received] == \
                [first["id"]]
        finally:
            await marker_receiver.stop()

        status, body = await http("GET", f"{server.url}/api/v1/admin/audit?action="
                                  "webhook.delete", admin_token)
        entry = body["entries"][0]
        assert status == 200 and (entry["target_type"], entry["target_id"]) == \
            ("webhook", hook["id"])
    finally:
        await resident.close()
        await receiver.stop()


@pytest.fixture
async def guarded_server(start_app: StartApp) -> InProcessServer:
    """The production default: webhooks may not reach loopback or private addresses."""
    return await start_app(detection_enabled=False)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_private_targets_are_refused_by_default(guarded_server: InProcessServer,
                                                      host: str) -> None:
    server = guarded_server
    receiver = await Receiver(server.clock).start()
    resident, zhang = await connect(server, "张伟")
    admin_token, wang = await login(server, "王建国")
    try:
        grid = f"grid:{zhang['grid_ids'][0]}"
        status, body = await http(
            "POST", f"{server.url}/api/v1/admin/communities/{wang['community_id']}/webhooks",
            admin_token, {"url": f"http://{host}:{receiver.port}/hook",
                          "events": ["message.created"], "room_ids": [grid]})
        assert status == 201, body
        await resident.ok("message:send", say(grid, "内网地址收不到"))

        async def first_attempt() -> dict[str, Any]:
            while True:
                log = await deliveries(server, admin_token, body["webhook"]["id"])
                if log and log[0]["attempts"] >= 1:
                    return log[0]
                await asyncio.sleep(0.05)

        attempt = await asyncio.wait_for(first_attempt(), 15)
        assert "non-public address" in attempt["last_error"]
        assert receiver.received == []
    finally:
        await resident.close()
        await receiver.stop()


LOOK_ALIKES = ["１２７.０.０.１", "127。0。0。1"]  # full-width digits; ideographic full stops


@pytest.mark.parametrize("host", [*LOOK_ALIKES, "[0:0::1]", "127.1",
                                  "0x7f.0.0.1", "2130706433", "bücher.example"])
async def test_non_canonical_hosts_are_refused_at_creation(app_server: InProcessServer,
                                                           host: str) -> None:
    """Even with private targets allowed: the host shown to admins is the host dialled."""
    server = app_server
    admin_token, wang = await login(server, "王建国")
    status, body = await http(
        "POST", f"{server.url}/api/v1/admin/communities/{wang['community_id']}/webhooks",
        admin_token, {"url": f"http://{host}:8080/hook", "events": ["ticket.changed"]})
    assert status == 400, body
    error = body["error"]
    assert error["code"] == "invalid" and "回调地址" in error["message"] and \
        "host" in error["message"], error
    assert await server.services.store.list_webhooks(wang["community_id"]) == []


async def test_the_stored_url_is_the_normalised_one(app_server: InProcessServer) -> None:
    server = app_server
    admin_token, wang = await login(server, "王建国")
    status, body = await http(
        "POST", f"{server.url}/api/v1/admin/communities/{wang['community_id']}/webhooks",
        admin_token, {"url": "HTTPS://Hooks.Example.ORG:8443/收/in?a=1",
                      "events": ["ticket.changed"]})
    assert status == 201, body
    stored = await server.services.store.get_webhook(body["webhook"]["id"])
    assert stored is not None
    assert stored.url == body["webhook"]["url"] == \
        "https://hooks.example.org:8443/%E6%94%B6/in?a=1"


@pytest.mark.parametrize("host", [*LOOK_ALIKES, "localhost", "[::ffff:127.0.0.1]"])
async def test_a_stored_loopback_url_is_not_delivered(guarded_server: InProcessServer,
                                                      host: str) -> None:
    """A row that got past (or predates) the creation check: the address actually dialled is
    checked when connecting, for IP literals as for names."""
    server = guarded_server
    receiver = await Receiver(server.clock).start()
    resident, zhang = await connect(server, "张伟")
    admin_token, wang = await login(server, "王建国")
    try:
        grid = f"grid:{zhang['grid_ids'][0]}"
        hook = Webhook(id=f"wh{uuid.uuid4().hex[:12]}", community_id=wang["community_id"],
                       url=f"http://{host}:{receiver.port}/hook", secret="whsec_test",
                       events=("message.created",), room_ids=(grid,), created_by=wang["id"],
                       created_at=server.clock.now())
        await server.services.store.add_webhook(hook)
        server.services.events.publish(WebhooksChanged(wang["community_id"]))
        await resident.ok("message:send", say(grid, "回环地址收不到"))

        async def first_attempt() -> dict[str, Any]:
            while True:
                log = await deliveries(server, admin_token, hook.id)
                if log and log[0]["attempts"] >= 1:
                    return log[0]
                await asyncio.sleep(0.05)

        attempt = await asyncio.wait_for(first_attempt(), 15)
        assert "non-public address" in attempt["last_error"], attempt
        assert attempt["status"] != "delivered" and receiver.received == []
    finally:
        await resident.close()
        await receiver.stop()
