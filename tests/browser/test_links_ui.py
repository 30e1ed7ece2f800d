"""Links in messages: http(s) links become <a target=_blank rel="noopener noreferrer"> built
from text; a javascript: link and HTML stay plain text."""

from __future__ import annotations

from playwright.async_api import expect

from tests.browser.test_chat_keeps_messages_ui import say
from tests.browser.test_chat_ui import grid_room, open_room, texts
from tests.support.browser import PageFor, shot, sign_in
from tests.support.server import ServerProcess

HOSTILE = ('javascript:alert(1) <img src=x onerror="window.pwned=1"> '
           '<a href="javascript:window.pwned=2">点我</a> <b>粗体</b>')


async def test_http_links_are_tappable_and_nothing_else_becomes_markup(
        server: ServerProcess, page_for: PageFor) -> None:
    room = await grid_room(server)
    await say(server, "刘芳", room["id"], [
        "停水通知见 https://example.com/notice?id=7。另见http://example.org/a_b，谢谢",
        HOSTILE])
    page = await sign_in(await page_for(), server.account("张伟"))
    await open_room(page, room)
    first = texts(page).nth(-2)
    links = first.locator("a")
    await expect(links).to_have_count(2)
    await expect(links.nth(0)).to_have_text("https://example.com/notice?id=7")
    await expect(links.nth(0)).to_have_attribute("href", "https://example.com/notice?id=7")
    await expect(links.nth(0)).to_have_attribute("target", "_blank")
    await expect(links.nth(0)).to_have_attribute("rel", "noopener noreferrer")
    await expect(links.nth(1)).to_have_attribute("href", "http://example.org/a_b")
    await expect(first).to_have_text(
        "停水通知见 https://example.com/notice?id=7。另见http://example.org/a_b，谢谢")

    await shot(page, "links")
    hostile = texts(page).last
    await expect(hostile).to_have_text(HOSTILE)
    await expect(hostile.locator("*")).to_have_count(0)  # no element at all: text only
    assert await page.locator(".scroller img, .scroller b, .scroller a[href^='javascript']"
                              ).count() == 0
    assert await page.evaluate("() => window.pwned === undefined")
