"""Notices (公告) end to end, with real clients on an in-process server whose clock the test
moves: who may post, delivery, acknowledgement by household, the author's status view,
automatic and manual reminders, scheduling, expiry, unpinning, `/公告` in the chat and
invalid payloads."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest

from bots.accounts.admin import create_bot
from bots.accounts.payloads import CreateBot
from bots.notices import jobs
from bots.notices.actions import publish_notice
from bots.notices.payloads import NewNotice
from chat.clock import iso
from chat.wire_events import ServerEvent
from tests.support.inproc import InProcessServer
from tests.support.server import Client, connect, http
from tests.support.server import ok as api

People = dict[str, tuple[Client, dict[str, Any]]]


@asynccontextmanager
async def online(server: InProcessServer, *names: str) -> AsyncIterator[People]:
    people: People = {}
    try:
        for name in names:
            people[name] = await connect(server, name)
        yield people
    finally:
        for client, _ in people.values():
            await client.close()


async def login_token(server: InProcessServer, name: str) -> str:
    account = server.account(name)
    _, data = await http("POST", server.url + "/api/v1/auth/login",
                         body={"phone": account["phone"], "password": account["password"]})
    return data["token"]  # type: ignore[no-any-return]


def grid_room(user: dict[str, Any], index: int = 0) -> str:
    return f"grid:{user['grid_ids'][index]}"


def later(server: InProcessServer, **delta: float) -> str:
    return iso(server.clock.now() + timedelta(**delta))


async def post(server: InProcessServer, user: dict[str, Any], room_id: str,
               **fields: Any) -> dict[str, Any]:
    body = {"title": "停水通知", "body": "明天9点到12点停水，请提前储水"} | fields
    data = await api(server, "POST", f"/api/v1/rooms/{room_id}/notices", user["token"], body,
                     status=201)
    return data["notice"]  # type: ignore[no-any-return]


def about(notice_id: str, change: str | None = None) -> Any:
    return lambda e: e["notice"]["id"] == notice_id and (change is None or
                                                          e["change"] == change)


def bot_line(text: str) -> Any:
    return lambda m: m["sender"]["id"] == "bot:notices" and text in m["text"]


async def test_who_may_post_and_who_receives(server: InProcessServer) -> None:
    async with online(server, "赵敏", "张伟", "孙强", "李娜") as people:
        (_, zhao), (zhang_c, zhang), (sun_c, sun), (_, li) = people.values()
        room = grid_room(zhao)
        notice = await post(server, zhao, room, title="楼道清理")
        assert (notice["status"], notice["author"]["name"]) == ("pinned", "赵*（5栋）")
        got = await zhang_c.wait_for("notice:new", lambda n: n["id"] == notice["id"])
        assert got["title"] == "楼道清理" and got["requires_ack"] is False
        line = await zhang_c.wait_for("message:new", bot_line("楼道清理"))
        assert (line["kind"], line["sender"]["name"]) == ("bot", "公告")

        liu = await login_token(server, "刘芳")  # a resident without the party-member flag
        refused = await api(server, "POST", f"/api/v1/rooms/{room}/notices", liu,
                            {"title": "t", "body": "b"}, status=403)
        assert refused["error"]["code"] == "forbidden"
        outsider = await api(server, "POST", f"/api/v1/rooms/{room}/notices", sun["token"],
                             {"title": "t", "body": "b"}, status=403)
        assert outsider["error"]["code"] == "forbidden"
        await api(server, "GET", f"/api/v1/notices/{notice['id']}", sun["token"], status=404)

        marker = await post(server, li, grid_room(sun))  # a worker, in grid 2
        await sun_c.wait_for("notice:new", lambda n: n["id"] == marker["id"])
        assert [n["id"] for n in sun_c.events["notice:new"]] == [marker["id"]]

        pinned = await api(server, "GET", f"/api/v1/rooms/{room}/notices", zhang["token"])
        assert [n["id"] for n in pinned["notices"]] == [notice["id"]]
        history = await zhang_c.ok("room:history", {"room_id": room})
        assert any("楼道清理" in m["text"] for m in history["messages"])


async def test_acknowledgement_by_household(server: InProcessServer) -> None:
    async with online(server, "李娜", "张伟", "赵敏") as people:
        (li_c, li), (zhang_c, zhang), (_, zhao) = people.values()
        notice = await post(server, li, grid_room(zhang), requires_ack=True)
        nid = notice["id"]
        await zhang_c.wait_for("notice:new", lambda n: n["id"] == nid)

        first = await zhang_c.ok("notice:ack", {"notice_id": nid})
        assert first["acknowledged"] and first["household_acknowledged"]
        assert await zhang_c.ok("notice:ack", {"notice_id": nid}) == first  # idempotent
        update = await li_c.wait_for("notice:updated", about(nid, "acks"))
        assert update["acks"] == {"acknowledged_households": 1, "acknowledged_members": 1}

        liu_view = await api(server, "GET", f"/api/v1/notices/{nid}",
                             await login_token(server, "刘芳"))
        assert (liu_view["notice"]["acknowledged"],
                liu_view["notice"]["household_acknowledged"]) == (False, True)

        status = await api(server, "GET", f"/api/v1/notices/{nid}/acks", li["token"])
        assert status["summary"]["acknowledged_households"] == 1
        homes = [(h["label"], h["acknowledged"],
                  [(m["name"], m["acknowledged"]) for m in h["members"]])
                 for h in status["households"]]
        assert homes == [("5栋1单元302", False, [("赵敏", False)]),
                         ("3栋2单元701", True, [("张伟", True), ("刘芳", False)])]
        for token in (zhang["token"], zhao["token"]):
            await api(server, "GET", f"/api/v1/notices/{nid}/acks", token, status=403)

        # a party member author sees the counts, buildings and masked names; no unit or room
        own = await post(server, zhao, grid_room(zhao), requires_ack=True, title="义诊")
        await zhang_c.ok("notice:ack", {"notice_id": own["id"]})
        mine = await api(server, "GET", f"/api/v1/notices/{own['id']}/acks", zhao["token"])
        assert [(h["label"], [m["name"] for m in h["members"]]) for h in mine["households"]] \
            == [("3栋", ["张*（3栋）", "刘*（3栋）"])]
        assert mine["summary"]["acknowledged_households"] == 1
        assert "701" not in str(mine["households"])


async def test_a_worker_sees_details_of_their_own_grids_households_only(
        server: InProcessServer) -> None:
    """A hall notice: every worker moderates the hall, yet sees the flat numbers and real
    names of their own grids' households only (chat.permissions.can_see_personal_details)."""
    async with online(server, "王建国", "张伟", "吴婷") as people:
        (_, wang), (zhang_c, zhang), (wu_c, _) = people.values()
        notice = await post(server, wang, f"community:{zhang['community_id']}",
                            requires_ack=True)
        for client in (zhang_c, wu_c):
            await client.wait_for("notice:new", lambda n: n["id"] == notice["id"])
            await client.ok("notice:ack", {"notice_id": notice["id"]})
        path = f"/api/v1/notices/{notice['id']}/acks"

        def homes(status: dict[str, Any]) -> dict[str, list[str]]:
            return {h["label"]: [m["name"] for m in h["members"]] for h in status["households"]}

        chen = await api(server, "GET", path, await login_token(server, "陈刚"))
        seen = homes(chen)
        assert seen["12栋1单元201"] == ["吴婷"]
        assert seen["3栋"] == ["张*（3栋）", "刘*（3栋）"] and "3栋2单元701" not in seen
        assert "701" not in str(chen["households"])
        everything = homes(await api(server, "GET", path, wang["token"]))
        assert everything["3栋2单元701"] == ["张伟", "刘芳"]


async def test_staff_and_the_author_do_not_acknowledge(server: InProcessServer) -> None:
    async with online(server, "李娜", "赵敏", "王建国") as people:
        (li_c, li), (zhao_c, zhao), (wang_c, _) = people.values()
        by_worker = await post(server, li, grid_room(zhao), requires_ack=True)
        by_resident = await post(server, zhao, grid_room(zhao), requires_ack=True, title="义诊")
        for client, notice in ((li_c, by_worker), (wang_c, by_worker), (li_c, by_resident),
                               (zhao_c, by_resident)):
            refused = await client.call("notice:ack", {"notice_id": notice["id"]})
            assert refused["error"]["code"] == "forbidden"
            assert "仅居民需要确认公告" in refused["error"]["message"]
        await zhao_c.ok("notice:ack", {"notice_id": by_worker["id"]})
        update = await li_c.wait_for("notice:updated", about(by_worker["id"], "acks"))
        assert update["acks"] == {"acknowledged_households": 1, "acknowledged_members": 1}
        status = await api(server, "GET", f"/api/v1/notices/{by_resident['id']}/acks",
                           li["token"])
        assert status["summary"]["acknowledged_members"] == 0


async def test_acknowledgement_counts_are_coalesced(server: InProcessServer,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    recounts: list[str] = []
    list_acks = server.services.store.list_acks

    async def recounted(notice_id: str) -> Any:
        recounts.append(notice_id)
        return await list_acks(notice_id)

    monkeypatch.setattr(server.services.store, "list_acks", recounted)
    async with online(server, "李娜", "张伟", "刘芳", "赵敏") as people:
        (li_c, li), *residents = people.values()
        notice = await post(server, li, grid_room(li), requires_ack=True)
        nid = notice["id"]
        for client, _ in residents:
            await client.ok("notice:ack", {"notice_id": nid})
        last = await li_c.wait_for("notice:updated", lambda e: about(nid, "acks")(e)
                                   and e["acks"]["acknowledged_members"] == 3)
        assert last["acks"] == {"acknowledged_households": 2, "acknowledged_members": 3}
        sent = [e["acks"] for e in li_c.events["notice:updated"] if about(nid, "acks")(e)]
        assert sent == [{"acknowledged_households": 1, "acknowledged_members": 1},
                        last["acks"]]  # the first at once, the next two as one

        await residents[0][0].ok("notice:ack", {"notice_id": nid})  # again: nothing changes
        marker = await post(server, li, grid_room(li), requires_ack=True, title="标记")
        await residents[0][0].ok("notice:ack", {"notice_id": marker["id"]})
        await li_c.wait_for("notice:updated", about(marker["id"], "acks"))
        assert len([e for e in li_c.events["notice:updated"] if about(nid, "acks")(e)]) == 2
        assert recounts == []  # the counts kept on the notice, not a recount of the room
        status = await api(server, "GET", f"/api/v1/notices/{nid}/acks", li["token"])
        assert status["summary"]["acknowledged_members"] == 3 and recounts == [nid]


async def test_a_bot_author_is_not_sent_updates(server: InProcessServer,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    async with online(server, "李娜", "张伟", "王建国", "赵敏") as people:
        (li_c, _), (zhang_c, zhang), (_, wang), (_, zhao) = people.values()
        services = server.services
        room = await services.store.get_room(grid_room(zhang))
        admin = await services.store.get_user(wang["id"])
        assert room is not None and admin is not None
        bot, _ = await create_bot(services, admin, room.community_id,
                                  CreateBot(name="停水提醒", rooms=[room.id]))
        targets: list[str] = []
        send = services.fanout.send

        async def recording(event: ServerEvent, target: str, **options: Any) -> None:
            targets.append(target)
            await send(event, target, **options)

        monkeypatch.setattr(services.fanout, "send", recording)
        notice = await publish_notice(services, author_id=bot.id, author_name=bot.name,
                                      room=room, form=NewNotice(room_id=room.id, title="停水",
                                                                body="明天停水",
                                                                requires_ack=True))
        await zhang_c.ok("notice:ack", {"notice_id": notice.id})
        await li_c.wait_for("notice:updated", about(notice.id, "acks"))
        await api(server, "POST", f"/api/v1/notices/{notice.id}/remind", wang["token"])
        await li_c.wait_for("notice:updated", about(notice.id, "reminded"))
        assert f"user:{bot.id}" not in targets
        assert f"user:{zhao['id']}" in targets  # reminded, by the same recording


async def test_automatic_reminder_once_to_households_not_acknowledged(
        server: InProcessServer) -> None:
    async with online(server, "李娜", "张伟", "刘芳", "赵敏") as people:
        (li_c, li), (zhang_c, zhang), (liu_c, _), (zhao_c, _) = people.values()
        room = grid_room(zhang)
        notice = await post(server, li, room, requires_ack=True, remind_after_hours=2)
        nid = notice["id"]
        await zhang_c.ok("notice:ack", {"notice_id": nid})
        await li_c.wait_for("notice:updated", about(nid, "acks"))

        server.clock.advance(hours=1, minutes=58)
        early = await post(server, li, room, title="标记", expires_at=later(server, minutes=1))
        server.clock.advance(minutes=1, seconds=30)  # the marker expires; no reminder yet
        await zhao_c.wait_for("notice:updated", about(early["id"], "expired"))
        assert "notice:remind" not in zhao_c.events

        server.clock.advance(minutes=1)
        # two sweeps at once, as two processes would run them, besides the server's own
        await asyncio.gather(jobs.run_due(server.services), jobs.run_due(server.services))
        reminded = await zhao_c.wait_for("notice:remind", lambda e: e["notice"]["id"] == nid)
        assert reminded["auto"] is True
        for client in (zhang_c, liu_c):  # their household acknowledged through 张伟
            await client.wait_for("message:new", bot_line("还有1户未确认"))
            assert "notice:remind" not in client.events
        summary = await li_c.wait_for("notice:updated", about(nid, "reminded"))
        assert summary["acks"]["acknowledged_households"] == 1

        server.clock.advance(hours=5)
        marker = await post(server, li, room, title="标记", expires_at=later(server, minutes=1))
        server.clock.advance(minutes=2)
        await zhao_c.wait_for("notice:updated", about(marker["id"], "expired"))
        assert len(zhao_c.events["notice:remind"]) == 1
        lines = [m for m in zhao_c.events["message:new"] if bot_line("公告提醒")(m)]
        assert len(lines) == 1


async def test_manual_reminder(server: InProcessServer) -> None:
    async with online(server, "李娜", "赵敏", "张伟") as people:
        (_, li), (zhao_c, zhao), (zhang_c, zhang) = people.values()
        notice = await post(server, li, grid_room(zhang), requires_ack=True)
        nid = notice["id"]
        await zhao_c.ok("notice:ack", {"notice_id": nid})
        await api(server, "POST", f"/api/v1/notices/{nid}/remind", zhao["token"], status=403)
        sent = await api(server, "POST", f"/api/v1/notices/{nid}/remind", li["token"])
        assert (sent["reminded_households"], sent["reminded_members"]) == (1, 2)
        reminded = await zhang_c.wait_for("notice:remind", lambda e: e["notice"]["id"] == nid)
        assert reminded["auto"] is False
        await zhao_c.wait_for("message:new", bot_line("还有1户未确认"))
        assert "notice:remind" not in zhao_c.events
        again = await api(server, "POST", f"/api/v1/notices/{nid}/remind", li["token"],
                          status=429)
        assert again["error"]["code"] == "rate_limited" and again["error"]["retry_after"] > 0
        plain = await post(server, li, grid_room(zhang))
        await api(server, "POST", f"/api/v1/notices/{plain['id']}/remind", li["token"],
                  status=400)


async def test_scheduled_notice_is_published_when_its_time_comes(
        server: InProcessServer) -> None:
    async with online(server, "李娜", "张伟") as people:
        (_, li), (zhang_c, zhang) = people.values()
        room = grid_room(zhang)
        notice = await post(server, li, room, title="周六义诊", publish_at=later(server, hours=1))
        assert (notice["status"], notice["published_at"]) == ("scheduled", None)
        marker = await post(server, li, room, title="标记", publish_at=later(server, minutes=20))
        listed = await api(server, "GET", f"/api/v1/rooms/{room}/notices?all=1", zhang["token"])
        assert listed["notices"] == []
        await api(server, "GET", f"/api/v1/notices/{notice['id']}", zhang["token"], status=404)
        staff = await api(server, "GET", f"/api/v1/rooms/{room}/notices?all=1", li["token"])
        assert {n["id"] for n in staff["notices"]} == {notice["id"], marker["id"]}

        server.clock.advance(minutes=30)
        await zhang_c.wait_for("notice:new", lambda n: n["id"] == marker["id"])
        await zhang_c.wait_for("message:new", bot_line("标记"))
        assert [n["id"] for n in zhang_c.events["notice:new"]] == [marker["id"]]

        server.clock.advance(minutes=31)
        got = await zhang_c.wait_for("notice:new", lambda n: n["id"] == notice["id"])
        assert got["status"] == "pinned" and got["published_at"] == iso(server.clock.now())
        await zhang_c.wait_for("message:new", bot_line("周六义诊"))
        pinned = await api(server, "GET", f"/api/v1/rooms/{room}/notices", zhang["token"])
        assert [n["id"] for n in pinned["notices"]] == [notice["id"], marker["id"]]


async def test_expiry_and_unpinning(server: InProcessServer) -> None:
    async with online(server, "赵敏", "张伟", "李娜") as people:
        (_, zhao), (zhang_c, zhang), (_, li) = people.values()
        room = grid_room(zhang)
        expiring = await post(server, zhao, room, title="临时", expires_at=later(server, hours=1))
        server.clock.advance(minutes=1)
        kept = await post(server, zhao, room, title="长期")
        pinned = await api(server, "GET", f"/api/v1/rooms/{room}/notices", zhang["token"])
        assert [n["id"] for n in pinned["notices"]] == [kept["id"], expiring["id"]]

        server.clock.advance(hours=1, minutes=1)
        gone = await zhang_c.wait_for("notice:updated", about(expiring["id"], "expired"))
        assert gone["notice"]["status"] == "expired"
        pinned = await api(server, "GET", f"/api/v1/rooms/{room}/notices", zhang["token"])
        assert [n["id"] for n in pinned["notices"]] == [kept["id"]]
        recent = await api(server, "GET", f"/api/v1/rooms/{room}/notices?all=1", zhang["token"])
        assert [(n["id"], n["status"]) for n in recent["notices"]] == \
            [(kept["id"], "pinned"), (expiring["id"], "expired")]

        path = f"/api/v1/notices/{kept['id']}/unpin"
        await api(server, "POST", path, zhang["token"], status=403)
        by_author = await api(server, "POST", path, zhao["token"])
        assert by_author["notice"]["status"] == "unpinned"
        await zhang_c.wait_for("notice:updated", about(kept["id"], "unpinned"))
        conflict = await api(server, "POST", path, li["token"], status=409)
        assert conflict["error"]["code"] == "conflict"
        pinned = await api(server, "GET", f"/api/v1/rooms/{room}/notices", zhang["token"])
        assert pinned["notices"] == []

        staff_unpin = await post(server, zhao, room, title="工作人员取消")
        await api(server, "POST", f"/api/v1/notices/{staff_unpin['id']}/unpin", li["token"])
        scheduled = await post(server, li, room, publish_at=later(server, hours=3))
        withdrawn = await api(server, "POST", f"/api/v1/notices/{scheduled['id']}/unpin",
                              li["token"])
        assert withdrawn["notice"]["status"] == "cancelled"


async def test_notice_command_in_chat(server: InProcessServer) -> None:
    async with online(server, "赵敏", "张伟", "刘芳") as people:
        (zhao_c, zhao), (zhang_c, _), (liu_c, _) = people.values()
        room = grid_room(zhao)
        await zhao_c.ok("message:send", {"room_id": room, "client_id": "n1",
                                         "text": "/公告 停水通知｜明天9点到12点停水 #需确认"})
        notice = await zhang_c.wait_for("notice:new", lambda n: n["title"] == "停水通知")
        assert (notice["body"], notice["requires_ack"]) == ("明天9点到12点停水", True)
        assert notice["author"]["id"] == zhao["id"]
        await zhang_c.wait_for("message:new", bot_line("【公告】停水通知"))

        await liu_c.ok("message:send", {"room_id": room, "client_id": "n2",
                                        "text": "/公告 我也想发｜可以吗"})
        await liu_c.wait_for("message:new", bot_line("只有党员、网格员和社区管理员"))
        await zhao_c.ok("message:send", {"room_id": room, "client_id": "n3",
                                         "text": "/公告 没有分隔符"})
        await zhao_c.wait_for("message:new", bot_line("用法：/公告 标题｜正文"))
        assert [n["title"] for n in zhang_c.events["notice:new"]] == ["停水通知"]


async def test_invalid_payloads(server: InProcessServer) -> None:
    async with online(server, "李娜", "张伟") as people:
        (_, li), (zhang_c, zhang) = people.values()
        room = grid_room(zhang)
        path = f"/api/v1/rooms/{room}/notices"
        bad: list[dict[str, Any]] = [
            {"body": "没有标题"},
            {"title": "", "body": "b"},
            {"title": "长" * 51, "body": "b"},
            {"title": "t", "body": "b", "surprise": 1},
            {"title": "t", "body": "b", "requires_ack": "yes"},
            {"title": "t", "body": "b", "publish_at": "2026-05-01T10:00:00"},  # no zone
            {"title": "t", "body": "b", "expires_at": later(server, hours=-1)},
            {"title": "t", "body": "b", "publish_at": later(server, hours=2),
             "expires_at": later(server, hours=1)},
            {"title": "t", "body": "b", "remind_after_hours": 2},
            {"title": "t", "body": "b", "requires_ack": True, "remind_after_hours": 0},
            {"title": "t", "body": "b", "room_id": "grid:elsewhere"},
        ]
        for body in bad:
            refused = await api(server, "POST", path, li["token"], body, status=400)
            assert refused["error"]["code"] == "invalid", body
        await api(server, "GET", f"{path}?all=2", zhang["token"], status=400)

        plain = await post(server, li, room)
        for payload in ({}, {"notice_id": 7}, {"notice_id": plain["id"], "x": 1},
                        {"notice_id": plain["id"]}):
            ack = await zhang_c.call("notice:ack", payload)
            assert ack["error"]["code"] == "invalid", payload
        missing = await zhang_c.call("notice:ack", {"notice_id": "nope"})
        assert missing["error"]["code"] == "not_found"
