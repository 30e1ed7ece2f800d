"""Issue 3's end-to-end flow with real clients on a real server whose clock the test moves:
chat → draft → ticket → handled → unsatisfied → reopened → SLA passes → escalated →
resolved → satisfied → closed, visible in the room, the history and Open311."""

from __future__ import annotations

from typing import Any

from tests.support.inproc import InProcessServer
from tests.support.server import Client, connect, http

TEXT = "3栋电梯又拐哒，卡在7楼不动"


async def act(server: InProcessServer, token: str, ticket_id: str, action: str,
              body: dict[str, Any] | None = None) -> dict[str, Any]:
    async with server.client.post(f"/api/v1/tickets/{ticket_id}/{action}", json=body or {},
                                  headers={"Authorization": f"Bearer {token}"}) as resp:
        data = await resp.json()
        assert resp.status == 200, data
    return data["ticket"]  # type: ignore[no-any-return]


def status_is(ticket_id: str, status: str, level: str | None = None) -> Any:
    return lambda t: t["id"] == ticket_id and t["status"] == status and \
        (level is None or t["level"] == level)


async def test_report_lifecycle(server: InProcessServer) -> None:
    resident, zhang = await connect(server, "张伟")
    worker, li = await connect(server, "李娜")
    admin, wang = await connect(server, "王建国")
    clients: list[Client] = [resident, worker, admin]
    try:
        room_id = f"grid:{zhang['grid_ids'][0]}"
        sent = await resident.ok("message:send", {"room_id": room_id, "text": TEXT,
                                                  "client_id": "lift-1"})
        # the message itself is delivered unchanged
        await worker.wait_for("message:new", lambda m: m["id"] == sent["id"])

        draft = await worker.wait_for("draft:new", lambda t: sent["id"] in t["message_ids"])
        assert draft["status"] == "draft" and draft["source"] == "detected"
        assert draft["category"] == "电梯设施"
        assert draft["detection"]["matches"], draft
        assert "draft:new" not in resident.events  # residents never see drafts
        tid = draft["id"]

        await act(server, li["token"], tid, "confirm")
        await act(server, li["token"], tid, "accept", {"category": "电梯设施",
                                                       "urgency": "normal"})
        await act(server, li["token"], tid, "assign", {"assignee_id": li["id"]})
        await act(server, li["token"], tid, "resolve", {"note": "已联系维保，电梯恢复运行"})
        seen = await resident.wait_for("ticket:updated", status_is(tid, "resolved"))
        assert "detection" not in seen  # the reporter's view hides internals

        await act(server, zhang["token"], tid, "rate", {"rating": "不满意",
                                                        "comment": "第二天又停了"})
        await worker.wait_for("ticket:updated", status_is(tid, "reopened"))

        server.clock.advance(hours=25)  # the normal SLA is 24 h
        escalated = await admin.wait_for("ticket:updated",
                                          status_is(tid, "reopened", "community"))
        assert escalated["history"][-1]["action"] == "escalate"
        assert escalated["history"][-1]["by"]["id"] == "system"

        await act(server, wang["token"], tid, "assign", {"assignee_id": wang["id"]})
        await act(server, wang["token"], tid, "resolve", {"note": "更换了控制板"})
        final = await act(server, zhang["token"], tid, "rate", {"rating": "满意"})
        assert final["status"] == "closed" and final["rating"] == "满意"
        await resident.wait_for("ticket:updated", status_is(tid, "closed"))

        status, detail = await http("GET", f"{server.url}/api/v1/tickets/{tid}", li["token"])
        assert status == 200
        steps = [(e["action"], e["to"]) for e in detail["ticket"]["history"]]
        assert steps == [
            ("create", "draft"), ("confirm", "submitted"), ("accept", "accepted"),
            ("assign", "in_progress"), ("resolve", "resolved"), ("rate", "reopened"),
            ("escalate", "reopened"), ("assign", "in_progress"), ("resolve", "resolved"),
            ("rate", "closed")]

        history = await resident.ok("room:history", {"room_id": room_id, "limit": 100})
        bot_lines = [m["text"] for m in history["messages"] if m["kind"] == "bot"]
        number = detail["ticket"]["number"]
        assert all(line.startswith(f"【报事进度】第{number}号") for line in bot_lines)
        for expected in ("等待受理", "已受理", "正在处理", "已办结", "不满意", "上报至社区",
                         "已评价"):
            assert any(expected in line for line in bot_lines), (expected, bot_lines)

        status, mine = await http("GET", f"{server.url}/api/v1/tickets/mine", zhang["token"])
        assert status == 200 and [t["id"] for t in mine["tickets"]] == [tid]

        status, requests = await http("GET", f"{server.url}/open311/v2/requests/{tid}.json")
        assert status == 200
        (request,) = requests
        assert request["status"] == "closed" and request["service_code"] == "elevator"
        assert request["description"] == TEXT
        status, listed = await http("GET", f"{server.url}/open311/v2/requests.json"
                                           "?status=closed&service_code=elevator")
        assert status == 200 and [r["service_request_id"] for r in listed] == [tid]
    finally:
        for client in clients:
            await client.close()
