"""报事 in the browser: a resident files a report and follows it live while a worker handles
it on the ticket page; a report made from one's own chat message; the drafts queue."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.support.browser import PageFor, shot, sign_in
from tests.support.server import ServerProcess, connect, login, ok

ELEVATOR = "3栋电梯又拐哒，卡在7楼不动"


async def file_by_rest(server: ServerProcess, name: str, body: dict[str, str]) -> str:
    token, _ = await login(server, name)
    data = await ok(server, "POST", "/api/v1/tickets", token, body, status=201)
    return str(data["ticket"]["id"])


async def dismiss_demo_drafts(server: ServerProcess) -> int:
    """The demo's own chat may leave drafts (「快递柜修好了没有？」 is one to the model): a worker
    clears them, so each test starts from an empty queue."""
    token, _ = await login(server, "李娜")
    drafts = (await ok(server, "GET", "/api/v1/tickets?status=draft", token))["tickets"]
    for ticket in drafts:
        await ok(server, "POST", f"/api/v1/tickets/{ticket['id']}/dismiss", token,
                 {"reason": "演示数据"})
    return len(drafts)


async def act(page: Page, action: str, choices: dict[str, str] | None = None) -> None:
    """Open one action of the staff panel (a <details>), choose `choices` (label → option
    value) and submit its form."""
    panel = page.locator(f"details[data-action={action}]")
    await panel.locator("summary").click()
    for name, value in (choices or {}).items():
        await panel.get_by_label(name).select_option(value)
    await panel.locator("button[type=submit]").click()


async def test_resident_files_and_follows_live_while_staff_handles(
        server: ServerProcess, page_for: PageFor) -> None:
    dismissed = await dismiss_demo_drafts(server)
    await file_by_rest(server, "孙强", {"description": "8栋门口垃圾两天没人清", "location": "8栋"})
    resident = await sign_in(await page_for(), server.account("张伟"))
    await resident.goto("/#/report")
    await resident.get_by_label("问题类别").select_option("供电照明")
    await resident.get_by_label("问题描述").fill("2单元楼道灯坏了，晚上很黑")
    await resident.get_by_label("位置").fill("3栋2单元")
    await resident.get_by_role("button", name="提交报事").click()
    await resident.wait_for_url(re.compile(r"#/tickets/t\w+$"))
    ticket_id = resident.url.rsplit("/", 1)[1]
    await expect(resident.get_by_role("heading", level=1)).to_have_text(re.compile(r"报事 第\d+号"))
    await expect(resident.locator(".head-tags")).to_have_text("已提交")

    await resident.goto("/#/tickets/mine")
    row = resident.locator(f"li[data-ticket-id={ticket_id}]")
    await expect(row).to_contain_text("2单元楼道灯坏了")
    await expect(row).to_contain_text("已提交")
    await resident.evaluate("window.__stayed = true")  # gone if the page reloads

    staff = await sign_in(await page_for(desktop=True), server.account("李娜"))
    await staff.goto(f"/#/tickets/{ticket_id}")
    await act(staff, "accept", {"紧急程度": "normal"})
    await expect(staff.locator(".head-tags")).to_have_text("已受理")
    await expect(row).to_contain_text("已受理")  # the resident's list, live

    await row.get_by_role("link").click()
    await expect(resident.locator(".head-tags")).to_have_text("已受理")
    assign = staff.locator("details[data-action=assign]")
    await assign.locator("summary").click()
    await assign.locator("option", has_text="李娜").wait_for(state="attached")
    await assign.get_by_label("处理人").select_option(label="李娜（我） · 网格员")
    await assign.locator("button[type=submit]").click()
    await expect(staff.locator(".head-tags")).to_have_text("处理中")
    await expect(resident.locator(".head-tags")).to_have_text("处理中")
    await expect(resident.locator(".ticket-facts")).to_contain_text("李娜")

    resolve = staff.locator("details[data-action=resolve]")
    await resolve.locator("summary").click()
    await resolve.get_by_label("办结说明").fill("已更换楼道灯泡")
    await resolve.locator("button[type=submit]").click()
    await expect(resident.locator(".head-tags")).to_have_text("已办结")
    await expect(resident.locator(".ticket-facts")).to_contain_text("已更换楼道灯泡")
    assert await resident.evaluate("window.__stayed === true")

    rating = resident.locator("form.rating-form")
    await rating.get_by_label("满意", exact=True).check()
    await rating.get_by_label("补充意见").fill("修得很快")
    await rating.get_by_role("button", name="提交评价").click()
    await expect(resident.locator(".head-tags")).to_have_text("已关闭")
    steps = resident.locator(".timeline .step")
    await expect(steps).to_have_count(5)  # create, accept, assign, resolve, rate
    await expect(steps.first).to_contain_text("评价")
    await expect(steps.first).to_contain_text("满意 修得很快")
    await resident.locator("#desc-h").evaluate("e => e.scrollIntoView({block: 'start'})")
    await shot(resident, "ticket-timeline")

    await staff.goto("/#/staff/tickets?status=")
    await expect(staff.locator(f"li[data-ticket-id={ticket_id}]")).to_contain_text("已关闭")
    await expect(staff.locator(".ticket-row")).to_have_count(2 + dismissed)


async def test_report_made_from_own_chat_message(server: ServerProcess,
                                                 page_for: PageFor) -> None:
    client, user = await connect(server, "张伟")
    try:
        sent = await client.ok("message:send", {"room_id": f"grid:{user['grid_ids'][0]}",
                                                "text": ELEVATOR, "client_id": "ui-1"})
    finally:
        await client.close()
    # The second filing is refused with 409, which the browser logs as a console error.
    page = await sign_in(await page_for(expect_errors=True), server.account("张伟"))
    await page.goto(f"/#/report?message_id={sent['id']}&room_id={sent['room_id']}")
    await expect(page.locator(".from-message")).to_contain_text(ELEVATOR)
    await page.get_by_label("位置").fill("3栋电梯")
    await page.get_by_role("button", name="提交报事").click()
    await page.wait_for_url(re.compile(r"#/tickets/t\w+$"))
    # Filed from the message, or the detector's draft of it confirmed: submitted either way.
    await expect(page.locator(".head-tags")).to_have_text("已提交")
    await expect(page.locator(".ticket-description")).to_have_text(ELEVATOR)

    await page.goto(f"/#/report?message_id={sent['id']}&room_id={sent['room_id']}")
    await page.get_by_role("button", name="提交报事").click()
    await expect(page.locator(".report-form .form-status")).to_contain_text("已报事")
    await page.get_by_role("link", name="查看该报事").click()
    await page.wait_for_url(re.compile(r"#/tickets/t\w+$"))
    await expect(page.locator(".ticket-description")).to_have_text(ELEVATOR)
    errors = page_for.errors(page)
    assert len(errors) == 1 and "409 (Conflict)" in errors[0], errors


async def say(server: ServerProcess, name: str, text: str) -> None:
    client, user = await connect(server, name)
    try:
        await client.ok("message:send", {"room_id": f"grid:{user['grid_ids'][0]}",
                                         "text": text, "client_id": f"ui-{name}"})
    finally:
        await client.close()


async def test_drafts_queue_shows_new_drafts_live(server: ServerProcess,
                                                  page_for: PageFor) -> None:
    await dismiss_demo_drafts(server)
    staff = await sign_in(await page_for(desktop=True), server.account("李娜"))
    await staff.goto("/#/staff/drafts")
    await expect(staff.get_by_text("暂无待确认的报事")).to_be_visible()
    await say(server, "张伟", ELEVATOR)
    card = staff.locator("li.draft", has_text=ELEVATOR)
    await expect(card).to_contain_text(ELEVATOR)  # draft:new, no reload
    await expect(card).to_contain_text("电梯设施")
    await expect(card.locator(".draft-place")).to_have_text("地点：3栋电梯 7楼")
    await expect(card.locator(".term").first).to_be_visible()
    await expect(card.locator(".duplicate-note")).to_have_count(0)
    await expect(staff.get_by_text("暂无待确认的报事")).to_be_hidden()
    ticket_id = await card.get_attribute("data-ticket-id")
    token, _ = await login(server, "李娜")
    number = (await ok(server, "GET", f"/api/v1/tickets/{ticket_id}", token))["ticket"]["number"]

    # Another neighbour about the same lift: marked, and merged into the first in one step.
    await say(server, "刘芳", "3栋2单元电梯坏了 困了人")
    again = staff.locator("li.draft", has_text="3栋2单元电梯坏了")
    await expect(again).to_contain_text("3栋2单元电梯坏了")
    await expect(again.locator(".draft-place")).to_have_text("地点：3栋2单元电梯")
    await expect(again.locator(".duplicate-note")).to_have_text(
        re.compile(f"可能与第{number}号报事重复"))
    await shot(staff, "drafts-queue")
    duplicate_id = await again.get_attribute("data-ticket-id")
    await again.get_by_role("button", name=f"合并到第{number}号").click()
    await expect(staff.locator(f"li[data-ticket-id={duplicate_id}]")).to_have_count(0)
    await expect(staff.locator("#toast")).to_contain_text(f"已合并到第{number}号")
    merged = (await ok(server, "GET", f"/api/v1/tickets/{duplicate_id}", token))["ticket"]
    assert (merged["status"], merged["merged_into"]) == ("duplicate", ticket_id)
    kept = (await ok(server, "GET", f"/api/v1/tickets/{ticket_id}", token))["ticket"]
    assert (kept["status"], kept["also_affected"]) == ("draft", 1)

    await card.get_by_role("button", name="确认上报").click()
    await expect(card).to_have_count(0)
    await expect(staff.get_by_text("暂无待确认的报事")).to_be_visible()
    data = await ok(server, "GET", f"/api/v1/tickets/{ticket_id}", token)
    assert data["ticket"]["status"] == "submitted"
