"""The operators' status page (系统状态) in the browser: a community admin finds it in the
menu and reads this process, the store, Redis and the backup's age (未知 without a record);
a grid worker has no such menu entry."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.support.browser import PageFor, shot, sign_in
from tests.support.server import ServerProcess


async def test_an_admin_reads_the_status_page(page_for: PageFor, server: ServerProcess) -> None:
    page = await sign_in(await page_for(desktop=True), server.account("王建国"))
    await page.locator("#nav").get_by_role("link", name="系统状态").click()
    await expect(page.get_by_role("heading", name="系统状态")).to_be_visible()
    rows = page.locator(".status-processes tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("（本进程）")
    # uptime from the server's ISO times: a number of seconds or minutes, not 未知 or NaN
    uptime = rows.first.locator("[data-label=已运行]")
    await expect(uptime).to_have_text(re.compile(r"^\d+ (秒|分钟)$"))
    await expect(page.get_by_text(re.compile(r"^更新于 \d"))).to_be_visible()
    store = page.get_by_role("region", name="存储与 Redis")
    await expect(store).to_contain_text("SQLite")
    await expect(store.locator("[data-state=ok]")).to_have_text("正常")
    await expect(store).to_contain_text("未配置")
    await expect(page.get_by_role("region", name="备份")).to_contain_text("未知")
    await expect(page.get_by_role("region", name="报事识别")).to_contain_text("内置")
    await shot(page, "status")


async def test_a_worker_has_no_status_page(page_for: PageFor, server: ServerProcess) -> None:
    page = await sign_in(await page_for(), server.account("李娜"))
    await expect(page.locator("#nav")).not_to_contain_text("系统状态")
    await page.goto("/#/staff/status")
    await expect(page.get_by_role("heading", name="系统状态")).to_have_count(0)
