"""Two residents, one grid room, a real server and real Socket.IO clients."""

from __future__ import annotations

import uuid

from tests.support.server import Client, ServerProcess, connect, http


def cid() -> str:
    return uuid.uuid4().hex


def grid_room(server: ServerProcess, name: str) -> str:
    return "grid:" + server.account(name)["grid_id"]


async def test_two_residents_chat_in_their_grid_room(server: ServerProcess) -> None:
    zhang, _ = await connect(server, "张伟")
    liu, _ = await connect(server, "刘芳")
    room = grid_room(server, "张伟")
    try:
        sent = await zhang.ok("message:send", {"room_id": room, "text": "楼下停水了吗？",
                                               "client_id": cid()})
        got = await liu.wait_for("message:new", lambda m: m["id"] == sent["id"])
        assert got["text"] == "楼下停水了吗？"
        assert got["sender"]["name"] == "张*（3栋）"  # residents see masked names
        reply = await liu.ok("message:send", {"room_id": room, "text": "没有，正常的",
                                              "client_id": cid(), "reply_to": sent["id"]})
        assert reply["seq"] == sent["seq"] + 1
        assert reply["reply_to"] == sent["id"]
        await zhang.wait_for("message:new", lambda m: m["id"] == reply["id"])
    finally:
        await zhang.close()
        await liu.close()


async def test_resident_cannot_read_or_post_in_another_grid(server: ServerProcess) -> None:
    zhang, _ = await connect(server, "张伟")
    other = grid_room(server, "孙强")
    try:
        for event, payload in (
            ("message:send", {"room_id": other, "text": "hi", "client_id": cid()}),
            ("room:history", {"room_id": other}),
        ):
            ack = await zhang.call(event, payload)
            assert ack == {"ok": False, "error": ack["error"]}
            assert ack["error"]["code"] == "forbidden"
        sync = await zhang.ok("room:sync", {"cursors": {other: 0}})
        assert sync["errors"] == {other: "forbidden"} and sync["rooms"] == {}
    finally:
        await zhang.close()


async def test_history_pages_by_seq(server: ServerProcess) -> None:
    zhao, _ = await connect(server, "赵敏")
    room = grid_room(server, "赵敏")
    try:
        sent = [await zhao.ok("message:send", {"room_id": room, "text": f"第{i}条",
                                               "client_id": cid()}) for i in range(5)]
        last = sent[-1]["seq"]
        page = await zhao.ok("room:history", {"room_id": room, "before_seq": last + 1,
                                              "limit": 3})
        assert [m["seq"] for m in page["messages"]] == [last - 2, last - 1, last]
        older = await zhao.ok("room:history", {"room_id": room, "before_seq": last - 2,
                                               "limit": 2})
        assert [m["seq"] for m in older["messages"]] == [last - 4, last - 3]
    finally:
        await zhao.close()


async def test_retried_send_yields_one_message(server: ServerProcess) -> None:
    zhang, user = await connect(server, "张伟")
    liu, _ = await connect(server, "刘芳")
    room = grid_room(server, "张伟")
    client_id = cid()
    try:
        payload = {"room_id": room, "text": "重试的消息", "client_id": client_id}
        first = await zhang.ok("message:send", payload)
        second = await zhang.ok("message:send", payload)
        assert first["id"] == second["id"] and first["seq"] == second["seq"]
        follow = await zhang.ok("message:send", {"room_id": room, "text": "下一条",
                                                 "client_id": cid()})
        assert follow["seq"] == first["seq"] + 1
        await liu.wait_for("message:new", lambda m: m["id"] == follow["id"])
        assert [m["id"] for m in liu.events["message:new"]].count(first["id"]) == 1
        status, data = await http("GET", f"{server.url}/api/v1/rooms/{room}/messages?limit=100",
                                  user["token"])
        assert status == 200
        assert [m["client_id"] for m in data["messages"]].count(client_id) == 1
    finally:
        await zhang.close()
        await liu.close()


async def test_reconnect_and_sync_gets_every_missed_message_once(server: ServerProcess) -> None:
    zhang, _ = await connect(server, "张伟")
    liu, liu_user = await connect(server, "刘芳")
    room = grid_room(server, "张伟")
    try:
        seen = await zhang.ok("message:send", {"room_id": room, "text": "断线前",
                                               "client_id": cid()})
        await liu.wait_for("message:new", lambda m: m["id"] == seen["id"])
        cursor = seen["seq"]
        await liu.close()
        missed = [await zhang.ok("message:send", {"room_id": room, "text": f"错过{i}",
                                                  "client_id": cid()}) for i in range(7)]
        liu = await Client().connect(server.url, liu_user["token"])
        sync = await liu.ok("room:sync", {"cursors": {room: cursor}})
        got = sync["rooms"][room]["messages"]
        assert [m["id"] for m in got] == [m["id"] for m in missed]
        assert sync["rooms"][room]["has_more"] is False
        again = await liu.ok("room:sync", {"cursors": {room: got[-1]["seq"]}})
        assert again["rooms"][room]["messages"] == []
    finally:
        await zhang.close()
        await liu.close()


async def test_edit_delete_and_sync_of_changes(server: ServerProcess) -> None:
    zhang, _ = await connect(server, "张伟")
    worker, _ = await connect(server, "李娜")
    room = grid_room(server, "张伟")
    try:
        before = await zhang.ok("room:sync", {"cursors": {room: 0}})
        since = before["server_time"]
        msg = await zhang.ok("message:send", {"room_id": room, "text": "原文",
                                              "client_id": cid()})
        edited = await zhang.ok("message:edit", {"message_id": msg["id"], "text": "改过"})
        assert edited["text"] == "改过" and edited["edited_at"]
        await worker.wait_for("message:updated", lambda m: m["id"] == msg["id"])
        other = await worker.call("message:edit", {"message_id": msg["id"], "text": "x"})
        assert other["error"]["code"] == "forbidden"
        deleted = await worker.ok("message:delete", {"message_id": msg["id"],
                                                     "reason": "测试删除"})
        assert deleted["deleted"] and deleted["text"] == ""
        tomb = await zhang.wait_for("message:deleted", lambda e: e["message_id"] == msg["id"])
        assert tomb["reason"] == "测试删除"
        sync = await zhang.ok("room:sync", {"cursors": {room: msg["seq"]}, "since": since})
        changed = sync["rooms"][room]["changed"]
        assert [(m["id"], m["deleted"]) for m in changed] == [(msg["id"], True)]
    finally:
        await zhang.close()
        await worker.close()


async def test_room_list_has_unread_counts(server: ServerProcess) -> None:
    zhang, _ = await connect(server, "张伟")
    zhao, zhao_user = await connect(server, "赵敏")
    room = grid_room(server, "张伟")
    try:
        status, data = await http("GET", server.url + "/api/v1/me/rooms", zhao_user["token"])
        assert status == 200
        mine = {r["id"]: r for r in data["rooms"]}
        assert set(mine) == {room, "community:" + zhao_user["community_id"]}
        await zhao.ok("room:read", {"room_id": room, "seq": mine[room]["last_seq"]})
        for i in range(3):
            await zhang.ok("message:send", {"room_id": room, "text": f"未读{i}",
                                            "client_id": cid()})
        _, data = await http("GET", server.url + "/api/v1/me/rooms", zhao_user["token"])
        mine = {r["id"]: r for r in data["rooms"]}
        assert mine[room]["unread"] == 3
        assert mine[room]["last_message"]["text"] == "未读2"  # the room list's preview line
    finally:
        await zhang.close()
        await zhao.close()


async def test_typing_and_presence_reach_the_room(server: ServerProcess) -> None:
    zhang, _ = await connect(server, "张伟")
    room = grid_room(server, "张伟")
    try:
        zhao, zhao_user = await connect(server, "赵敏")
        await zhang.wait_for("presence", lambda e: e["room_id"] == room
                             and zhao_user["id"] in e["online"])
        await zhao.ok("typing", {"room_id": room})
        typing = await zhang.wait_for("typing", lambda e: e["user_id"] == zhao_user["id"])
        assert typing["name"] == "赵*（5栋）"
        await zhao.close()
        await zhang.wait_for("presence", lambda e: e["room_id"] == room
                             and zhao_user["id"] in e["offline"])
    finally:
        await zhang.close()
