"""A 我要报事 shared into the grid room: the reporter shares it from the ticket page on a phone,
a neighbour presses 「我也遇到」 under 报事助手's line, and the worker's ticket page counts them
live."""

from __future__ import annotations

from playwright.async_api import expect

from tests.browser.test_chat_ui import grid_room, open_room
from tests.support.browser import PageFor, shot, sign_in
from tests.support.server import ServerProcess, login, ok


async def test_neighbour_presses_also_met_on_a_shared_report(
        server: ServerProcess, page_for: PageFor) -> None:
    token, _ = await login(server, "张伟")
    ticket = (await ok(server, "POST", "/api/v1/tickets", token,
                       {"description": "3栋东侧路灯不亮，晚上很黑", "category": "供电照明"},
                       status=201))["ticket"]
    reporter = await sign_in(await page_for(), server.account("张伟"))
    await reporter.goto(f"/#/tickets/{ticket['id']}")
    share = reporter.locator(".share-card")
    await share.get_by_role("button", name="分享到网格群").click()
    await expect(share.get_by_role("heading")).to_have_text("已分享到网格群")

    worker = await sign_in(await page_for(desktop=True), server.account("李娜"))
    await worker.goto(f"/#/tickets/{ticket['id']}")
    await expect(worker.locator(".ticket-facts")).to_contain_text("我也遇到0 人")

    room = await grid_room(server, "赵敏")
    neighbour = await sign_in(await page_for(), server.account("赵敏"))
    await open_room(neighbour, room)
    line = neighbour.locator(".msg.bot", has_text="3栋东侧路灯不亮")
    await expect(line).to_contain_text("报事助手")
    await line.get_by_role("button", name="我也遇到").click()
    await expect(line.locator("button.also")).to_have_text("已记录 · 共 1 人遇到")
    await expect(line.locator("button.also")).to_be_disabled()
    await shot(neighbour, "share-also-met")
    await expect(worker.locator(".ticket-facts")).to_contain_text("我也遇到1 人")
    await expect(share).to_contain_text("目前有 1 人也遇到")
    seen = (await ok(server, "GET", f"/api/v1/tickets/{ticket['id']}", token))["ticket"]
    assert seen["also_affected"] == 1
