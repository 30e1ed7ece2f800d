"""Polls (议事表决) end to end with real clients on an in-process server whose clock the test
moves: choices, households, vote changes, hidden results, anonymity, deadlines, quorum, the
decision record, permissions, invalid input and the `/投票` command.

Demo grid 1 has three residents: 张伟 and 刘芳 (one household) and 赵敏 (party member); so three
eligible members, or two households."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from bots.polls import actions, jobs
from bots.polls.actions import close_due
from tests.support.inproc import InProcessServer
from tests.support.server import Client, call, connect, login, ok


async def refused(server: InProcessServer, method: str, path: str, token: str,
                  body: Any = None) -> tuple[int, str, str]:
    got, data = await call(server, method, path, token, body)
    return got, data["error"]["code"], data["error"]["message"]


def in_hours(server: InProcessServer, hours: float) -> str:
    return (server.clock.now() + timedelta(hours=hours)).isoformat()


def form(server: InProcessServer, **fields: Any) -> dict[str, Any]:
    return {"question": "3栋门口要不要装充电桩？", "options": ["装", "不装", "再议"],
            "deadline": in_hours(server, 2)} | fields


async def create(server: InProcessServer, token: str, room: str, **fields: Any) -> Any:
    data = await ok(server, "POST", f"/api/v1/rooms/{room}/polls", token,
                    form(server, **fields), status=201)
    return data["poll"]


async def vote_ack(client: Client, poll_id: str, *option_ids: str) -> Any:
    return await client.call("poll:vote", {"poll_id": poll_id, "option_ids": list(option_ids)})


async def voted(client: Client, poll_id: str, *option_ids: str) -> Any:
    ack = await vote_ack(client, poll_id, *option_ids)
    assert ack["ok"], ack
    return ack["data"]


def votes(view: dict[str, Any]) -> dict[str, int]:
    return {o["id"]: o["votes"] for o in view["options"]}


def grid_room(user: dict[str, Any]) -> str:
    return f"grid:{user['grid_ids'][0]}"


async def test_single_choice_named_live_poll(server: InProcessServer) -> None:
    zhang_c, zhang = await connect(server, "张伟")
    zhao_c, _ = await connect(server, "赵敏")
    li, _ = await login(server, "李娜")
    room = grid_room(zhang)
    try:
        poll = await create(server, li, room)
        assert (poll["status"], poll["max_choices"], poll["eligible"], poll["voters"]) == \
            ("open", 1, 3, 0)
        assert poll["author"]["name"] == "李娜" and poll["results_visible"]
        assert (await zhang_c.wait_for("poll:new"))["id"] == poll["id"]
        announced = await zhang_c.wait_for("message:new", lambda m: m["kind"] == "bot")
        assert announced["sender"] == {"id": "bot:polls", "name": "议事表决", "role": "bot"}
        assert "3栋门口要不要装充电桩？" in announced["text"] and "1. 装" in announced["text"]

        mine = await voted(zhang_c, poll["id"], "o1")
        assert (mine["voted"], mine["my_choice"], votes(mine)) == \
            (True, ["o1"], {"o1": 1, "o2": 0, "o3": 0})
        update = await zhao_c.wait_for("poll:updated", lambda p: p["voters"] == 1)
        assert update["options"][0]["voters"] == ["张*（3栋）"]
        assert "my_choice" not in update and update["turnout"] == 0.3333
        await voted(zhao_c, poll["id"], "o2")
        changed = await voted(zhang_c, poll["id"], "o2")  # allowed while open
        assert votes(changed) == {"o1": 0, "o2": 2, "o3": 0} and changed["my_choice"] == ["o2"]
        assert changed["options"][1]["voters"] == ["张*（3栋）", "赵*（5栋）"]
        again = await voted(zhang_c, poll["id"], "o2")  # a retry changes nothing
        assert votes(again) == votes(changed)

        worker_c, _ = await connect(server, "李娜")
        try:
            ack = await vote_ack(worker_c, poll["id"], "o1")
            assert ack["error"]["code"] == "forbidden"  # staff create and close; they do not vote
        finally:
            await worker_c.close()

        closed = (await ok(server, "POST", f"/api/v1/polls/{poll['id']}/close", li))["poll"]
        assert (closed["status"], closed["closed_by"]["name"], closed["valid"]) == \
            ("closed", "李娜", True)
        final = await zhang_c.wait_for("poll:updated", lambda p: p["status"] == "closed")
        assert final["winners"] == ["o2"] and final["voters"] == 2
        result = await zhang_c.wait_for("message:new", lambda m: "已结束" in m["text"])
        assert result["sender"]["id"] == "bot:polls"
        assert "· 不装：2票（100%）" in result["text"] and "参与：2/3人（67%）" in result["text"]
        assert "结果：不装" in result["text"]
        assert (await vote_ack(zhang_c, poll["id"], "o1"))["error"]["code"] == "conflict"
        got, code, _ = await refused(server, "POST", f"/api/v1/polls/{poll['id']}/close", li)
        assert (got, code) == (409, "conflict")
    finally:
        await zhang_c.close()
        await zhao_c.close()


async def test_multiple_choice_with_a_maximum(server: InProcessServer) -> None:
    zhang_c, zhang = await connect(server, "张伟")
    li, _ = await login(server, "李娜")
    try:
        poll = await create(server, li, grid_room(zhang), question="周末活动选哪些？",
                            options=["义诊", "电影", "跳蚤市场", "象棋赛"], multiple=True,
                            max_choices=2)
        assert (poll["multiple"], poll["max_choices"]) == (True, 2)
        ack = await vote_ack(zhang_c, poll["id"], "o1", "o2", "o3")
        assert ack["error"]["code"] == "invalid" and ack["error"]["max_choices"] == 2
        mine = await voted(zhang_c, poll["id"], "o4", "o1")
        assert mine["my_choice"] == ["o1", "o4"]
        assert votes(mine) == {"o1": 1, "o2": 0, "o3": 0, "o4": 1} and mine["voters"] == 1
        unbounded = await create(server, li, grid_room(zhang), multiple=True)
        assert unbounded["max_choices"] == 3
        everything = await voted(zhang_c, unbounded["id"], "o1", "o2", "o3")
        assert everything["voters"] == 1 and sum(votes(everything).values()) == 3
    finally:
        await zhang_c.close()


async def test_household_poll_refuses_the_second_resident(server: InProcessServer) -> None:
    zhang_c, zhang = await connect(server, "张伟")
    liu_c, liu = await connect(server, "刘芳")
    zhao, _ = await login(server, "赵敏")
    li, _ = await login(server, "李娜")
    try:
        poll = await create(server, li, grid_room(zhang), per_household=True)
        assert poll["eligible"] == 2  # 张伟 and 刘芳 share 3栋2单元701
        first = await voted(zhang_c, poll["id"], "o1")
        assert first["turnout"] == 0.5
        ack = await vote_ack(liu_c, poll["id"], "o2")
        assert ack["error"]["code"] == "conflict"
        assert ack["error"]["message"] == "your household has already voted / 本户已投票"
        got, code, _ = await refused(server, "POST", f"/api/v1/polls/{poll['id']}/votes",
                                           zhao, {"option_ids": ["o9"]})
        assert (got, code) == (400, "invalid")
        await ok(server, "POST", f"/api/v1/polls/{poll['id']}/votes", zhao,
                 {"option_ids": ["o2"]})
        liu_view = (await ok(server, "GET", f"/api/v1/polls/{poll['id']}", liu["token"]))["poll"]
        assert (liu_view["voted"], liu_view["my_choice"]) == (True, None)
        changed = await voted(zhang_c, poll["id"], "o3")  # the one who cast it may change it
        assert votes(changed) == {"o1": 0, "o2": 1, "o3": 1}
        assert (changed["voters"], changed["eligible"], changed["turnout"]) == (2, 2, 1.0)
    finally:
        await zhang_c.close()
        await liu_c.close()


async def test_vote_changes_can_be_refused(server: InProcessServer) -> None:
    zhang_c, zhang = await connect(server, "张伟")
    li, _ = await login(server, "李娜")
    try:
        poll = await create(server, li, grid_room(zhang), allow_change=False)
        await voted(zhang_c, poll["id"], "o1")
        ack = await vote_ack(zhang_c, poll["id"], "o2")
        assert ack["error"]["code"] == "conflict" and "不允许改票" in ack["error"]["message"]
        same = await voted(zhang_c, poll["id"], "o1")  # a retry of the same vote is fine
        assert votes(same) == {"o1": 1, "o2": 0, "o3": 0}
    finally:
        await zhang_c.close()


async def test_results_after_close_are_hidden_from_everyone(server: InProcessServer) -> None:
    zhang_c, zhang = await connect(server, "张伟")
    worker_c, li = await connect(server, "李娜")
    zhao, _ = await login(server, "赵敏")
    try:
        poll = await create(server, li["token"], grid_room(zhang), results="after_close")
        path = f"/api/v1/polls/{poll['id']}"
        mine = await voted(zhang_c, poll["id"], "o2")
        assert mine["my_choice"] == ["o2"]  # one's own choice, but no counts
        cast = await ok(server, "POST", path + "/votes", zhao, {"option_ids": ["o2"]})
        seen = [mine, cast["poll"],
                await worker_c.wait_for("poll:updated", lambda p: p["voters"] == 2),
                (await ok(server, "GET", path, li["token"]))["poll"],
                (await ok(server, "GET", path, zhao))["poll"],
                (await ok(server, "GET", f"/api/v1/rooms/{grid_room(zhang)}/polls",
                          li["token"]))["polls"][0]]
        for view in seen:
            assert not view["results_visible"] and view["winners"] == []
            assert all(set(o) == {"id", "text"} for o in view["options"]), view
        assert [v["voters"] for v in seen] == [1, 2, 2, 2, 2, 2]
        assert seen[-1]["turnout"] == 0.6667  # turnout stays visible
        closed = (await ok(server, "POST", path + "/close", li["token"]))["poll"]
        assert closed["results_visible"] and votes(closed) == {"o1": 0, "o2": 2, "o3": 0}
        final = await zhang_c.wait_for("poll:updated", lambda p: p["status"] == "closed")
        assert final["options"][1]["voters"] == ["张*（3栋）", "赵*（5栋）"]
    finally:
        await zhang_c.close()
        await worker_c.close()


async def test_anonymous_poll_never_names_a_voter(server: InProcessServer,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    zhang_c, zhang = await connect(server, "张伟")
    zhao_c, zhao = await connect(server, "赵敏")
    liu_c, liu = await connect(server, "刘芳")
    worker_c, li = await connect(server, "李娜")
    admin_c, wang = await connect(server, "王建国")
    clients = [zhang_c, zhao_c, liu_c, worker_c, admin_c]
    room = grid_room(zhang)
    responses: list[Any] = []

    async def api(method: str, path: str, token: str, body: Any = None, status: int = 200
                  ) -> Any:
        data = await ok(server, method, path, token, body, status)
        responses.append(data)
        return data

    logged_in = len(caplog.records)  # log-ins and connections name their users, as usual
    try:
        poll = (await api("POST", f"/api/v1/rooms/{room}/polls", li["token"],
                          form(server, anonymous=True), status=201))["poll"]
        path = f"/api/v1/polls/{poll['id']}"
        responses.append(await voted(zhang_c, poll["id"], "o1"))
        responses.append(await voted(zhang_c, poll["id"], "o3"))  # a change
        await api("POST", path + "/votes", zhao["token"], {"option_ids": ["o1"]})
        for person in (zhang, zhao, liu, li, wang):
            mine = (await api("GET", path, person["token"]))["poll"]
            if person is zhang:
                assert mine["my_choice"] == ["o3"]  # a voter sees their own choice
            if person in (liu, li, wang):
                assert mine["my_choice"] is None
            assert votes(mine) == {"o1": 1, "o2": 0, "o3": 1}
            assert all("voters" not in o for o in mine["options"])
            await api("GET", f"/api/v1/rooms/{room}/polls", person["token"])
        await api("POST", path + "/close", li["token"])
        for client in clients:
            await client.wait_for("message:new", lambda m: "已结束" in m["text"])
            await client.wait_for("poll:updated", lambda p: p["status"] == "closed")
        await api("GET", f"/api/v1/communities/{zhang['community_id']}/decisions",
                  wang["token"])
    finally:
        for client in clients:
            await client.close()

    # Presence lists who is online, by design and whatever polls exist; every other event
    # any of the five clients received is searched.
    received = {event: items for client in clients for event, items in client.events.items()
                if event != "presence"}
    assert {"poll:new", "poll:updated", "message:new"} <= set(received)
    stored = await server.services.store.list_ballots([poll["id"]])
    assert {tuple(b.model_dump()) for b in stored} == {("poll_id", "voter", "caster", "option_ids")}
    wire = json.dumps([received, responses, [b.model_dump() for b in stored]],
                      ensure_ascii=False)
    logs = "\n".join(r.getMessage() for r in caplog.records[logged_in:])
    assert f"poll {poll['id']}: ballot cast" in logs
    for voter in (zhang, zhao):
        for trace in (voter["id"], voter["name"], voter["name"][0] + "*（"):
            assert trace not in wire, trace
            assert trace not in logs, trace


async def test_deadline_closes_with_quorum_missed_and_the_decision_record(
        server: InProcessServer) -> None:
    zhang_c, zhang = await connect(server, "张伟")
    li, _ = await login(server, "李娜")
    zhao, _ = await login(server, "赵敏")
    room = grid_room(zhang)
    try:
        missed = await create(server, li, room, quorum_percent=50, deadline=in_hours(server, 1))
        met = await create(server, li, room, question="楼道灯换成声控的？", options=["换", "不换"],
                           quorum_percent=60)
        await voted(zhang_c, missed["id"], "o1")  # 1 of 3: 33% < 50%
        await voted(zhang_c, met["id"], "o1")
        await ok(server, "POST", f"/api/v1/polls/{met['id']}/votes", zhao, {"option_ids": ["o1"]})
        assert (await voted(zhang_c, met["id"], "o1"))["quorum_met"] is True  # 2 of 3: 67%

        server.clock.advance(hours=1, minutes=1)
        closed = await zhang_c.wait_for(
            "poll:updated", lambda p: p["id"] == missed["id"] and p["status"] == "closed")
        assert closed["closed_by"] == {"id": "deadline", "name": "截止时间到"}
        assert (closed["quorum_met"], closed["valid"], closed["winners"]) == (False, False, ["o1"])
        text = (await zhang_c.wait_for("message:new", lambda m: "已结束" in m["text"]))["text"]
        assert "法定参与率50%：未达到" in text and "未达到法定参与率，结果无效" in text
        assert (await vote_ack(zhang_c, missed["id"], "o2"))["error"]["code"] == "conflict"
        open_still = (await ok(server, "GET", f"/api/v1/polls/{met['id']}", li))["poll"]
        assert open_still["status"] == "open"  # its deadline is 2 hours out

        server.clock.advance(minutes=1)
        await ok(server, "POST", f"/api/v1/polls/{met['id']}/close", li)
        records = (await ok(server, "GET",
                            f"/api/v1/communities/{zhang['community_id']}/decisions",
                            zhang["token"]))["decisions"]
        assert [r["poll_id"] for r in records] == [met["id"], missed["id"]]
        record = records[0]
        assert record["question"] == "楼道灯换成声控的？"
        assert record["options"] == [{"id": "o1", "text": "换", "votes": 2},
                                     {"id": "o2", "text": "不换", "votes": 0}]
        assert (record["voters"], record["eligible"], record["turnout"]) == (2, 3, 0.6667)
        assert (record["quorum_percent"], record["quorum_met"], record["valid"]) == \
            (60, True, True)
        assert record["closed_by"]["name"] == "李娜" and record["closed_at"]
        assert records[1]["closed_by"]["id"] == "deadline" and not records[1]["valid"]
        only = await ok(server, "GET", f"/api/v1/communities/{zhang['community_id']}/decisions"
                        f"?room_id={room}&limit=1&offset=1", zhang["token"])
        assert [r["poll_id"] for r in only["decisions"]] == [missed["id"]]
    finally:
        await zhang_c.close()


async def test_racing_closers_announce_once(server: InProcessServer) -> None:
    zhang_c, zhang = await connect(server, "张伟")
    li, _ = await login(server, "李娜")
    try:
        poll = await create(server, li, grid_room(zhang), deadline=in_hours(server, 1))
        await voted(zhang_c, poll["id"], "o2")
        server.clock.advance(hours=1)
        stored = await server.services.store.get_poll(poll["id"])
        assert stored is not None
        # Two more closers race the scheduler's sweep, as other processes would.
        won = await asyncio.gather(close_due(server.services, stored),
                                   close_due(server.services, stored))
        assert won.count(True) <= 1
        await zhang_c.wait_for("message:new", lambda m: "已结束" in m["text"])
        marker = await zhang_c.ok("message:send", {"room_id": grid_room(zhang),
                                                   "text": "收到", "client_id": "marker"})
        await zhang_c.wait_for("message:new", lambda m: m["id"] == marker["id"])
        assert [m["kind"] for m in zhang_c.events["message:new"]
                if "已结束" in m["text"]] == ["bot"]
        assert len([p for p in zhang_c.events["poll:updated"] if p["status"] == "closed"]) == 1
    finally:
        await zhang_c.close()


async def test_who_may_create_see_vote_and_close(server: InProcessServer) -> None:
    zhang, zhang_user = await login(server, "张伟")
    zhao, _ = await login(server, "赵敏")
    wu_c, wu = await connect(server, "吴婷")  # grid 3
    sun, _ = await login(server, "孙强")  # grid 2
    chen, _ = await login(server, "陈刚")  # worker of grid 3
    li, _ = await login(server, "李娜")
    wang, _ = await login(server, "王建国")
    room = grid_room(zhang_user)
    hall = f"community:{zhang_user['community_id']}"
    try:
        got, code, message = await refused(server, "POST", f"/api/v1/rooms/{room}/polls", zhang,
                                           form(server))
        assert (got, code) == (403, "forbidden") and "党员" in message
        got, code, _ = await refused(server, "POST", f"/api/v1/rooms/{room}/polls", wu["token"],
                                     form(server))
        assert (got, code) == (403, "forbidden")  # not a member of grid 1
        got, code, _ = await refused(server, "POST", "/api/v1/rooms/grid:nope/polls", li,
                                     form(server))
        assert (got, code) == (404, "not_found")
        by_party_member = await create(server, zhao, room)
        assert by_party_member["author"]["name"] == "赵*（5栋）"
        in_hall = await create(server, wang, hall)
        assert in_hall["eligible"] == 6  # every resident of the community
        path = f"/api/v1/polls/{by_party_member['id']}"

        got, code, _ = await refused(server, "GET", path, wu["token"])
        assert (got, code) == (404, "not_found")
        ack = await vote_ack(wu_c, by_party_member["id"], "o1")
        assert ack["error"]["code"] == "not_found"
        await voted(wu_c, in_hall["id"], "o1")  # the hall is everyone's
        got, code, _ = await refused(server, "GET", f"/api/v1/rooms/{room}/polls", sun)
        assert (got, code) == (403, "forbidden")
        got, code, _ = await refused(server, "GET", "/api/v1/communities/other/decisions", sun)
        assert (got, code) == (403, "forbidden")
        got, code, _ = await refused(server, "GET", "/api/v1/communities/"
                                     f"{zhang_user['community_id']}/decisions?room_id={room}",
                                     sun)
        assert (got, code) == (403, "forbidden")

        for token, status, code in ((zhang, 403, "forbidden"), (chen, 404, "not_found"),
                                    (sun, 404, "not_found")):
            got, found, _ = await refused(server, "POST", path + "/close", token)
            assert (got, found) == (status, code)
        closed = (await ok(server, "POST", path + "/close", zhao))["poll"]  # the author
        assert closed["closed_by"]["name"] == "赵*（5栋）"
        hall_closed = (await ok(server, "POST", f"/api/v1/polls/{in_hall['id']}/close", li))
        assert hall_closed["poll"]["closed_by"]["name"] == "李娜"  # a worker of the hall
        sun_sees = (await ok(server, "GET", f"/api/v1/communities/{zhang_user['community_id']}"
                             "/decisions", sun))["decisions"]
        assert [d["poll_id"] for d in sun_sees] == [in_hall["id"]]  # not grid 1's
    finally:
        await wu_c.close()


async def test_invalid_payloads(server: InProcessServer) -> None:
    zhang_c, zhang = await connect(server, "张伟")
    li, _ = await login(server, "李娜")
    room = grid_room(zhang)
    polls = f"/api/v1/rooms/{room}/polls"
    try:
        for fields, problem in (
                ({"deadline": in_hours(server, -1)}, "future"),
                ({"deadline": in_hours(server, 24 * 91)}, "90 days"),
                ({"options": ["装"]}, "invalid payload"),
                ({"options": ["装", "装"]}, "differ"),
                ({"max_choices": 2}, "multiple"),
                ({"multiple": True, "max_choices": 5}, "between 2 and 3"),
                ({"quorum_percent": 0}, "invalid payload"),
                ({"results": "never"}, "invalid payload"),
                ({"room_id": "grid:other"}, "differs"),
                ({"colour": "red"}, "invalid payload")):
            got, code, message = await refused(server, "POST", polls, li, form(server, **fields))
            assert (got, code) == (400, "invalid") and problem in message, (fields, message)
        workers = f"/api/v1/rooms/workers:{zhang['community_id']}/polls"
        got, code, _ = await refused(server, "POST", workers, li, form(server))
        assert (got, code) == (400, "invalid")

        poll = await create(server, li, room, multiple=True, max_choices=2)
        for choice in (["o9"], ["o1", "o2", "o3"], ["o1", "o1"]):
            ack = await vote_ack(zhang_c, poll["id"], *choice)
            assert ack["error"]["code"] == "invalid", choice
        for payload in ({"poll_id": poll["id"], "option_ids": []}, {"poll_id": poll["id"]},
                        {"poll_id": poll["id"], "option_ids": "o1"}):
            assert (await zhang_c.call("poll:vote", payload))["error"]["code"] == "invalid"
        got, code, _ = await refused(server, "POST", f"/api/v1/polls/{poll['id']}/votes",
                                     zhang["token"], {"option_ids": ["o1"], "extra": 1})
        assert (got, code) == (400, "invalid")
        ack = await vote_ack(zhang_c, "p-missing", "o1")
        assert ack["error"]["code"] == "not_found"
    finally:
        await zhang_c.close()


async def test_poll_command_in_chat(server: InProcessServer) -> None:
    zhao_c, zhao = await connect(server, "赵敏")
    zhang_c, _ = await connect(server, "张伟")
    room = grid_room(zhao)

    async def say(client: Client, text: str, client_id: str) -> None:
        await client.ok("message:send", {"room_id": room, "text": text, "client_id": client_id})

    def bot_reply(needle: str) -> Any:
        return lambda m: m["sender"]["id"] == "bot:polls" and needle in m["text"]

    try:
        await say(zhao_c, "/投票 周六义诊放在哪里？社区广场 / 活动室 截止 2小时 #按户 #结束后公布",
                  "cmd1")
        poll = await zhang_c.wait_for("poll:new")
        assert poll["question"] == "周六义诊放在哪里？"
        assert [o["text"] for o in poll["options"]] == ["社区广场", "活动室"]
        assert (poll["per_household"], poll["results"], poll["author"]["name"]) == \
            (True, "after_close", "赵*（5栋）")
        assert poll["deadline"] == (server.clock.now() + timedelta(hours=2)).isoformat(
            timespec="milliseconds").replace("+00:00", "Z")
        await zhang_c.wait_for("message:new", bot_reply("【议事表决】赵*（5栋）发起"))
        await voted(zhang_c, poll["id"], "o2")

        await say(zhang_c, "/投票 要不要换物业？换 / 不换", "cmd2")
        await zhang_c.wait_for("message:new", bot_reply("只有网格员、社区管理员和党员"))
        await say(zhao_c, "/投票 要不要换物业 换 不换", "cmd3")
        await zhao_c.wait_for("message:new", bot_reply("请用问号结束问题\n用法：/投票"))
        await say(zhao_c, "/投票 要不要换物业？换 / 不换 截止 100天", "cmd4")
        await zhao_c.wait_for("message:new", bot_reply("未能发起表决：截止时间不能超过90天"))
        assert len(zhang_c.events["poll:new"]) == 1
    finally:
        await zhao_c.close()
        await zhang_c.close()


async def test_a_deeply_nested_body_is_invalid(server: InProcessServer) -> None:
    _, user = await login(server, "张伟")
    li, _ = await login(server, "李娜")
    async with aiohttp.ClientSession() as session, session.post(
            f"{server.url}/api/v1/rooms/{grid_room(user)}/polls", data="[" * 5000,
            headers={"Authorization": f"Bearer {li}",
                     "Content-Type": "application/json"}) as resp:
        assert resp.status == 400
        assert (await resp.json())["error"]["code"] == "invalid"
    by_path = await create(server, li, grid_room(user))
    assert by_path["room_id"] == grid_room(user)


async def test_a_household_member_who_loses_the_race_is_told_so(
        server: InProcessServer, monkeypatch: pytest.MonkeyPatch) -> None:
    zhang_c, zhang = await connect(server, "张伟")
    liu_c, _ = await connect(server, "刘芳")
    li, _ = await login(server, "李娜")
    store = server.services.store
    try:
        poll = await create(server, li, grid_room(zhang), per_household=True)
        await voted(zhang_c, poll["id"], "o1")
        real_get_ballot = store.get_ballot
        reads = 0

        async def stale_first_read(poll_id: str, voter: str) -> Any:
            nonlocal reads
            reads += 1  # the first read happened before 张伟's ballot was stored
            return None if reads == 1 else await real_get_ballot(poll_id, voter)

        monkeypatch.setattr(store, "get_ballot", stale_first_read)
        ack = await vote_ack(liu_c, poll["id"], "o2")
        assert ack["error"]["message"] == "your household has already voted / 本户已投票"
        monkeypatch.undo()
        view = (await ok(server, "GET", f"/api/v1/polls/{poll['id']}", li))["poll"]
        assert votes(view) == {"o1": 1, "o2": 0, "o3": 0} and view["voters"] == 1
    finally:
        await zhang_c.close()
        await liu_c.close()


async def test_a_lost_announcement_is_sent_by_the_sweep(
        server: InProcessServer, monkeypatch: pytest.MonkeyPatch) -> None:
    zhang_c, zhang = await connect(server, "张伟")
    li, _ = await login(server, "李娜")
    room = grid_room(zhang)
    real_post = actions.post_bot_message
    failures = 0

    async def flaky_post(services: Any, room_id: str, sender_id: str, sender_name: str,
                         text: str, client_id: str | None = None) -> Any:
        nonlocal failures
        if client_id is not None and client_id.startswith("poll-result-") and not failures:
            failures += 1
            raise OSError("the message store is down")
        return await real_post(services, room_id, sender_id, sender_name, text, client_id)

    async def results_so_far(marker: str) -> list[Any]:
        sent = await zhang_c.ok("message:send", {"room_id": room, "text": marker,
                                                 "client_id": marker})
        await zhang_c.wait_for("message:new", lambda m: m["id"] == sent["id"])
        return [m for m in zhang_c.events["message:new"] if "已结束" in m["text"]]

    monkeypatch.setattr(actions, "post_bot_message", flaky_post)
    try:
        poll = await create(server, li, room)
        await voted(zhang_c, poll["id"], "o1")
        closed = (await ok(server, "POST", f"/api/v1/polls/{poll['id']}/close", li))["poll"]
        assert closed["status"] == "closed" and failures == 1
        assert await results_so_far("m1") == []
        stored = await server.services.store.get_poll(poll["id"])
        assert stored is not None and stored.announced_at is None

        server.clock.advance(minutes=2)
        result = await zhang_c.wait_for("message:new", lambda m: "已结束" in m["text"])
        assert "结果：装" in result["text"]
        stored = await server.services.store.get_poll(poll["id"])
        assert stored is not None and stored.announced_at is not None
        server.clock.advance(minutes=2)
        assert len(await results_so_far("m2")) == 1
    finally:
        await zhang_c.close()


async def test_one_failing_poll_does_not_stop_the_sweep(
        server: InProcessServer, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    zhang_c, zhang = await connect(server, "张伟")
    li, _ = await login(server, "李娜")
    room = grid_room(zhang)
    try:
        broken = await create(server, li, room, deadline=in_hours(server, 1))
        fine = await create(server, li, room, deadline=in_hours(server, 1.5))
        real_close_due = jobs.close_due

        async def close_or_fail(services: Any, poll: Any) -> bool:
            if poll.id == broken["id"]:
                raise KeyError("a bug")
            return await real_close_due(services, poll)

        monkeypatch.setattr(jobs, "close_due", close_or_fail)
        server.clock.advance(hours=2)
        await zhang_c.wait_for(
            "poll:updated", lambda p: p["id"] == fine["id"] and p["status"] == "closed")
        assert any(broken["id"] in r.getMessage() for r in caplog.records)
        monkeypatch.undo()
        await zhang_c.wait_for(
            "poll:updated", lambda p: p["id"] == broken["id"] and p["status"] == "closed")
    finally:
        await zhang_c.close()


async def test_votes_and_lists_read_no_room_and_no_ballots_per_poll(
        server: InProcessServer, monkeypatch: pytest.MonkeyPatch) -> None:
    zhang_c, zhang = await connect(server, "张伟")
    li, _ = await login(server, "李娜")
    room = grid_room(zhang)
    store = server.services.store
    calls: dict[str, int] = {}

    def counted(name: str) -> None:
        real = getattr(store, name)

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] = calls.get(name, 0) + 1
            return await real(*args, **kwargs)

        monkeypatch.setattr(store, name, wrapper)

    try:
        anonymous = await create(server, li, room, anonymous=True)
        named = [await create(server, li, room) for _ in range(3)]
        for name in ("list_users", "list_ballots", "get_ballots", "get_ballot", "get_users"):
            counted(name)
        mine = await voted(zhang_c, anonymous["id"], "o2")
        assert (votes(mine), mine["voters"], mine["eligible"]) == ({"o1": 0, "o2": 1, "o3": 0},
                                                                   1, 3)
        assert calls == {"get_ballot": 1}  # no room members, no ballots, no names
        calls.clear()
        await voted(zhang_c, named[0]["id"], "o1")
        assert calls == {"get_ballot": 1, "list_ballots": 1, "get_users": 1}  # the names
        calls.clear()
        listed = (await ok(server, "GET", f"/api/v1/rooms/{room}/polls", zhang["token"]))["polls"]
        by_id = {p["id"]: (p["voters"], p["my_choice"]) for p in listed}
        assert by_id == {anonymous["id"]: (1, ["o2"]), named[0]["id"]: (1, ["o1"]),
                         named[1]["id"]: (0, None), named[2]["id"]: (0, None)}
        assert calls == {"list_ballots": 1, "get_users": 1, "get_ballots": 1}
    finally:
        await zhang_c.close()
