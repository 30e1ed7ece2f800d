"""Learning from the workers, end to end on a real server: drafts are dismissed and corrected,
an admin retrains from the store (in a process of its own), the server's decisions on those
texts change, the switch is audited, and the packaged model can be restored."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.support.inproc import InProcessServer, district_officer
from tests.support.server import Client, call, connect, login, ok

CATS = ("楼下的流浪猫半夜打架叫得像伢哭", "流浪猫又在花坛边叫了一晚上")
STOOL = "3栋楼下的石凳子被人搬走了"
LIFT = "3栋电梯又拐哒，卡在7楼不动"


async def send(client: Client, room: str, text: str, client_id: str) -> dict[str, Any]:
    return await client.ok("message:send", {"room_id": room, "text": text,  # type: ignore[no-any-return]
                                            "client_id": client_id})


async def draft_of(worker: Client, resident: Client, room: str, text: str,
                   client_id: str) -> dict[str, Any]:
    sent = await send(resident, room, text, client_id)
    return await worker.wait_for("draft:new", lambda t: sent["id"] in t["message_ids"])  # type: ignore[no-any-return]


@pytest.mark.timeout(600)
async def test_workers_decisions_retrain_the_model(server: InProcessServer) -> None:
    resident, zhang = await connect(server, "张伟")
    worker, li = await connect(server, "李娜")
    admin, _ = await login(server, "王建国")
    officer = await district_officer(server)
    token = li["token"]
    room = f"grid:{zhang['grid_ids'][0]}"
    try:
        for n, text in enumerate(CATS):
            draft = await draft_of(worker, resident, room, text, f"cat{n}")
            assert draft["category"] == "噪音扰民"
            await ok(server, "POST", f"/api/v1/tickets/{draft['id']}/dismiss", token,
                     {"reason": "流浪猫不归我们管"})
        stool = await draft_of(worker, resident, room, STOOL, "stool")
        assert stool["category"] == "治安秩序"
        await ok(server, "POST", f"/api/v1/tickets/{stool['id']}/confirm", token, {})
        await ok(server, "POST", f"/api/v1/tickets/{stool['id']}/accept", token,
                 {"category": "房屋设施", "urgency": "normal"})

        status = await ok(server, "GET", "/api/v1/admin/detection", admin)
        assert status["examples"] == 3 and status["model"]["source"] == "packaged"
        got, _ = await call(server, "GET", "/api/v1/admin/detection", token)
        assert got == 403
        for refused in (token, admin):  # the model serves every community: operator-level
            got, _ = await call(server, "POST", "/api/v1/admin/detection/retrain", refused)
            assert got == 403
            got, _ = await call(server, "POST", "/api/v1/admin/detection/restore", refused, {})
            assert got == 403

        result = await ok(server, "POST", "/api/v1/admin/detection/retrain", officer)
        assert result["switched"] is True, result["figures"]
        model = result["model"]
        assert (model["version"], model["examples"]) == (1, 3)
        figures = result["figures"]
        assert figures["candidate"]["frozen"]["messages"] >= 300
        assert figures["candidate"]["frozen"]["f1"] >= figures["current"]["frozen"]["f1"] - 0.01
        status = await ok(server, "GET", "/api/v1/admin/detection", admin)
        assert status["model"]["source"] == "store" and status["model"]["version"] == "v1"
        assert [m["status"] for m in status["models"]] == ["active"]

        # The same words now: the cats make no draft, the stool is a building matter.
        cat = await send(resident, room, CATS[0], "cat-again")
        stool_again = await draft_of(worker, resident, room, STOOL, "stool-again")
        assert stool_again["category"] == "房屋设施"
        await draft_of(worker, resident, room, LIFT, "lift")  # a lift is still a report
        await asyncio.sleep(0.5)
        drafts = await ok(server, "GET", "/api/v1/tickets?status=draft", token)
        assert all(cat["id"] not in t["message_ids"] for t in drafts["tickets"])

        store = server.services.store
        audit = await store.list_audit(community_id=None, action="detection.switch")
        assert [(e.target_id, e.details["previous"]) for e in audit] == \
            [(model["id"], "packaged")]

        restored = await ok(server, "POST", "/api/v1/admin/detection/restore", officer, {})
        assert restored["model"]["source"] == "packaged"
        assert [m["status"] for m in restored["models"]] == ["retired"]
        audit = await store.list_audit(community_id=None, action="detection.restore")
        assert len(audit) == 1
        got, body = await call(server, "POST", "/api/v1/admin/detection/restore", officer,
                               {"model_id": "dm-nope"})
        assert got == 404 and body["error"]["code"] == "not_found"
    finally:
        await resident.close()
        await worker.close()
