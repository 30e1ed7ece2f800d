"""Ways into a ticket and out of it, with real clients on an in-process server whose clock the
test moves: 我要报事 by form and by message, a worker's conversion and 基层报事, dismissal,
merging (我也遇到), automatic closing, filters, errors and a lexicon reload."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from moderation.lexicon import load_lexicon
from tests.app.conftest import StartApp
from tests.support.inproc import InProcessServer, district_officer
from tests.support.server import Client, call, connect, login, ok

LIFT = "3栋电梯又拐哒，卡在7楼不动"


@pytest.fixture
async def server(tmp_path: Path, start_app: StartApp) -> InProcessServer:
    lexicon = tmp_path / "lexicon.toml"
    shutil.copy(Path(load_lexicon.__code__.co_filename).parent / "lexicon" / "default.toml",
                lexicon)
    return await start_app(lexicon_path=lexicon)


async def send(client: Client, room_id: str, text: str, client_id: str) -> dict[str, Any]:
    return await client.ok("message:send", {"room_id": room_id, "text": text,  # type: ignore[no-any-return]
                                            "client_id": client_id})


async def test_resident_form_and_my_tickets(server: InProcessServer) -> None:
    zhang, _ = await login(server, "张伟")
    liu, _ = await login(server, "刘芳")
    worker, li = await connect(server, "李娜")
    try:
        data = await ok(server, "POST", "/api/v1/tickets", zhang, {
            "description": "小区东门的道闸坏了，车进不来", "category": "房屋设施",
            "location": "东门"}, status=201)
        ticket = data["ticket"]
        assert (ticket["status"], ticket["source"], ticket["level"]) == \
            ("submitted", "resident", "grid")
        assert ticket["due_at"] is not None and ticket["room_id"] is None
        seen = await worker.wait_for("ticket:updated", lambda t: t["id"] == ticket["id"])
        assert seen["reporter"]["name"] == "张伟"  # staff see the real name
        mine = await ok(server, "GET", "/api/v1/tickets/mine", zhang)
        assert [t["id"] for t in mine["tickets"]] == [ticket["id"]]
        assert (await ok(server, "GET", "/api/v1/tickets/mine", liu))["tickets"] == []
        got, _ = await call(server, "GET", f"/api/v1/tickets/{ticket['id']}", liu)
        assert got == 404
        staff_filed = await ok(server, "POST", "/api/v1/tickets", li["token"], {
            "description": "5栋楼道堆放杂物", "category": "消防安全"}, status=201)
        assert staff_filed["ticket"]["source"] == "worker"
    finally:
        await worker.close()


async def test_report_own_message_confirms_its_draft(server: InProcessServer) -> None:
    resident, zhang = await connect(server, "张伟")
    worker, li = await connect(server, "李娜")
    liu, _ = await login(server, "刘芳")
    try:
        room = f"grid:{zhang['grid_ids'][0]}"
        hotpot = await send(resident, room, "今晚吃火锅 🔥 好巴适", "hotpot")
        sent = await send(resident, room, LIFT, "lift")
        draft = await worker.wait_for("draft:new", lambda t: sent["id"] in t["message_ids"])
        got, _ = await call(server, "POST", "/api/v1/tickets", liu, {"message_id": sent["id"]})
        assert got == 403  # only one's own message
        data = await ok(server, "POST", "/api/v1/tickets", zhang["token"],
                        {"message_id": sent["id"]}, status=201)
        assert data["ticket"]["id"] == draft["id"] and data["ticket"]["status"] == "submitted"
        got, again = await call(server, "POST", "/api/v1/tickets", zhang["token"],
                                {"message_id": sent["id"]})
        assert got == 409 and again["error"]["ticket_id"] == draft["id"]
        drafts = await ok(server, "GET", "/api/v1/tickets?source=detected", li["token"])
        assert draft["id"] in [t["id"] for t in drafts["tickets"]]
        assert all(hotpot["id"] not in t["message_ids"] for t in drafts["tickets"])
    finally:
        await resident.close()
        await worker.close()


async def test_worker_turns_a_message_into_a_ticket(server: InProcessServer) -> None:
    resident, sun = await connect(server, "孙强")
    li, _ = await login(server, "李娜")
    try:
        sent = await send(resident, f"grid:{sun['grid_ids'][0]}", "麻烦哪位看下我们这边", "c1")
        data = await ok(server, "POST", "/api/v1/tickets", li, {
            "message_id": sent["id"], "description": "2栋门口井盖松动", "category": "房屋设施"},
            status=201)
        ticket = data["ticket"]
        assert ticket["source"] == "resident" and ticket["reporter"]["id"] == sun["id"]
        assert ticket["created_by"]["name"] == "李娜"
        line = await resident.wait_for("message:new", lambda m: m["kind"] == "bot")
        assert line["text"] == f"【报事进度】第{ticket['number']}号「房屋设施」：已登记，等待受理"
    finally:
        await resident.close()


async def test_dismissals_are_kept_and_merging_counts_also_affected(
        server: InProcessServer) -> None:
    resident, zhang = await connect(server, "张伟")
    worker, li = await connect(server, "李娜")
    token = li["token"]
    try:
        room = f"grid:{zhang['grid_ids'][0]}"
        first = await send(resident, room, LIFT, "a")
        draft = await worker.wait_for("draft:new", lambda t: first["id"] in t["message_ids"])
        got, bad = await call(server, "POST", f"/api/v1/tickets/{draft['id']}/dismiss", token, {})
        assert got == 400 and bad["error"]["code"] == "invalid"
        await ok(server, "POST", f"/api/v1/tickets/{draft['id']}/dismiss", token,
                 {"reason": "演习通知，不是故障"})
        dismissed = await ok(server, "GET", "/api/v1/tickets?status=dismissed", token)
        assert [(t["id"], t["reason"]) for t in dismissed["tickets"]] == \
            [(draft["id"], "演习通知，不是故障")]

        keep = (await ok(server, "POST", "/api/v1/tickets", zhang["token"], {
            "description": "1栋门禁坏了", "category": "房屋设施"}, status=201))["ticket"]
        liu, _ = await login(server, "刘芳")
        dup = (await ok(server, "POST", "/api/v1/tickets", liu, {
            "description": "1栋门禁刷不开", "category": "房屋设施"}, status=201))["ticket"]
        merged = await ok(server, "POST", f"/api/v1/tickets/{dup['id']}/merge", token,
                          {"into": keep["id"]})
        assert merged["ticket"]["status"] == "duplicate"
        kept = await ok(server, "GET", f"/api/v1/tickets/{keep['id']}", token)
        assert kept["ticket"]["also_affected"] == 1
        got, refused = await call(server, "POST", f"/api/v1/tickets/{dup['id']}/merge", token,
                                  {"into": keep["id"]})
        assert got == 409 and refused["error"]["code"] == "conflict"
    finally:
        await resident.close()
        await worker.close()


async def test_unrated_tickets_close_themselves(server: InProcessServer) -> None:
    resident, zhang = await connect(server, "张伟")
    li, li_user = await login(server, "李娜")
    try:
        t = (await ok(server, "POST", "/api/v1/tickets", zhang["token"], {
            "description": "路灯不亮", "category": "供电照明"}, status=201))["ticket"]
        for action, body in (("accept", {"category": "供电照明", "urgency": "low"}),
                             ("assign", {"assignee_id": li_user["id"]}),
                             ("resolve", {"note": "已更换灯泡"})):
            await ok(server, "POST", f"/api/v1/tickets/{t['id']}/{action}", li, body)
        server.clock.advance(days=6)
        server.clock.advance(days=1, minutes=1)
        closed = await resident.wait_for("ticket:updated",
                                         lambda x: x["id"] == t["id"] and x["status"] == "closed")
        assert closed["history"][-1]["action"] == "auto_close"
        assert closed["rating"] is None
    finally:
        await resident.close()


@pytest.fixture
async def quiet_server(start_app: StartApp) -> InProcessServer:
    """No sweeps: overdue tickets stay where they are while the test looks at them."""
    return await start_app(sweep_seconds=3600)


async def test_filters_paging_and_errors(quiet_server: InProcessServer) -> None:
    server = quiet_server
    zhang, _ = await login(server, "张伟")
    li, _ = await login(server, "李娜")
    for n, (category, urgency) in enumerate((("燃气安全", "urgent"), ("环境卫生", "low"),
                                             ("燃气安全", None))):
        await ok(server, "POST", "/api/v1/tickets", zhang, {
            "description": f"问题 {n}", "category": category,
            **({"urgency": urgency} if urgency else {})}, status=201)
    page = await ok(server, "GET", "/api/v1/tickets?category=燃气安全&limit=1", li)
    assert page["total"] == 2 and len(page["tickets"]) == 1
    urgent = await ok(server, "GET", "/api/v1/tickets?urgency=urgent&status=submitted", li)
    assert urgent["total"] == 2  # 燃气安全 defaults to urgent
    assert (await ok(server, "GET", "/api/v1/tickets?overdue=1", li))["total"] == 0
    server.clock.advance(hours=2, minutes=1)
    overdue = await ok(server, "GET", "/api/v1/tickets?overdue=true", li)
    assert [t["urgency"] for t in overdue["tickets"]] == ["urgent", "urgent"]
    assert all(t["overdue"] for t in overdue["tickets"])

    for path, status, code in (
            ("/api/v1/tickets?status=nonsense", 400, "invalid"),
            ("/api/v1/tickets?limit=0", 400, "invalid"),
            ("/api/v1/tickets?colour=red", 400, "invalid"),
            ("/api/v1/tickets/t-missing", 404, "not_found")):
        got, data = await call(server, "GET", path, li)
        assert (got, data["error"]["code"]) == (status, code), path
    got, data = await call(server, "GET", "/api/v1/tickets", zhang)
    assert (got, data["error"]["code"]) == (403, "forbidden")
    got, data = await call(server, "POST", "/api/v1/tickets", zhang, {
        "description": "x", "category": "外星人"})
    assert (got, data["error"]["code"]) == (400, "invalid")
    got, data = await call(server, "POST", "/api/v1/tickets", zhang, {"category": "噪音扰民"})
    assert (got, data["error"]["code"]) == (400, "invalid")
    any_id = (await ok(server, "GET", "/api/v1/tickets", li))["tickets"][0]["id"]
    got, data = await call(server, "POST", f"/api/v1/tickets/{any_id}/resolve", li,
                           {"note": "还没受理就办结"})
    assert (got, data["error"]["code"]) == (409, "conflict")
    got, data = await call(server, "POST", f"/api/v1/tickets/{any_id}/teleport", li, {})
    assert (got, data["error"]["code"]) == (404, "not_found")


async def test_lexicon_reload(server: InProcessServer) -> None:
    """The lexicon serves every community: an operator-level person reloads it, and no
    answer names the server's files."""
    officer = await district_officer(server)
    for name in ("李娜", "王建国"):
        got, data = await call(server, "POST", "/api/v1/admin/lexicon/reload",
                               (await login(server, name))[0])
        assert (got, data["error"]["code"]) == (403, "forbidden"), name
    assert server.settings.lexicon_path is not None
    path = str(server.settings.lexicon_path)
    reloaded = await ok(server, "POST", "/api/v1/admin/lexicon/reload", officer)
    assert reloaded["lexicon"] == "custom" and len(reloaded["lexicon_sha256"]) == 64
    assert path not in str(reloaded) and server.data_dir.parent.name not in str(reloaded)
    server.settings.lexicon_path.write_text("[[categories]]\nname = '外星人'\n")
    got, data = await call(server, "POST", "/api/v1/admin/lexicon/reload", officer)
    assert got == 400 and "old one stays" in data["error"]["message"]
    assert path not in str(data) and "lexicon.toml" not in str(data)
    worker, _ = await connect(server, "李娜")
    resident, zhang = await connect(server, "张伟")
    try:  # the previous lexicon still works
        sent = await send(resident, f"grid:{zhang['grid_ids'][0]}", LIFT, "after-reload")
        await worker.wait_for("draft:new", lambda t: sent["id"] in t["message_ids"])
    finally:
        await worker.close()
        await resident.close()
    entries = await server.services.store.list_audit(community_id=None, action="lexicon.reload")
    assert len(entries) == 1 and path not in str(entries[0])


async def test_filing_is_rate_limited_per_person(server: InProcessServer) -> None:
    zhang, _ = await login(server, "张伟")
    liu, _ = await login(server, "刘芳")
    for n in range(10):
        await ok(server, "POST", "/api/v1/tickets", zhang, {"description": f"问题 {n}"},
                 status=201)
    got, data = await call(server, "POST", "/api/v1/tickets", zhang, {"description": "第11个"})
    assert got == 429 and data["error"]["code"] == "rate_limited"
    assert data["error"]["retry_after"] > 0
    await ok(server, "POST", "/api/v1/tickets", liu, {"description": "邻居照常报事"}, status=201)


async def test_a_draft_about_a_reported_place_is_a_likely_duplicate(
        server: InProcessServer) -> None:
    zhang_client, zhang = await connect(server, "张伟")
    liu_client, _ = await connect(server, "刘芳")
    worker, li = await connect(server, "李娜")
    token = li["token"]
    try:
        room = f"grid:{zhang['grid_ids'][0]}"
        first_sent = await send(zhang_client, room, "3栋2单元电梯坏了 困了人", "lift-a")
        first = await worker.wait_for("draft:new", lambda t: first_sent["id"] in t["message_ids"])
        assert (first["location"], first["duplicate_of"]) == ("3栋2单元电梯", None)
        again = await send(liu_client, room, "3栋电梯又停了 里面有人", "lift-b")
        second = await worker.wait_for("draft:new", lambda t: again["id"] in t["message_ids"])
        assert second["location"] == "3栋电梯"
        assert (second["duplicate_of"], second["duplicate_number"]) == \
            (first["id"], first["number"])
        elsewhere = await send(liu_client, room, "8栋电梯又停了 里面有人", "lift-c")
        third = await worker.wait_for("draft:new",
                                      lambda t: elsewhere["id"] in t["message_ids"])
        assert (third["location"], third["duplicate_of"]) == ("8栋电梯", None)

        drafts = await ok(server, "GET", "/api/v1/tickets?status=draft", token)
        marked = {t["id"]: t["duplicate_number"] for t in drafts["tickets"]}
        assert {i: marked.get(i, "missing") for i in (first["id"], second["id"], third["id"])} \
            == {first["id"]: None, second["id"]: first["number"], third["id"]: None}
        merged = await ok(server, "POST", f"/api/v1/tickets/{second['id']}/merge", token,
                          {"into": second["duplicate_of"]})
        assert merged["ticket"]["status"] == "duplicate"
        kept = await ok(server, "GET", f"/api/v1/tickets/{first['id']}", token)
        assert (kept["ticket"]["status"], kept["ticket"]["also_affected"]) == ("draft", 1)
    finally:
        for client in (zhang_client, liu_client, worker):
            await client.close()
