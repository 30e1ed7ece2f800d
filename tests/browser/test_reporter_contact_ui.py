"""The reporter's contact on the ticket page: a tap-to-call phone and the address (栋/单元/室)
for the staff who may see the reporter's personal details (chat.permissions.
can_see_personal_details), and nothing for anyone else."""

from __future__ import annotations

from playwright.async_api import expect

from tests.support.browser import PageFor, sign_in
from tests.support.server import ServerProcess, login, ok


async def test_reporter_phone_is_a_tel_link_for_staff_who_may_see_it(
        server: ServerProcess, page_for: PageFor) -> None:
    resident, _ = await login(server, "张伟")
    filed = (await ok(server, "POST", "/api/v1/tickets", resident,
                      {"description": "3栋楼道堆了杂物", "category": "消防安全"},
                      status=201))["ticket"]
    assert "reporter_contact" not in filed  # the reporter's own view
    admin, _ = await login(server, "王建国")
    token, _ = await login(server, "李娜")
    grid = (await ok(server, "GET", "/api/v1/me", token))["user"]["grid_ids"][0]
    by_admin = (await ok(server, "POST", "/api/v1/tickets", admin,
                         {"description": "小区东门路面塌陷", "grid_id": grid},
                         status=201))["ticket"]

    staff = await sign_in(await page_for(desktop=True), server.account("李娜"))
    await staff.goto(f"/#/tickets/{filed['id']}")
    side = staff.locator(".ticket-facts")
    call = side.get_by_role("link", name="13900000001")
    await expect(call).to_have_attribute("href", "tel:13900000001")
    await expect(side).to_contain_text("报事人住址3栋2单元701室")
    panel = staff.locator("details[data-action=accept]")
    await panel.locator("summary").click()
    await panel.get_by_label("紧急程度").select_option("normal")
    await panel.locator("button[type=submit]").click()
    await expect(staff.locator(".head-tags")).to_have_text("已受理")
    await expect(call).to_be_visible()  # kept through the live update

    # 李娜 may not see the admin's personal details: the rule does not widen for tickets.
    await staff.goto(f"/#/tickets/{by_admin['id']}")
    await expect(side).to_contain_text("王建国")
    await expect(side).not_to_contain_text("报事人电话")
    await expect(side.locator("a[href^='tel:']")).to_have_count(0)
    seen = (await ok(server, "GET", f"/api/v1/tickets/{by_admin['id']}", token))["ticket"]
    assert "reporter_contact" not in seen
