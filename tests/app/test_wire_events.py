"""Every server-to-client event of a real run fits its model in the catalogue (chat.wire_events).

An in-process server and real Socket.IO clients go through messages (send, type, edit,
delete), a detected draft and a filed ticket, a flag, mutes and a removal, a notice with
acknowledgements and reminders, a poll with a vote and its closing, a verification and a
log-out. Two records are checked with strict validation: what the fan-out was asked to send
(every event, for every audience, taken through JSON as the wire does) and what the clients
received."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from chat.wire_events import CATALOGUE, ServerEvent
from tests.support.inproc import InProcessServer
from tests.support.server import Client, connect, http
from tests.support.server import ok as api

LIFT = "3栋电梯又拐哒，卡在7楼不动"
# Every event a run like this one must produce; bot:broadcast comes from outside linli through
# Redis (tests/e2e/test_bot_emitter.py checks it against its model).
EXPECTED = set(CATALOGUE) - {"bot:broadcast"}


def later(server: InProcessServer, **delta: float) -> str:
    return (server.clock.now() + timedelta(**delta)).isoformat()


class FanoutRecord:
    """What the fan-out is asked to send, as (event name, JSON text)."""

    def __init__(self, server: InProcessServer, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[tuple[str, str]] = []
        fanout = server.services.fanout
        send = fanout.send

        async def recording(event: ServerEvent, room: str, skip_sid: str | None = None) -> None:
            self.sent.append((event.name, json.dumps(event.wire(), ensure_ascii=False)))
            await send(event, room, skip_sid=skip_sid)

        monkeypatch.setattr(fanout, "send", recording)


def invalid_payloads(events: list[tuple[str, Any]]) -> list[str]:
    """Each payload that is not a strict instance of its event's model, with the reason."""
    problems = []
    for name, payload in events:
        model = CATALOGUE.get(name)
        if model is None:
            problems.append(f"{name}: not in the catalogue")
            continue
        try:
            model.model_validate(payload, strict=True)
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
    return problems


async def messages(zhang: Client, liu: Client, li: Client, room: str) -> dict[str, Any]:
    hello = await zhang.ok("message:send", {"room_id": room, "text": "@刘芳 早上好",
                                             "client_id": "we-hello"})
    await zhang.ok("typing", {"room_id": room})
    await zhang.ok("message:edit", {"message_id": hello["id"], "text": "大家早上好"})
    await zhang.ok("message:delete", {"message_id": hello["id"], "reason": "发错了"})
    lift = await zhang.ok("message:send", {"room_id": room, "text": LIFT, "client_id": "we-lift"})
    await liu.wait_for("message:deleted", lambda e: e["message_id"] == hello["id"])
    await li.wait_for("draft:new", lambda t: lift["id"] in t["message_ids"])
    return lift  # type: ignore[no-any-return]


async def ticket_and_flag(server: InProcessServer, people: dict[str, dict[str, Any]],
                          lift: dict[str, Any]) -> None:
    filed = await api(server, "POST", "/api/v1/tickets", people["张伟"]["token"],
                      {"message_id": lift["id"]}, status=201)
    await api(server, "POST", f"/api/v1/tickets/{filed['ticket']['id']}/accept",
              people["李娜"]["token"], {"category": "电梯设施", "urgency": "urgent"})
    await api(server, "POST", f"/api/v1/messages/{lift['id']}/flag", people["刘芳"]["token"],
              {"reason": "重复刷屏"}, status=201)


async def moderation(server: InProcessServer, people: dict[str, dict[str, Any]],
                     room: str) -> None:
    li, target = people["李娜"]["token"], people["刘芳"]["id"]
    mutes, removals = f"/api/v1/rooms/{room}/mutes", f"/api/v1/rooms/{room}/removals"
    await api(server, "POST", mutes, li, {"user_id": target, "until": later(server, hours=1),
                                          "reason": "刷屏"})
    await api(server, "POST", mutes, li, {"user_id": target, "until": later(server, hours=-1)})
    await api(server, "POST", removals, li, {"user_id": target, "reason": "广告"})
    await api(server, "DELETE", f"{removals}/{target}", li)


async def notice(server: InProcessServer, people: dict[str, dict[str, Any]],
                 clients: dict[str, Client], room: str) -> None:
    posted = await api(server, "POST", f"/api/v1/rooms/{room}/notices",
                       people["赵敏"]["token"], {"title": "停水通知", "body": "明天9点到12点停水",
                                                "requires_ack": True}, status=201)
    nid = posted["notice"]["id"]
    await api(server, "POST", f"/api/v1/notices/{nid}/remind", people["李娜"]["token"])
    await clients["刘芳"].wait_for("notice:remind", lambda e: e["notice"]["id"] == nid)
    await clients["张伟"].ok("notice:ack", {"notice_id": nid})
    await clients["刘芳"].wait_for("notice:household_ack", lambda e: e["notice_id"] == nid)
    await clients["赵敏"].wait_for("notice:updated", lambda e: e["change"] == "acks")
    await api(server, "POST", f"/api/v1/notices/{nid}/unpin", people["李娜"]["token"])
    await clients["刘芳"].wait_for("notice:updated", lambda e: e["change"] == "unpinned")


async def poll(server: InProcessServer, people: dict[str, dict[str, Any]],
               clients: dict[str, Client], room: str) -> None:
    opened = await api(server, "POST", f"/api/v1/rooms/{room}/polls", people["赵敏"]["token"],
                       {"question": "3栋门口要不要装充电桩？", "options": ["装", "不装"],
                        "deadline": later(server, hours=2)}, status=201)
    pid = opened["poll"]["id"]
    await clients["张伟"].ok("poll:vote", {"poll_id": pid, "option_ids": ["o1"]})
    await api(server, "POST", f"/api/v1/polls/{pid}/close", people["李娜"]["token"])
    await clients["刘芳"].wait_for("poll:updated", lambda p: p["status"] == "closed")


async def newcomer(server: InProcessServer, people: dict[str, dict[str, Any]]) -> None:
    li = people["李娜"]["token"]
    grid_id = people["张伟"]["grid_ids"][0]
    code = await api(server, "POST", f"/api/v1/admin/grids/{grid_id}/join-codes", li,
                     status=201)
    registered = await api(server, "POST", "/api/v1/auth/register", None, {
        "join_code": code["join_code"]["code"], "name": "黄小明", "phone": "13711112222",
        "password": "secret-pass-1", "building": "6", "unit": "2", "room": "503"}, status=201)
    login = await api(server, "POST", "/api/v1/auth/login", None,
                      {"phone": "13711112222", "password": "secret-pass-1"})
    client = await Client().connect(server.url, login["token"])
    try:
        await api(server, "POST", f"/api/v1/admin/residents/{registered['user']['id']}/verify",
                  li, {"approve": True})
        await client.wait_for("account:updated")
        status, _ = await http("POST", server.url + "/api/v1/auth/logout", login["token"])
        assert status == 200
        await client.wait_for("session:revoked")
    finally:
        await client.close()
    people["黄小明"] = {"events": [(e, p) for e, ps in client.events.items() for p in ps]}


async def test_every_event_of_a_run_fits_its_model(server: InProcessServer,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    record = FanoutRecord(server, monkeypatch)
    names = ("李娜", "王建国", "张伟", "刘芳", "赵敏")
    clients: dict[str, Client] = {}
    people: dict[str, dict[str, Any]] = {}
    try:
        for name in names:
            clients[name], people[name] = await connect(server, name)
        room = f"grid:{people['张伟']['grid_ids'][0]}"
        lift = await messages(clients["张伟"], clients["刘芳"], clients["李娜"], room)
        await ticket_and_flag(server, people, lift)
        await moderation(server, people, room)
        await notice(server, people, clients, room)
        await poll(server, people, clients, room)
        await newcomer(server, people)
        await clients["刘芳"].wait_for("presence")
    finally:
        for client in clients.values():
            await client.close()

    received = [(e, p) for c in clients.values() for e, ps in c.events.items() for p in ps]
    received += people["黄小明"]["events"]
    sent = [(name, json.loads(text)) for name, text in record.sent]
    assert not invalid_payloads(sent), invalid_payloads(sent)
    assert not invalid_payloads(received), invalid_payloads(received)
    assert {name for name, _ in sent} >= EXPECTED, EXPECTED - {name for name, _ in sent}
    assert {name for name, _ in received} >= EXPECTED, \
        EXPECTED - {name for name, _ in received}
    assert len(received) > len(EXPECTED) * 2  # many payloads checked, not one of each


def test_strict_validation_refuses_what_the_wire_must_not_carry() -> None:
    """The check above can fail: a coerced type, a missing key or an unknown key is refused."""
    good = {"room_id": "grid:g1", "message_id": "m1", "seq": 3, "deleted_by": "u1",
            "reason": None}
    assert not invalid_payloads([("message:deleted", good)])
    for bad in (good | {"seq": "3"}, {k: v for k, v in good.items() if k != "seq"},
                good | {"extra": 1}):
        assert invalid_payloads([("message:deleted", bad)])
    assert invalid_payloads([("message:created", good)])
