"""The community screens in a browser: a poll voted in from two browsers with live results,
a notice acknowledged with the author's count updating live, a join code's QR, and the
service directory's search. Each test runs against a demo server of its own."""

from __future__ import annotations

import re
import signal
from urllib.parse import quote

from playwright.async_api import Locator, Page, expect

from tests.support.browser import PageFor, grid_room, shot
from tests.support.server import DEMO_PASSWORD, ServerProcess, login, ok


async def sign_in(page_for: PageFor, server: ServerProcess, name: str, *,
                  desktop: bool = False, expect_errors: bool = False) -> Page:
    page = await page_for(desktop=desktop, expect_errors=expect_errors)
    await page.goto("/#/login")
    await page.get_by_label("手机号").fill(server.account(name)["phone"])
    await page.get_by_label("密码").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await expect(page.locator("#me")).to_contain_text(name)
    return page


async def open_board(page: Page, room_id: str) -> Locator:
    await page.goto(f"/#/rooms/{quote(room_id, safe='')}/board")
    panel = page.locator(f'.cm-panel[data-room-id="{room_id}"]')
    await expect(panel).to_be_visible()
    return panel


def result(card: Locator, option: int) -> Locator:
    """The vote count of the option numbered `option` (o1, o2, … in the order given)."""
    return card.locator(f'.cm-results li[data-option-id="o{option}"] .cm-votes')


async def test_poll_voted_from_two_browsers_shows_live_results(
        page_for: PageFor, server: ServerProcess) -> None:
    room = str((await grid_room(server, "赵敏"))["id"])
    question = "是否同意在3栋楼下加装电动车充电桩？"
    zhao = await sign_in(page_for, server, "赵敏")
    await zhao.goto(f"/#/publish/poll?room={quote(room, safe='')}")
    await expect(zhao.get_by_label("发布到")).to_have_value(room)
    await zhao.get_by_label("表决事项").fill(question)
    await zhao.get_by_label("选项 1", exact=True).fill("同意")
    await zhao.get_by_label("选项 2", exact=True).fill("不同意")
    await zhao.get_by_role("button", name="添加选项").click()
    await zhao.get_by_label("选项 3", exact=True).fill("弃权")
    await zhao.get_by_role("button", name="发起表决").click()
    await zhao.wait_for_url(f"**/#/rooms/{quote(room, safe='')}")

    zhang = await sign_in(page_for, server, "张伟")
    liu = await sign_in(page_for, server, "刘芳")
    cards = []
    for page in (zhang, liu):
        panel = await open_board(page, room)
        card = panel.locator("article.cm-poll", has_text=question)
        await expect(card).to_contain_text("每人一票")
        await expect(result(card, 1)).to_have_text("0 票 · 0%")
        cards.append(card)
    zhang_card, liu_card = cards

    await zhang_card.get_by_label("同意", exact=True).check()
    await zhang_card.get_by_role("button", name="投票").click()
    await expect(zhang_card.locator(".cm-own")).to_have_text("你已投票：同意")
    await expect(result(liu_card, 1)).to_have_text("1 票 · 100%")  # live, no reload

    await liu_card.get_by_label("不同意", exact=True).check()
    await liu_card.get_by_role("button", name="投票").click()
    await expect(liu_card.locator(".cm-own")).to_have_text("你已投票：不同意")
    await expect(result(zhang_card, 2)).to_have_text("1 票 · 50%")
    await expect(zhang_card.locator(".cm-turnout")).to_contain_text("参与 2/3 人")

    # the author's chat view has the same panel, live too, and closes the poll
    author_card = zhao.locator("article.cm-poll", has_text=question)
    await expect(result(author_card, 2)).to_have_text("1 票 · 50%")
    await shot(zhang, "poll")
    toggle = author_card.get_by_role("button", name=question)
    await expect(toggle).to_have_attribute("aria-expanded", "false")  # compact on a phone
    await toggle.click()
    await author_card.get_by_role("button", name="结束表决").click()
    await zhao.get_by_role("button", name="确定").click()
    await expect(zhang_card).to_contain_text("已结束")
    await expect(zhang_card.locator(".cm-outcome")).to_contain_text("同意、不同意（并列）")
    await expect(zhang_card.get_by_role("button", name="投票")).to_have_count(0)

    # one vote per household: 刘芳 shares 张伟's household and is told so
    token, _ = await login(server, "赵敏")
    deadline = await zhang.evaluate("new Date(Date.now() + 86400000).toISOString()")
    await ok(server, "POST", f"/api/v1/rooms/{quote(room, safe='')}/polls", token, {
        "question": "楼道是否统一粉刷？", "options": ["是", "否"], "per_household": True,
        "deadline": deadline}, status=201)
    zhang_card, liu_card = (page.locator("article.cm-poll", has_text="楼道是否统一粉刷？")
                            for page in (zhang, liu))
    await expect(liu_card).to_contain_text("每户一票")  # arrived live
    await zhang_card.get_by_label("是", exact=True).check()
    await zhang_card.get_by_role("button", name="投票").click()
    await expect(zhang_card.locator(".cm-own")).to_have_text("你已投票：是")
    await expect(result(liu_card, 1)).to_have_text("1 票 · 100%")
    await liu_card.get_by_label("否", exact=True).check()
    await liu_card.get_by_role("button", name="投票").click()
    await expect(liu_card.locator(".form-status")).to_have_text("本户已投票")
    await expect(liu_card.locator(".cm-own")).to_have_text("本户已投票")
    await expect(result(zhang_card, 2)).to_have_text("0 票 · 0%")


async def test_notice_acknowledged_updates_the_authors_count_live(
        page_for: PageFor, server: ServerProcess) -> None:
    room = str((await grid_room(server, "赵敏"))["id"])
    title = "周六上午停水通知"
    zhang = await sign_in(page_for, server, "张伟")
    zhang_panel = await open_board(zhang, room)

    zhao = await sign_in(page_for, server, "赵敏", desktop=True)
    await zhao.goto("/#/publish/notice")
    await zhao.get_by_label("发布到").select_option(room)
    await zhao.get_by_label("标题").fill(title)
    await zhao.get_by_label("正文").fill("因管网检修，本周六 8:00–12:00 停水，请提前储水。")
    await zhao.get_by_label("需要确认阅读").check()
    await zhao.get_by_role("button", name="发布公告").click()
    await zhao.wait_for_url(f"**/#/rooms/{quote(room, safe='')}")
    author_item = zhao.locator("li.cm-notice", has_text=title)
    await expect(author_item.locator(".cm-count")).to_have_text("已读 0/1 户")

    item = zhang_panel.locator("li.cm-notice", has_text=title)  # arrived live
    await expect(item.locator(".cm-tags")).to_have_text("需确认")
    await item.get_by_role("button", name="我已阅读").click()
    await expect(item.locator(".cm-tags")).to_have_text("已确认")
    await expect(item.get_by_role("button", name="我已阅读")).to_have_count(0)

    await expect(author_item.locator(".cm-count")).to_have_text("已读 1/1 户")  # live
    await author_item.get_by_role("button", name="查看已读情况").click()
    acks = author_item.locator(".cm-acks")  # a resident author sees buildings, not flats
    await expect(acks).to_contain_text("3栋")
    await expect(acks).not_to_contain_text("701")
    await shot(zhao, "notice")
    await shot(zhang, "notice-phone")


async def test_admin_creates_a_join_code_and_its_qr_loads(
        page_for: PageFor, server: ServerProcess) -> None:
    admin = await sign_in(page_for, server, "王建国", desktop=True)
    await admin.goto("/#/admin/join-codes")
    await expect(admin.get_by_label("网格")).to_contain_text("第一网格")
    await expect(admin.locator("li.cm-code-item")).to_have_count(1)  # the demo's code
    await admin.get_by_role("button", name="生成新入户码").click()
    await expect(admin.locator("li.cm-code-item")).to_have_count(2)
    image = admin.locator("img.cm-qr")
    await expect(image).to_have_attribute("alt", re.compile(r"^入户码 \w+ 的二维码$"))
    code = (await admin.locator(".cm-qr-code").text_content() or "").strip()
    assert code and f"入户码 {code} 的二维码" == await image.get_attribute("alt")
    await admin.wait_for_function(
        "() => { const i = document.querySelector('img.cm-qr');"
        " return i && i.complete && i.naturalWidth > 0; }")
    await expect(admin.locator(".cm-link")).to_contain_text(f"#/register?code={code}")
    await shot(admin, "join-code-qr")


async def test_directory_search_finds_social_security(
        page_for: PageFor, server: ServerProcess) -> None:
    page = await sign_in(page_for, server, "张伟")
    await page.goto("/#/directory")
    entries = page.locator("li.cm-entry")
    await expect(entries.first).to_be_visible()
    await page.get_by_label("搜索", exact=True).fill("社保")
    await page.get_by_role("button", name="搜索").click()
    await expect(entries.first).to_contain_text("社保医保代办点")
    await expect(page.locator(".cm-entries")).not_to_contain_text("暂无条目")
    phone = entries.first.locator("a[href^='tel:']")
    await expect(phone).to_have_count(1)
    await shot(page, "directory")


async def test_board_refetches_after_a_server_restart(
        page_for: PageFor, server: ServerProcess) -> None:
    """A poll opened while the browser was cut off from a restarted server appears once the
    socket reconnects: the panel refetches on every connect instead of trusting events."""
    room = str((await grid_room(server, "赵敏"))["id"])
    # the browser logs its refused reconnection attempts while the server is down
    zhang = await sign_in(page_for, server, "张伟", expect_errors=True)
    panel = await open_board(zhang, room)
    await expect(panel.locator(".empty").last).to_have_text("暂无进行中的表决")
    await zhang.context.set_offline(True)  # no reconnection until the poll exists
    server.stop(signal.SIGKILL)
    await expect(zhang.locator("body")).to_have_class(re.compile(r"\boffline\b"))
    server.start()
    token, _ = await login(server, "赵敏")
    deadline = await zhang.evaluate("new Date(Date.now() + 86400000).toISOString()")
    await ok(server, "POST", f"/api/v1/rooms/{quote(room, safe='')}/polls", token, {
        "question": "重启期间发起的表决", "options": ["好", "不好"], "deadline": deadline},
        status=201)
    poll = panel.locator("article.cm-poll", has_text="重启期间发起的表决")
    assert await poll.count() == 0
    await expect(zhang.locator("body")).to_have_class(re.compile(r"\boffline\b"))
    await zhang.context.set_offline(False)
    await expect(poll).to_be_visible()
    await expect(zhang.locator("body")).not_to_have_class(re.compile(r"\boffline\b"))
    unexpected = [e for e in page_for.errors(zhang) if "ERR_" not in e]
    assert unexpected == []
