"""A 我要报事 form ticket shared into the grid room, and 我也遇到 from the neighbours: who may
share and support, what the room and the worker see, and what each refusal says."""

from __future__ import annotations

from typing import Any

from tests.support.inproc import InProcessServer
from tests.support.server import call, connect, login, ok


async def _filed(server: InProcessServer, token: str) -> dict[str, Any]:
    data = await ok(server, "POST", "/api/v1/tickets", token, {
        "description": "3栋东侧路灯不亮，晚上很黑", "category": "供电照明"}, status=201)
    return data["ticket"]  # type: ignore[no-any-return]


async def test_shared_report_counts_neighbours_who_also_meet_it(
        server: InProcessServer) -> None:
    zhang, _ = await login(server, "张伟")
    neighbour, zhao = await connect(server, "赵敏")
    worker, li = await connect(server, "李娜")
    liu, _ = await login(server, "刘芳")
    try:
        ticket = await _filed(server, zhang)
        room = f"grid:{ticket['grid_id']}"
        shared = (await ok(server, "POST", f"/api/v1/tickets/{ticket['id']}/share", zhang,
                           status=201))["message"]
        assert shared["ticket_id"] == ticket["id"] and shared["room_id"] == room
        assert shared["sender"]["name"] == "报事助手" and shared["kind"] == "bot"
        assert "3栋东侧路灯不亮" in shared["text"] and "张伟" not in shared["text"]
        seen = await neighbour.wait_for("message:new", lambda m: m["id"] == shared["id"])
        assert seen["ticket_id"] == ticket["id"]
        mine = (await ok(server, "GET", f"/api/v1/tickets/{ticket['id']}", zhang))["ticket"]
        assert mine["room_id"] == room

        got, again = await call(server, "POST", f"/api/v1/tickets/{ticket['id']}/share", zhang)
        assert got == 400 and "已在群聊中" in again["error"]["message"]

        path = f"/api/v1/tickets/{ticket['id']}/support"
        first = await ok(server, "POST", path, zhao["token"])
        assert first == {"ticket_id": ticket["id"], "also_affected": 1, "supported": True}
        assert (await ok(server, "POST", path, zhao["token"]))["also_affected"] == 1  # once
        assert (await ok(server, "POST", path, liu))["also_affected"] == 2
        counted = await worker.wait_for("ticket:updated", lambda t: t["id"] == ticket["id"]
                                        and t["also_affected"] == 2)
        assert counted["status"] == "submitted"
        staff_view = (await ok(server, "GET", f"/api/v1/tickets/{ticket['id']}",
                               li["token"]))["ticket"]
        assert staff_view["also_affected"] == 2
        got, own = await call(server, "POST", path, zhang)
        assert got == 400 and "自己的报事" in own["error"]["message"]
        got, staff = await call(server, "POST", path, li["token"])
        assert got == 403 and staff["error"]["code"] == "forbidden"
    finally:
        await neighbour.close()
        await worker.close()


async def test_who_may_share_and_support(server: InProcessServer) -> None:
    zhang, _ = await login(server, "张伟")
    liu, _ = await login(server, "刘芳")
    other_grid, _ = await login(server, "吴婷")
    ticket = await _filed(server, zhang)
    got, refused = await call(server, "POST", f"/api/v1/tickets/{ticket['id']}/share", liu)
    assert got == 404 and refused["error"]["code"] == "not_found"  # not hers to see
    support = f"/api/v1/tickets/{ticket['id']}/support"
    got, _ = await call(server, "POST", support, liu)
    assert got == 404  # not shared yet: nothing to support
    await ok(server, "POST", f"/api/v1/tickets/{ticket['id']}/share", zhang, status=201)
    got, outside = await call(server, "POST", support, other_grid)
    assert got == 403 and outside["error"]["code"] == "forbidden"  # another grid's resident
    got, missing = await call(server, "POST", "/api/v1/tickets/nope/support", liu)
    assert got == 404 and missing["error"]["code"] == "not_found"
