"""GET /api/v1/stats/tickets on an in-process server whose clock the test moves: tickets filed,
accepted, merged, resolved and rated, drafts kept and dismissed; the figures each role sees,
time windows, and the refusals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest

from chat.clock import iso
from tests.app.conftest import StartApp
from tests.support.inproc import InProcessServer
from tests.support.server import Client, call, connect, login, ok

LIFT = "3栋电梯又拐哒，卡在7楼不动"
STATS = "/api/v1/stats/tickets"


@pytest.fixture
async def server(start_app: StartApp) -> InProcessServer:
    """No sweeps: an overdue ticket stays where it is (not escalated) while it is counted."""
    return await start_app(sweep_seconds=3600)


async def file(server: InProcessServer, name: str, description: str, category: str
               ) -> dict[str, Any]:
    token, _ = await login(server, name)
    data = await ok(server, "POST", "/api/v1/tickets", token,
                    {"description": description, "category": category}, status=201)
    return data["ticket"]  # type: ignore[no-any-return]


async def step(server: InProcessServer, token: str, ticket: dict[str, Any], action: str,
               body: dict[str, Any]) -> None:
    await ok(server, "POST", f"/api/v1/tickets/{ticket['id']}/{action}", token, body)


async def draft_from(server: InProcessServer, resident: Client, worker: Client, room: str,
                     text: str, client_id: str) -> dict[str, Any]:
    sent = await resident.ok("message:send", {"room_id": room, "text": text,
                                              "client_id": client_id})
    return await worker.wait_for(  # type: ignore[no-any-return]
        "draft:new", lambda t: sent["id"] in t["message_ids"])


async def stats(server: InProcessServer, token: str, query: str = "") -> dict[str, Any]:
    return await ok(server, "GET", STATS + query, token)  # type: ignore[no-any-return]


async def test_figures_by_role_and_window(server: InProcessServer) -> None:
    clock = server.clock
    start = clock.now()
    admin, _ = await login(server, "王建国")
    chen, _ = await login(server, "陈刚")
    zhang_token, _ = await login(server, "张伟")
    worker, li = await connect(server, "李娜")
    resident, _ = await connect(server, "赵敏")
    grids = {u["name"]: u["id"] for u in
             (await ok(server, "GET", "/api/v1/units?kind=grid", admin))["units"]}
    g1, g2, g3 = grids["第一网格"], grids["第二网格"], grids["第三网格"]
    try:
        baseline = await stats(server, admin)
        lift = await file(server, "张伟", "1栋电梯停了", "房屋设施")
        gas = await file(server, "孙强", "8栋楼道有煤气味", "燃气安全")  # urgent: 2 h SLA
        await file(server, "吴婷", "12栋垃圾没人清", "环境卫生")
        same_lift = await file(server, "刘芳", "1栋电梯又坏了", "房屋设施")

        clock.advance(minutes=5)
        kept = await draft_from(server, resident, worker, f"grid:{g1}", LIFT, "lift-1")
        dropped = await draft_from(server, resident, worker, f"grid:{g1}",
                                   "5栋电梯又拐哒，门都打不开", "lift-2")
        await step(server, li["token"], dropped, "dismiss", {"reason": "已在处理"})

        clock.advance(minutes=5)  # +10 min: the lift accepted, its duplicate merged into it
        await step(server, li["token"], lift, "accept", {"category": "房屋设施",
                                                         "urgency": "normal"})
        await step(server, li["token"], same_lift, "merge", {"into": lift["id"]})
        clock.advance(minutes=20)  # +30 min: the gas leak accepted
        await step(server, li["token"], gas, "accept", {"category": "燃气安全",
                                                        "urgency": "urgent"})
        clock.advance(minutes=30)  # +60 min: the lift repaired
        await step(server, li["token"], lift, "assign", {"assignee_id": li["id"]})
        await step(server, li["token"], lift, "resolve", {"note": "已修复"})
        clock.advance(minutes=60)  # +120 min: and rated
        await step(server, zhang_token, lift, "rate", {"rating": "满意"})
        clock.advance(minutes=30)  # +150 min: the gas leak is past its 2 h

        figures = await stats(server, admin)
        assert figures["total"] == baseline["total"] + 4
        assert baseline["total"] == 0 and baseline["drafts_dismissed"] == 0
        assert figures["by_category"] == {"房屋设施": 2, "燃气安全": 1, "环境卫生": 1}
        assert {k: v for k, v in figures["by_status"].items() if v} == {
            "closed": 1, "accepted": 1, "submitted": 1, "duplicate": 1}
        # busiest first, then by name (code point order: 三 U+4E09 before 二 U+4E8C)
        assert figures["by_grid"] == [{"grid_id": g1, "name": "第一网格", "count": 2},
                                      {"grid_id": g3, "name": "第三网格", "count": 1},
                                      {"grid_id": g2, "name": "第二网格", "count": 1}]
        # the lift answered after 10 min, the gas leak after 30; the merged one not at all
        assert figures["first_response"] == {"count": 2, "avg_seconds": 1200}
        assert figures["close"] == {"count": 1, "avg_seconds": 7200}
        assert figures["satisfaction"] == {"rated": 1, "satisfied": 1, "rate": 1.0}
        assert figures["overdue"] == 1
        assert figures["drafts_open"] == baseline["drafts_open"] + 1
        assert figures["drafts_dismissed"] == 1
        assert (figures["from"], figures["until"]) == (None, iso(clock.now()))
        assert kept["status"] == "draft"

        mine = await stats(server, li["token"])  # grids 1 and 2
        assert mine["total"] == 3 and mine["by_grid"][-1]["grid_id"] == g2
        assert mine["first_response"] == figures["first_response"]
        assert (mine["overdue"], mine["drafts_dismissed"]) == (1, 1)

        third = await stats(server, chen)  # grid 3 only
        assert (third["total"], third["by_category"]) == (1, {"环境卫生": 1})
        assert third["by_status"]["submitted"] == 1
        assert third["by_grid"] == [{"grid_id": g3, "name": "第三网格", "count": 1}]
        assert third["first_response"] == {"count": 0, "avg_seconds": None}
        assert third["satisfaction"] == {"rated": 0, "satisfied": 0, "rate": None}
        assert (third["overdue"], third["drafts_open"], third["drafts_dismissed"]) == (0, 0, 0)

        assert await stats(server, admin, f"?grid_id={g3}") == third
        both = await stats(server, admin, f"?grid_id={g2},{g3}")
        assert [g["grid_id"] for g in both["by_grid"]] == [g3, g2]
        assert (await stats(server, li["token"], f"?grid_id={g3}"))["total"] == 0
        assert (await stats(server, chen, "?community_id=c-elsewhere"))["total"] == 0

        later = iso(start + timedelta(seconds=1))
        window = await stats(server, admin, f"?from={later}")
        assert window["total"] == 0 and window["from"] == later
        assert window["drafts_dismissed"] == 1  # the drafts came 5 minutes in
        until = await stats(server, admin, f"?until={quote(start.isoformat())}")
        assert until["total"] == 4 and until["drafts_dismissed"] == 0
        assert until["until"] == iso(start)
        shifted = "2026-05-01T16:00:00 08:00"  # an offset whose + was left unescaped
        assert (await stats(server, admin, f"?from={quote(shifted, safe=':')}"
                            ))["from"] == iso(start)
    finally:
        await worker.close()
        await resident.close()


async def test_refusals(server: InProcessServer) -> None:
    admin, _ = await login(server, "王建国")
    zhang, _ = await login(server, "张伟")
    got, data = await call(server, "GET", STATS, zhang)
    assert (got, data["error"]["code"]) == (403, "forbidden")
    got, data = await call(server, "GET", STATS, None)
    assert (got, data["error"]["code"]) == (401, "unauthorized")
    for query in ("?from=yesterday", "?until=2026-13-01T00:00:00Z",
                  "?from=2026-05-01T08:00:00",  # no time zone
                  "?from=2026-05-02T00:00:00Z&until=2026-05-01T00:00:00Z"):
        got, data = await call(server, "GET", STATS + query, admin)
        assert (got, data["error"]["code"]) == (400, "invalid"), query
        assert " / " in data["error"]["message"]
