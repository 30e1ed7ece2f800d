"""Moderation end to end (docs/architecture.md#security-model, docs/protocol.md): mutes,
removals, flags (举报), blocked words, the per-room send limit and the audit log, with real
Socket.IO clients against a real server.

Tests that change who may say what (mutes, removals, blocked words, rate limits) run on an
in-process server of their own; tests that only add data use the shared `server` process."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.app.conftest import StartApp
from tests.support.inproc import InProcessServer
from tests.support.server import Client, Server, connect, http, login


def cid() -> str:
    return uuid.uuid4().hex


def grid_room(server: Server, name: str) -> str:
    return "grid:" + str(server.account(name)["grid_id"])


def hall(user: dict[str, Any]) -> str:
    return "community:" + str(user["community_id"])


def error_of(ack: dict[str, Any], code: str) -> dict[str, Any]:
    assert ack["ok"] is False, ack
    assert ack["error"]["code"] == code, ack
    return dict(ack["error"])


def http_error(status: int, body: Any, expected_status: int, code: str) -> None:
    assert status == expected_status, (status, body)
    assert body["error"]["code"] == code, body


async def audit(server: Server, token: str, **query: str) -> list[dict[str, Any]]:
    return list((await audit_page(server, token, **query))["entries"])


async def audit_page(server: Server, token: str, **query: str) -> dict[str, Any]:
    status, body = await http("GET", f"{server.url}/api/v1/admin/audit?{urlencode(query)}",
                              token)
    assert status == 200, body
    return dict(body)


async def audit_pages(server: Server, token: str, limit: int,
                      **query: str) -> list[list[dict[str, Any]]]:
    """Every page of the log, following the `next` cursor the server returns."""
    pages: list[list[dict[str, Any]]] = []
    cursor: dict[str, str] = {}
    while True:
        page = await audit_page(server, token, **query, **cursor, limit=str(limit))
        pages.append(page["entries"])
        if page["next"] is None:
            assert len(page["entries"]) < limit
            return pages
        assert len(page["entries"]) == limit and len(pages) < 50
        last = page["entries"][-1]
        assert page["next"] == {"before": last["at"], "before_id": last["id"]}
        cursor = page["next"]


def new_in(client: Client, room_id: str) -> list[dict[str, Any]]:
    return [m for m in client.events["message:new"] if m["room_id"] == room_id]


async def close_all(clients: list[Client]) -> None:
    for client in clients:
        await client.close()


@pytest.fixture
async def limited_server(start_app: StartApp) -> InProcessServer:
    return await start_app(send_burst=3, send_rate_per_second=0.5)


# ---- 1. mute ------------------------------------------------------------------------------

async def test_worker_mutes_a_resident_in_one_room(server: InProcessServer) -> None:
    zhang, zhang_user = await connect(server, "张伟")
    liu, liu_user = await connect(server, "刘芳")
    worker, li = await connect(server, "李娜")
    clients = [zhang, liu, worker]
    room = grid_room(server, "张伟")
    mutes = f"{server.url}/api/v1/rooms/{room}/mutes"
    until = server.clock.now() + timedelta(hours=1)
    try:
        earlier = await zhang.ok("message:send", {"room_id": room, "text": "禁言前的话",
                                                  "client_id": cid()})
        status, body = await http("POST", mutes, li["token"], {
            "user_id": zhang_user["id"], "until": until.isoformat(), "reason": "连续刷屏广告"})
        assert status == 200, body
        assert body["user_id"] == zhang_user["id"] and body["room_id"] == room

        event = await zhang.wait_for("moderation", lambda e: e["action"] == "muted")
        assert event["room_id"] == room and event["reason"] == "连续刷屏广告"
        assert datetime.fromisoformat(event["until"]) == until
        assert "moderation" not in liu.events  # only the affected user is told

        ack = await zhang.call("message:send", {"room_id": room, "text": "我还能说话吗",
                                                "client_id": cid()})
        assert datetime.fromisoformat(error_of(ack, "muted")["until"]) == until
        ack = await zhang.call("message:edit", {"message_id": earlier["id"],
                                                "text": "禁言中改一下"})
        assert datetime.fromisoformat(error_of(ack, "muted")["until"]) == until

        # the mute is per room: the community hall still takes his messages
        await zhang.ok("message:send", {"room_id": hall(zhang_user), "text": "大厅里还能说",
                                        "client_id": cid()})
        # other members still send, and he still reads the room
        sent = await liu.ok("message:send", {"room_id": room, "text": "我可以正常发言",
                                             "client_id": cid()})
        await zhang.wait_for("message:new", lambda m: m["id"] == sent["id"])

        # a resident may not mute; staff may not be muted; `until` needs a time zone
        status, body = await http("POST", mutes, liu_user["token"], {
            "user_id": zhang_user["id"], "until": until.isoformat(), "reason": "x"})
        http_error(status, body, 403, "forbidden")
        admin_token, admin = await login(server, "王建国")
        status, body = await http("POST", mutes, li["token"], {
            "user_id": admin["id"], "until": until.isoformat(), "reason": "x"})
        http_error(status, body, 403, "forbidden")
        status, body = await http("POST", mutes, li["token"], {
            "user_id": zhang_user["id"], "until": until.replace(tzinfo=None).isoformat()})
        http_error(status, body, 400, "invalid")

        # the mute ends by itself at `until`
        server.clock.advance(hours=1, seconds=1)
        await zhang.ok("message:send", {"room_id": room, "text": "禁言结束了",
                                        "client_id": cid()})

        entries = await audit(server, admin_token, action="member.mute")
        assert [(e["actor_id"], e["target_id"], e["reason"]) for e in entries] == \
            [(li["id"], zhang_user["id"], "连续刷屏广告")]
        assert entries[0]["details"]["room_id"] == room
    finally:
        await close_all(clients)


# ---- 2. remove and restore ----------------------------------------------------------------

async def test_removed_member_leaves_the_room_at_once_until_restored(
        server: InProcessServer) -> None:
    sun, sun_user = await connect(server, "孙强")
    zhou, zhou_user = await connect(server, "周杰")
    worker, li = await connect(server, "李娜")
    clients = [sun, zhou, worker]
    room = grid_room(server, "孙强")
    lobby = hall(sun_user)
    removals = f"{server.url}/api/v1/rooms/{room}/removals"
    try:
        before = await zhou.ok("message:send", {"room_id": room, "text": "大家好",
                                                "client_id": cid()})
        await sun.wait_for("message:new", lambda m: m["id"] == before["id"])

        # neither a resident nor anyone against staff
        status, body = await http("POST", removals, zhou_user["token"],
                                  {"user_id": sun_user["id"], "reason": "x"})
        http_error(status, body, 403, "forbidden")
        admin_token, admin = await login(server, "王建国")
        status, body = await http("POST", removals, li["token"],
                                  {"user_id": admin["id"], "reason": "x"})
        http_error(status, body, 403, "forbidden")
        # nor someone who is not in the room (吴婷 lives in grid 3)
        _, wu = await login(server, "吴婷")
        status, body = await http("POST", removals, li["token"],
                                  {"user_id": wu["id"], "reason": "x"})
        http_error(status, body, 404, "not_found")
        status, body = await http("DELETE", f"{removals}/{wu['id']}", li["token"])
        http_error(status, body, 404, "not_found")

        status, body = await http("POST", removals, li["token"],
                                  {"user_id": sun_user["id"], "reason": "多次辱骂邻居"})
        assert status == 200 and body["removed"] is True, body
        event = await sun.wait_for("moderation", lambda e: e["action"] == "removed")
        assert event == {"action": "removed", "room_id": room, "reason": "多次辱骂邻居"}
        seen_before = len(new_in(sun, room))

        # the room goes on without him: a message there, then one in the hall he is still in;
        # events on one connection arrive in order, so once he has the hall marker he would
        # already have had the room message had he still been in the room
        during = await zhou.ok("message:send", {"room_id": room, "text": "他被移出了",
                                                "client_id": cid()})
        marker = await zhou.ok("message:send", {"room_id": lobby, "text": "大厅标记一",
                                                "client_id": cid()})
        await worker.wait_for("message:new", lambda m: m["id"] == during["id"])
        await sun.wait_for("message:new", lambda m: m["id"] == marker["id"])
        assert len(new_in(sun, room)) == seen_before, new_in(sun, room)

        for event_name, payload in (
            ("message:send", {"room_id": room, "text": "让我回去", "client_id": cid()}),
            ("room:history", {"room_id": room}),
        ):
            error_of(await sun.call(event_name, payload), "forbidden")
        status, body = await http("GET", f"{server.url}/api/v1/me/rooms", sun_user["token"])
        assert status == 200
        listed = {r["id"] for r in body["rooms"]}
        assert room not in listed and lobby in listed, listed

        # a reconnect does not put him back
        await sun.close()
        sun = await Client().connect(server.url, sun_user["token"])
        clients.append(sun)
        later = await zhou.ok("message:send", {"room_id": room, "text": "重连后也收不到",
                                               "client_id": cid()})
        marker = await zhou.ok("message:send", {"room_id": lobby, "text": "大厅标记二",
                                                "client_id": cid()})
        await worker.wait_for("message:new", lambda m: m["id"] == later["id"])
        await sun.wait_for("message:new", lambda m: m["id"] == marker["id"])
        assert new_in(sun, room) == []
        sync = await sun.ok("room:sync", {"cursors": {room: 0}})
        assert sync["errors"] == {room: "forbidden"}

        # restored: back in the room on the live socket, with history again
        server.clock.advance(minutes=5)  # audit entries are ordered by time, newest first
        status, body = await http("DELETE", f"{removals}/{sun_user['id']}", li["token"])
        assert status == 200 and body["removed"] is False, body
        await sun.wait_for("moderation", lambda e: e["action"] == "restored")
        back = await zhou.ok("message:send", {"room_id": room, "text": "欢迎回来",
                                              "client_id": cid()})
        await sun.wait_for("message:new", lambda m: m["id"] == back["id"])
        history = await sun.ok("room:history", {"room_id": room})
        assert during["id"] in [m["id"] for m in history["messages"]]
        await sun.ok("message:send", {"room_id": room, "text": "我回来了", "client_id": cid()})

        actions = [(e["action"], e["reason"]) for e in
                   await audit(server, admin_token, target_id=sun_user["id"])]
        assert [e for e in await audit(server, admin_token, target_id=wu["id"])
                if e["action"].startswith("member.")] == []
        assert ("member.remove", "多次辱骂邻居") in actions
        assert ("member.restore", "") in actions
        assert actions.index(("member.restore", "")) < actions.index(
            ("member.remove", "多次辱骂邻居"))  # newest first
    finally:
        await close_all(clients)


# ---- 3. flags (举报) ----------------------------------------------------------------------

async def test_flag_reaches_the_rooms_workers_and_handling_deletes(
        server: InProcessServer) -> None:
    zhang, zhang_user = await connect(server, "张伟")
    liu, liu_user = await connect(server, "刘芳")
    worker, li = await connect(server, "李娜")
    clients = [zhang, liu, worker]
    room = grid_room(server, "张伟")
    try:
        bad = await zhang.ok("message:send", {"room_id": room, "text": f"加微信买便宜货 {cid()}",
                                              "client_id": cid()})
        flag_url = f"{server.url}/api/v1/messages/{bad['id']}/flag"

        status, body = await http("POST", flag_url, zhang_user["token"], {"reason": "自己"})
        http_error(status, body, 400, "invalid")  # not your own message
        status, body = await http("POST", flag_url, liu_user["token"], {"reason": "发广告"})
        assert status == 201, body
        flag = body["flag"]
        assert flag["message_id"] == bad["id"] and flag["by"] == liu_user["id"]
        assert flag["outcome"] is None

        event = await worker.wait_for("flag:new", lambda f: f["id"] == flag["id"])
        assert event["message"]["id"] == bad["id"] and event["reason"] == "发广告"
        assert event["message"]["text"] == bad["text"]
        assert not [f for f in liu.events["flag:new"] + zhang.events["flag:new"]
                    if f["id"] == flag["id"]]

        flags_url = f"{server.url}/api/v1/moderation/flags"
        status, body = await http("GET", flags_url, li["token"])
        assert status == 200 and flag["id"] in [f["id"] for f in body["flags"]], body
        status, body = await http("GET", flags_url, liu_user["token"])
        http_error(status, body, 403, "forbidden")
        chen_token, _ = await login(server, "陈刚")  # the worker of grid 3 does not see it
        status, body = await http("GET", flags_url, chen_token)
        assert status == 200 and flag["id"] not in [f["id"] for f in body["flags"]], body

        handle_url = f"{server.url}/api/v1/moderation/flags/{flag['id']}/handle"
        status, body = await http("POST", handle_url, chen_token,
                                  {"outcome": "deleted", "note": "x"})
        http_error(status, body, 404, "not_found")
        status, body = await http("POST", handle_url, li["token"], {"outcome": "removed"})
        http_error(status, body, 400, "invalid")
        status, body = await http("POST", handle_url, li["token"],
                                  {"outcome": "deleted", "note": "违规广告"})
        assert status == 200, body
        assert body["flag"]["outcome"] == "deleted" and body["flag"]["handled_by"] == li["id"]

        deleted = await liu.wait_for("message:deleted", lambda e: e["message_id"] == bad["id"])
        assert deleted["room_id"] == room and deleted["deleted_by"] == li["id"]
        await zhang.wait_for("message:deleted", lambda e: e["message_id"] == bad["id"])
        history = await liu.ok("room:history", {"room_id": room, "limit": 100})
        (shown,) = [m for m in history["messages"] if m["id"] == bad["id"]]
        assert shown["deleted"] is True and shown["text"] == ""

        status, body = await http("POST", handle_url, li["token"], {"outcome": "kept"})
        http_error(status, body, 409, "conflict")
        status, body = await http("GET", flags_url, li["token"])
        assert flag["id"] not in [f["id"] for f in body["flags"]]  # open ones only
        status, body = await http("GET", flags_url + "?all=1", li["token"])
        assert flag["id"] in [f["id"] for f in body["flags"]]

        admin_token, _ = await login(server, "王建国")
        (flagged,) = await audit(server, admin_token, action="message.flag",
                                 target_id=bad["id"])
        assert flagged["actor_id"] == liu_user["id"] and flagged["reason"] == "发广告"
        (removed,) = await audit(server, admin_token, action="message.delete",
                                 target_id=bad["id"])
        assert removed["actor_id"] == li["id"] and removed["reason"] == "违规广告"
        (handled,) = await audit(server, admin_token, action="flag.handle",
                                 target_id=flag["id"])
        assert handled["details"]["outcome"] == "deleted"
    finally:
        await close_all(clients)


# ---- 4. blocked words ---------------------------------------------------------------------

async def test_community_blocked_words_refuse_sends_and_edits(
        server: InProcessServer) -> None:
    zhang, zhang_user = await connect(server, "张伟")
    liu, _ = await connect(server, "刘芳")
    clients = [zhang, liu]
    room = grid_room(server, "张伟")
    community = zhang_user["community_id"]
    words_url = f"{server.url}/api/v1/admin/communities/{community}/blocked-words"
    admin_token, admin = await login(server, "王建国")
    worker_token, _ = await login(server, "李娜")
    try:
        # an ordinary message, written before the word is blocked
        ordinary = await zhang.ok("message:send", {"room_id": room, "text": "周末有人拼车吗",
                                                   "client_id": cid()})

        status, body = await http("PUT", words_url, worker_token, {"words": ["代开发票"]})
        http_error(status, body, 403, "forbidden")
        for bad_body in ({"words": ["字" * 40]}, {"words": ["代开发票"], "extra": 1},
                         {"words": [""]}, {}):
            status, body = await http("PUT", words_url, admin_token, bad_body)
            http_error(status, body, 400, "invalid")
        status, body = await http("GET", words_url, worker_token)
        assert status == 200 and body["words"] == [], body  # nothing stored by the above

        status, body = await http("PUT", words_url, admin_token, {"words": ["代开发票"]})
        assert status == 200 and body["words"] == ["代开发票"], body
        status, body = await http("GET", words_url, worker_token)
        assert status == 200 and body["words"] == ["代开发票"], body

        before = await zhang.ok("room:history", {"room_id": room, "limit": 100})
        ack = await zhang.call("message:send", {"room_id": room, "text": "专业代开发票，私聊",
                                                "client_id": cid()})
        error_of(ack, "blocked_content")
        ack = await zhang.call("message:edit", {"message_id": ordinary["id"],
                                                "text": "周末有人拼车吗？另代开发票"})
        error_of(ack, "blocked_content")
        after = await zhang.ok("room:history", {"room_id": room, "limit": 100})
        assert after == before  # nothing stored, nothing edited

        fine = await zhang.ok("message:send", {"room_id": room, "text": "发票丢了怎么办",
                                               "client_id": cid()})
        assert fine["seq"] == before["messages"][-1]["seq"] + 1  # no seq used by the refusal
        got = await liu.wait_for("message:new", lambda m: m["id"] == fine["id"])
        assert "代开发票" not in [m["text"] for m in liu.events["message:new"]], got

        (entry,) = await audit(server, admin_token, action="community.blocked_words")
        assert entry["actor_id"] == admin["id"] and entry["target_id"] == community
        assert entry["details"] == {"added": ["代开发票"], "removed": []}
    finally:
        await close_all(clients)


# ---- 5. per-user per-room send limit ------------------------------------------------------

async def test_send_limit_is_per_room_and_keeps_the_connection(
        limited_server: InProcessServer) -> None:
    server = limited_server
    # 周杰 sent nothing while the demo was seeded, so his buckets are full
    zhou, zhou_user = await connect(server, "周杰")
    room = grid_room(server, "周杰")
    try:
        for n in range(3):
            await zhou.ok("message:send", {"room_id": room, "text": f"快速第{n}条",
                                            "client_id": cid()})
        ack = await zhou.call("message:send", {"room_id": room, "text": "第四条",
                                                "client_id": cid()})
        retry_after = error_of(ack, "rate_limited")["retry_after"]
        assert 0 < retry_after <= 2  # one token per 2 s at 0.5/s
        assert zhou.sio.connected
        # the same connection still works, and the bucket of another room is full
        history = await zhou.ok("room:history", {"room_id": room, "limit": 10})
        assert "第四条" not in [m["text"] for m in history["messages"]]
        await zhou.ok("message:send", {"room_id": hall(zhou_user), "text": "大厅里不受限",
                                        "client_id": cid()})
        # and another member's bucket in the same room is their own
        sun, _ = await connect(server, "孙强")
        try:
            await sun.ok("message:send", {"room_id": room, "text": "我不受影响",
                                          "client_id": cid()})
        finally:
            await sun.close()
    finally:
        await zhou.close()


# ---- 6. audit log access ------------------------------------------------------------------

async def test_audit_log_is_for_admins_and_filters(server: InProcessServer) -> None:
    audit_url = f"{server.url}/api/v1/admin/audit"
    for name in ("张伟", "李娜"):
        token, _ = await login(server, name)
        status, body = await http("GET", audit_url, token)
        http_error(status, body, 403, "forbidden")

    admin_token, _ = await login(server, "王建国")
    for before in ("2026-05-01T08:00:00", "yesterday"):
        status, body = await http("GET", f"{audit_url}?{urlencode({'before': before})}",
                                  admin_token)
        http_error(status, body, 400, "invalid")

    # one fresh entry of a known action, made by 赵敏
    zhang, _ = await connect(server, "张伟")
    try:
        sent = await zhang.ok("message:send", {"room_id": grid_room(server, "张伟"),
                                               "text": f"审计用消息 {cid()}",
                                               "client_id": cid()})
    finally:
        await zhang.close()
    zhao_token, zhao = await login(server, "赵敏")
    status, body = await http("POST", f"{server.url}/api/v1/messages/{sent['id']}/flag",
                              zhao_token, {"reason": "审计测试"})
    assert status == 201, body

    flags = await audit(server, admin_token, action="message.flag")
    assert flags and {e["action"] for e in flags} == {"message.flag"}
    assert sent["id"] in [e["target_id"] for e in flags]
    by_zhao = await audit(server, admin_token, actor_id=zhao["id"])
    assert by_zhao and {e["actor_id"] for e in by_zhao} == {zhao["id"]}
    assert sent["id"] in [e["target_id"] for e in by_zhao]
    # entries older than an hour ago: ours is not among them; with a time zone it is accepted
    earlier = (server.clock.now() - timedelta(hours=1)).isoformat()
    older = await audit(server, admin_token, action="message.flag", before=earlier)
    assert sent["id"] not in [e["target_id"] for e in older]
    later = (server.clock.now() + timedelta(minutes=1)).isoformat()
    newer = await audit(server, admin_token, action="message.flag", before=later)
    assert sent["id"] in [e["target_id"] for e in newer]
    # before_id is a cursor together with before only
    status, body = await http("GET", f"{audit_url}?before_id=a1", admin_token)
    http_error(status, body, 400, "invalid")

    # an admin reads real names; a short page has no next
    page = await audit_page(server, admin_token, actor_id=zhao["id"], action="message.flag")
    assert page["next"] is None
    flagged = [e for e in page["entries"] if e["target_id"] == sent["id"]]
    assert [(e["actor_id"], e["actor_name"]) for e in flagged] == [(zhao["id"], "赵敏")]
    # a full page has the cursor of its last entry, and it leads to the entries after it
    first = await audit_page(server, admin_token, limit="1")
    assert len(first["entries"]) == 1
    newest = first["entries"][0]
    assert first["next"] == {"before": newest["at"], "before_id": newest["id"]}
    second = await audit_page(server, admin_token, limit="1", **first["next"])
    assert second["entries"] and second["entries"][0]["id"] != newest["id"]
    assert (second["entries"][0]["at"], second["entries"][0]["id"]) < (newest["at"],
                                                                       newest["id"])
    whole = await audit(server, admin_token, limit="500")
    assert [e["id"] for e in whole[:2]] == [newest["id"], second["entries"][0]["id"]]


async def test_audit_log_pages_entries_of_one_moment_without_gaps(
        server: InProcessServer) -> None:
    """The clock stands still, as in one SLA sweep: every entry has the same `at`; paging by
    the returned `next` cursor still yields each entry exactly once, in order."""
    zhang, zhang_user = await connect(server, "张伟")
    liu, _ = await connect(server, "刘芳")
    worker, _ = await connect(server, "李娜")
    clients = [zhang, liu, worker]
    zhao_token, _ = await login(server, "赵敏")
    admin_token, _ = await login(server, "王建国")
    room = grid_room(server, "张伟")
    try:
        lift = await zhang.ok("message:send", {"room_id": room, "client_id": cid(),
                                               "text": "3栋电梯又坏了，卡在7楼不动"})
        await worker.wait_for("draft:new", lambda t: lift["id"] in t["message_ids"])
        for sender, flagger, count in ((zhang, zhao_token, 4), (liu, zhang_user["token"], 3)):
            for n in range(count):
                sent = await sender.ok("message:send", {"room_id": room, "client_id": cid(),
                                                        "text": f"待举报的消息 {n}"})
                status, body = await http(
                    "POST", f"{server.url}/api/v1/messages/{sent['id']}/flag", flagger,
                    {"reason": "同一时刻"})
                assert status == 201, body
    finally:
        await close_all(clients)

    whole = await audit_page(server, admin_token, limit="500")
    entries = whole["entries"]  # ours and the demo's, most of them of this one moment
    assert whole["next"] is None
    assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)
    ours = [e for e in entries if e["reason"] == "同一时刻"
            or e["details"].get("message_id") == lift["id"]]
    assert len(ours) == 8 and {e["at"] for e in ours} == {iso_z(server.clock.now())}
    names = {(e["action"], e["actor_name"]) for e in ours}
    assert names == {("ticket.draft", None), ("message.flag", "赵敏"), ("message.flag", "张伟")}
    assert [e["actor_id"] for e in ours if e["actor_name"] is None] == ["system"]

    pages = await audit_pages(server, admin_token, 3)
    assert [len(p) for p in pages] == [3] * (len(entries) // 3) + [len(entries) % 3]
    assert [e["id"] for p in pages for e in p] == [e["id"] for e in entries]
    # a page that ends exactly at the last entry still offers next; it leads to nothing
    flags = [e["id"] for e in entries if e["action"] == "message.flag"]
    pages = await audit_pages(server, admin_token, len(flags), action="message.flag")
    assert [[e["id"] for e in p] for p in pages] == [flags, []]
    pages = await audit_pages(server, admin_token, 2, action="message.flag")
    assert [e["id"] for p in pages for e in p] == flags


def iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
