"""No silent defaults: the 受理 form of an unclassified ticket and the rating form start with
nothing chosen, and refuse to submit until the person chooses."""

from __future__ import annotations

from playwright.async_api import expect

from tests.support.browser import PageFor, sign_in
from tests.support.server import ServerProcess, login, ok


async def test_accept_and_rating_forms_preselect_nothing(server: ServerProcess,
                                                         page_for: PageFor) -> None:
    resident, _ = await login(server, "张伟")
    filed = await ok(server, "POST", "/api/v1/tickets", resident,
                     {"description": "5栋门口路灯不亮", "location": "5栋"}, status=201)
    ticket_id = filed["ticket"]["id"]

    staff = await sign_in(await page_for(desktop=True), server.account("李娜"))
    await staff.goto(f"/#/tickets/{ticket_id}")
    panel = staff.locator("details[data-action=accept]")
    await panel.locator("summary").click()
    category = panel.get_by_label("类别")
    urgency = panel.get_by_label("紧急程度")
    await expect(category).to_have_value("")
    await expect(urgency).to_have_value("")
    await expect(category.locator("option:checked")).to_have_text("请选择")
    await panel.locator("button[type=submit]").click()
    await expect(panel.locator(".form-status")).to_have_text("请选择类别")
    await expect(category).to_be_focused()
    await category.select_option("供电照明")
    await panel.locator("button[type=submit]").click()
    await expect(panel.locator(".form-status")).to_have_text("请选择紧急程度")
    token, lina = await login(server, "李娜")
    still = (await ok(server, "GET", f"/api/v1/tickets/{ticket_id}", token))["ticket"]
    assert still["status"] == "submitted"
    await urgency.select_option("low")
    await panel.locator("button[type=submit]").click()
    await expect(staff.locator(".head-tags")).to_have_text("已受理")
    accepted = (await ok(server, "GET", f"/api/v1/tickets/{ticket_id}", token))["ticket"]
    assert (accepted["category"], accepted["urgency"]) == ("供电照明", "low")

    await ok(server, "POST", f"/api/v1/tickets/{ticket_id}/assign", token,
             {"assignee_id": lina["id"]})
    await ok(server, "POST", f"/api/v1/tickets/{ticket_id}/resolve", token,
             {"note": "已换灯泡"})
    page = await sign_in(await page_for(), server.account("张伟"))
    await page.goto(f"/#/tickets/{ticket_id}")
    rating = page.locator("form.rating-form")
    await expect(rating.locator("input[name=rating]")).to_have_count(3)
    await expect(rating.locator("input[name=rating]:checked")).to_have_count(0)
    await rating.get_by_role("button", name="提交评价").click()
    await expect(rating.locator(".form-status")).to_have_text("请选择满意程度")
    await expect(page.locator(".head-tags")).to_have_text("已办结")
    await rating.get_by_label("基本满意").check()
    await rating.get_by_role("button", name="提交评价").click()
    await expect(page.locator(".head-tags")).to_have_text("已关闭")
