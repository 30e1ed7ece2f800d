"""Every screen in every demo account's menu opens without an error, fits a 375 px phone
without sideways scrolling, and has a heading; keyboard focus is visible."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.support.browser import PageFor, shot, sign_in
from tests.support.server import ServerProcess

ACCOUNTS = {
    "张伟": ["聊天", "我要报事", "我的报事", "办事指南", "我的账号"],
    "赵敏": ["聊天", "我要报事", "我的报事", "办事指南", "发布公告", "发起表决", "我的账号"],
    "李娜": ["聊天", "办事指南", "居民审核", "待确认报事", "工单", "举报处理", "统计", "发布公告",
             "发起表决", "入户码", "我的账号"],
    "王建国": ["聊天", "办事指南", "居民审核", "待确认报事", "工单", "举报处理", "统计", "操作日志",
               "系统状态", "发布公告", "发起表决", "办事指南管理", "入户码", "我的账号"],
}


async def menu(page: Page) -> list[str]:
    return [t.strip() for t in await page.locator("#nav a").all_text_contents()]


async def overflow(page: Page) -> int:
    return int(await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.mark.parametrize("name", list(ACCOUNTS))
async def test_every_menu_screen_opens_on_a_phone(page_for: PageFor, server: ServerProcess,
                                                 name: str) -> None:
    page = await sign_in(await page_for(), server.account(name))
    assert await menu(page) == ACCOUNTS[name]
    for label in ACCOUNTS[name]:
        await page.get_by_role("button", name="菜单").click()
        await page.locator("#nav").get_by_role("link", name=label, exact=True).click()
        await expect(page.locator("#nav a[aria-current=page]")).to_have_text(label)
        await expect(page.locator("#view h1").first).to_be_visible()
        await expect(page.locator("#view [role=alert].error")).to_have_count(0)
        assert await overflow(page) <= 0, f"{label} scrolls sideways at 375 px"


async def test_desktop_layout_and_keyboard(page_for: PageFor, server: ServerProcess) -> None:
    page = await sign_in(await page_for(desktop=True), server.account("王建国"))
    await expect(page.get_by_role("button", name="菜单")).to_be_hidden()  # the menu is a sidebar
    await page.reload()
    await page.locator("#nav a").first.wait_for()
    await page.keyboard.press("Tab")  # the skip link comes first
    await expect(page.get_by_role("link", name="跳到主要内容")).to_be_focused()
    outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    hash_before = await page.evaluate("location.hash")
    await page.keyboard.press("Enter")
    await expect(page.locator("#view")).to_be_focused()
    assert await page.evaluate("location.hash") == hash_before
    for label in ACCOUNTS["王建国"]:
        await page.locator("#nav").get_by_role("link", name=label, exact=True).click()
        await expect(page.locator("#view h1").first).to_be_visible()
        assert await overflow(page) <= 0, label
    await page.locator("#nav").get_by_role("link", name="聊天", exact=True).click()
    await shot(page, "rooms-desktop")
