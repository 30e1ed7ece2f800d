"""Labels a newcomer notices on a 375 px phone: the address reads 3栋2单元701室, the reply bar's
取消 stays on one line, the 匿名投票 checkbox sits beside its words, a grid's room is
「第一网格议事会」 (not 网格网格), and the composer hints at /办事 under a 办事 question."""

from __future__ import annotations

from urllib.parse import quote

from playwright.async_api import Locator, expect

from tests.browser.test_chat_keeps_messages_ui import say
from tests.browser.test_chat_ui import grid_room, open_room
from tests.support.browser import PageFor, sign_in
from tests.support.server import ServerProcess

ONE_LINE = """el => { const r = document.createRange(); r.selectNodeContents(el);
  const tops = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
  return tops.size === 1; }"""


async def beside(box_of: Locator, words: Locator) -> None:
    """The control and its label share a line: the control left of the label, its middle
    within the label's first line."""
    control, label = await box_of.bounding_box(), await words.bounding_box()
    assert control is not None and label is not None
    middle = control["y"] + control["height"] / 2
    assert control["x"] + control["width"] <= label["x"] + 1, (control, label)
    assert label["y"] <= middle <= label["y"] + 30, (control, label)


async def test_labels_on_a_phone(server: ServerProcess, page_for: PageFor) -> None:
    room = await grid_room(server)
    assert room["name"] == "第一网格议事会"
    await say(server, "刘芳", room["id"], ["明天上午九点在3栋楼下集合，一起去社区广场参加"
                                           "义诊活动，记得带上医保卡和身份证，老人家可以先去排队"])
    page = await sign_in(await page_for(), server.account("张伟"))
    await page.goto("/#/account")
    await expect(page.locator(".facts")).to_contain_text("住址3栋2单元701室")

    await open_room(page, room)
    await expect(page.locator("#room-title")).to_have_text("第一网格议事会")
    await page.locator(".msg", has_text="义诊活动").locator("button.more").click()
    await page.get_by_role("button", name="回复").click()
    cancel = page.locator(".compose-bar").get_by_role("button", name="取消")
    await expect(cancel).to_be_visible()
    assert await cancel.evaluate(ONE_LINE)
    await expect(page.locator(".compose-bar")).to_contain_text("回复 刘*")
    await cancel.click()

    hint = page.locator(".compose-hint")
    composer = page.get_by_label("输入消息")
    await composer.fill("请问老年证在哪里办？")
    await expect(hint).to_be_visible()
    await expect(hint).to_contain_text("/办事 关键词")
    await composer.fill("电梯坏了怎么办？")
    await expect(hint).to_be_hidden()

    organiser = await sign_in(await page_for(), server.account("赵敏"))
    await organiser.goto(f"/#/publish/poll?room={quote(room['id'], safe='')}")
    anonymous = organiser.get_by_label("匿名投票（只公布票数，不显示谁投了什么）")
    await expect(anonymous).to_be_visible()
    await beside(anonymous, organiser.locator("label", has_text="匿名投票"))
    assert await organiser.evaluate("() => document.documentElement.scrollWidth <= 375")
