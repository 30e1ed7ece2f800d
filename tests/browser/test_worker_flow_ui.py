"""A worker's flow without detours: 「受理并由我处理」 on a new ticket, and 办结 on an accepted
one, each in one step through the ticket's own actions (accept, assign, resolve)."""

from __future__ import annotations

from playwright.async_api import expect

from tests.support.browser import PageFor, sign_in
from tests.support.server import ServerProcess, login, ok


async def test_accept_as_mine_and_resolve_in_one_step(server: ServerProcess,
                                                      page_for: PageFor) -> None:
    resident, _ = await login(server, "张伟")
    token, lina = await login(server, "李娜")
    first = (await ok(server, "POST", "/api/v1/tickets", resident,
                      {"description": "3栋2单元楼道灯坏了", "category": "供电照明"},
                      status=201))["ticket"]
    second = (await ok(server, "POST", "/api/v1/tickets", resident,
                       {"description": "5栋垃圾桶满了", "category": "环境卫生"},
                       status=201))["ticket"]
    await ok(server, "POST", f"/api/v1/tickets/{second['id']}/accept", token,
             {"category": "环境卫生", "urgency": "low"})

    staff = await sign_in(await page_for(desktop=True), server.account("李娜"))
    await staff.goto(f"/#/tickets/{first['id']}")
    mine = staff.locator("details[data-action=accept-mine]")
    await expect(mine.locator("summary")).to_have_text("受理并由我处理")
    await mine.locator("summary").click()
    await mine.get_by_label("紧急程度").select_option("normal")
    await mine.locator("button[type=submit]").click()
    await expect(staff.locator(".head-tags")).to_have_text("处理中")
    await expect(staff.locator(".ticket-facts")).to_contain_text("李娜")
    data = (await ok(server, "GET", f"/api/v1/tickets/{first['id']}", token))["ticket"]
    assert (data["status"], data["assignee"]["id"]) == ("in_progress", lina["id"])
    assert [e["action"] for e in data["history"]] == ["create", "accept", "assign"]

    await staff.goto(f"/#/tickets/{second['id']}")
    await expect(staff.locator(".head-tags")).to_have_text("已受理")
    resolve = staff.locator("details[data-action=resolve]")
    await resolve.locator("summary").click()
    await expect(resolve).to_contain_text("将先指派给我，再办结")
    await resolve.get_by_label("办结说明").fill("已清运")
    await resolve.get_by_role("button", name="确认办结").click()
    await expect(staff.locator(".head-tags")).to_have_text("已办结")
    data = (await ok(server, "GET", f"/api/v1/tickets/{second['id']}", token))["ticket"]
    assert (data["status"], data["assignee"]["id"]) == ("resolved", lina["id"])
    assert [e["action"] for e in data["history"]] == ["create", "accept", "assign", "resolve"]
    assert data["resolution"] == "已清运"
