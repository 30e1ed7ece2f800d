"""A poll in the chat on a 375 px phone: expanded, its 投票 button and its results are on the
screen without scrolling inside the panel, nothing is cut off at the sides, its deadline reads
as a local date, and once folded the newest message is in view above the composer again."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from playwright.async_api import Locator, Page, expect

from tests.browser.test_chat_ui import grid_room, open_room, texts
from tests.support.browser import PageFor, shot, sign_in
from tests.support.server import ServerProcess, login, ok

QUESTION = "是否同意在3栋楼下加装电动车充电桩，费用由物业维修基金承担？"
INSIDE_WIDTH = """el => el.scrollWidth <= el.clientWidth + 1"""


async def in_viewport_whole(page: Page, target: Locator) -> None:
    """Every pixel of `target` lies inside the window and inside each scrolling ancestor."""
    box = await target.bounding_box()
    assert box is not None
    height = await page.evaluate("() => window.innerHeight")
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, box
    assert await target.evaluate("""el => {
      const r = el.getBoundingClientRect();
      for (let p = el.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (!/(auto|scroll|hidden)/.test(s.overflowY)) continue;
        const b = p.getBoundingClientRect();
        if (r.top < b.top - 1 || r.bottom > b.bottom + 1) return false;
      }
      return true; }""")


async def test_expanded_poll_fits_a_phone(server: ServerProcess, page_for: PageFor) -> None:
    room = await grid_room(server)
    token, _ = await login(server, "赵敏")
    base = f"/api/v1/rooms/{quote(room['id'], safe='')}"
    await ok(server, "POST", base + "/notices", token, {
        "title": "周六上午停水通知", "body": "因管网检修，本周六 8:00–12:00 停水。",
        "requires_ack": True}, status=201)
    await ok(server, "POST", base + "/polls", token, {
        "question": QUESTION, "options": ["同意", "不同意", "弃权，听大家的意见"],
        "deadline": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
        "results": "live"}, status=201)
    page = await sign_in(await page_for(), server.account("张伟"))
    await open_room(page, room)
    card = page.locator("article.cm-poll", has_text=QUESTION)
    await card.locator(".cm-poll-toggle").click()
    # the deadline as people read it, e.g. 「截止 12月8日 周二 14:00」
    await expect(card.locator(".cm-meta")).to_have_text(
        re.compile(r"发起 · 截止 (\d{4}年)?\d{1,2}月\d{1,2}日 周[一二三四五六日] \d\d:\d\d$"))
    vote = card.get_by_role("button", name="投票")
    await expect(vote).to_be_visible()
    await in_viewport_whole(page, vote)
    await shot(page, "poll-phone")
    await card.get_by_label("弃权，听大家的意见").check()
    await vote.click()
    await expect(card.locator(".cm-own")).to_have_text("你已投票：弃权，听大家的意见")
    results = card.locator(".cm-results")
    await expect(results).to_contain_text("1 票")
    await in_viewport_whole(page, results)
    assert await card.evaluate(INSIDE_WIDTH)
    assert await page.evaluate("() => document.documentElement.scrollWidth <= 375")
    await expect(page.get_by_label("输入消息")).to_be_in_viewport()
    await card.locator(".cm-poll-toggle").click()  # folded again: the chat has its room
    await expect(texts(page).last).to_be_in_viewport()
