"""A resident marks their own report 紧急: the form explains when to, shows the emergency
numbers at once for gas and fire, and the server keeps the urgency and its 2-hour deadline."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.async_api import expect

from tests.support.browser import PageFor, sign_in
from tests.support.server import ServerProcess, login, ok


def hours_to_deadline(ticket: dict[str, str]) -> float:
    due = datetime.fromisoformat(ticket["due_at"])
    return (due - datetime.fromisoformat(ticket["submitted_at"])) / timedelta(hours=1)


async def test_resident_marks_a_report_urgent(server: ServerProcess,
                                              page_for: PageFor) -> None:
    page = await sign_in(await page_for(), server.account("张伟"))
    await page.goto("/#/report")
    urgent = page.get_by_label("紧急", exact=True)
    await expect(urgent).not_to_be_checked()
    await expect(page.locator("#report-urgent-hint")).to_have_text(
        "有人受伤、被困、起火、燃气泄漏等危险")
    numbers = page.locator(".report-page .emergency")
    await expect(numbers).to_be_hidden()
    await page.get_by_label("问题类别").select_option("燃气安全")
    await expect(numbers).to_be_visible()  # at once, before anything is submitted
    await expect(numbers).to_contain_text("燃气泄漏请先离开并拨打燃气抢修电话")
    await expect(numbers.get_by_role("link", name="119")).to_have_attribute("href", "tel:119")
    await expect(numbers.get_by_role("link", name="120")).to_have_attribute("href", "tel:120")
    await page.get_by_label("问题类别").select_option("噪音扰民")
    await expect(numbers).to_be_hidden()
    await urgent.check()
    await expect(numbers).to_be_visible()
    await page.get_by_label("问题类别").select_option("")
    await page.get_by_label("问题描述").fill("5栋电梯困人，里面有老人")
    await page.get_by_label("位置").fill("5栋1单元电梯")
    await page.get_by_role("button", name="提交报事").click()
    await page.wait_for_url(re.compile(r"#/tickets/t\w+$"))
    await expect(page.locator(".ticket-facts")).to_contain_text("紧急程度紧急")

    token, _ = await login(server, "张伟")
    ticket_id = page.url.rsplit("/", 1)[1]
    ticket = (await ok(server, "GET", f"/api/v1/tickets/{ticket_id}", token))["ticket"]
    assert (ticket["category"], ticket["urgency"]) == (None, "urgent")
    assert abs(hours_to_deadline(ticket) - 2) < 0.01
    # Not marked: the default stays (未分类 → 较急, 24 hours); a resident cannot lower it.
    plain = (await ok(server, "POST", "/api/v1/tickets", token,
                      {"description": "楼下花坛杂草多", "urgency": "low"}, status=201))["ticket"]
    assert plain["urgency"] == "normal"
    assert abs(hours_to_deadline(plain) - 24) < 0.01
