"""Never hide or lose a message: the chat stays at the newest message (a 新消息 marker when the
reader scrolled up), waiting sends and drafts survive a reload, 有人@我 comes from the server,
long pastes are refused rather than cut, and a household's acknowledgement shows live."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote
from uuid import uuid4

from playwright.async_api import Page, expect

from tests.browser.test_chat_ui import grid_room, open_room, send, texts
from tests.support.browser import PageFor, sign_in
from tests.support.server import ServerProcess, connect, login, ok

AT_BOTTOM = """() => { const el = document.querySelector(".scroller");
  return el.scrollHeight - el.scrollTop - el.clientHeight < 2; }"""


async def pin_notice_and_poll(server: ServerProcess, room_id: str) -> None:
    token, _ = await login(server, "赵敏")
    base = f"/api/v1/rooms/{quote(room_id, safe='')}"
    await ok(server, "POST", base + "/notices", token, {
        "title": "周六上午停水通知", "body": "因管网检修，本周六 8:00–12:00 停水，请提前储水。",
        "requires_ack": True}, status=201)
    deadline = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    await ok(server, "POST", base + "/polls", token, {
        "question": "是否同意在3栋楼下加装电动车充电桩？", "options": ["同意", "不同意"],
        "deadline": deadline}, status=201)


async def say(server: ServerProcess, name: str, room_id: str, lines: list[str]) -> None:
    client, _ = await connect(server, name)
    try:
        for text in lines:
            await client.ok("message:send", {"room_id": room_id, "text": text,
                                             "client_id": uuid4().hex})
    finally:
        await client.close()


async def at_bottom(page: Page) -> None:
    """The message list is scrolled to its end (waits up to 5 s for it)."""
    await page.wait_for_function(AT_BOTTOM, timeout=5_000)


async def test_chat_stays_at_the_newest_message_below_a_pinned_notice_and_poll(
        page_for: PageFor, server: ServerProcess) -> None:
    room = await grid_room(server)
    await pin_notice_and_poll(server, room["id"])
    await say(server, "刘芳", room["id"], [f"第{n}条" for n in range(1, 31)])
    page = await sign_in(await page_for(), server.account("张伟"))
    await open_room(page, room)
    await expect(page.locator(".cm-panel li.cm-notice")).to_have_count(1)
    await expect(page.locator(".cm-panel article.cm-poll")).to_have_count(1)
    await expect(texts(page).last).to_have_text("第30条")
    await at_bottom(page)
    await expect(texts(page).last).to_be_in_viewport()

    await send(page, "收到，我家会提前储水")  # one's own message, then a neighbour's answer
    await say(server, "刘芳", room["id"], ["好的，谢谢"])
    await expect(texts(page).last).to_have_text("好的，谢谢")
    await at_bottom(page)
    mine = page.locator(".scroller .msg", has_text="收到，我家会提前储水")
    await expect(mine).to_be_in_viewport()

    # scrolled up: nothing moves, a marker counts what arrived; tapping it goes to the bottom
    await page.locator(".scroller").evaluate("el => { el.scrollTop = el.scrollHeight / 2; }")
    await say(server, "刘芳", room["id"], ["楼下谁家的快递？", "放在门卫了"])
    marker = page.get_by_role("button", name="2 条新消息 ↓")
    await expect(marker).to_be_visible()
    await expect(texts(page).last).not_to_be_in_viewport()
    await marker.click()
    await expect(marker).to_be_hidden()
    await at_bottom(page)
    await expect(texts(page).last).to_have_text("放在门卫了")
    await expect(texts(page).last).to_be_in_viewport()


async def test_a_long_paste_is_counted_and_refused_whole_never_cut(
        page_for: PageFor, server: ServerProcess) -> None:
    room = await grid_room(server)
    before = room["last_seq"]
    page = await sign_in(await page_for(), server.account("张伟"))
    await open_room(page, room)
    box = page.get_by_label("输入消息")
    counter = page.locator(".composer .char-count")
    await box.fill("邻" * 1799)
    await expect(counter).to_be_hidden()
    await box.fill("邻" * 1950)
    await expect(counter).to_have_text("1,950/2,000")

    pasted = "停水通知：" + "邻" * 2340
    await box.fill(pasted)
    await expect(counter).to_have_text("2,345/2,000")
    await box.press("Enter")
    problem = page.locator(".composer .send-error")
    await expect(problem).to_have_text(
        "消息过长：最多 2,000 字，现在 2,345 字，请删减或分成几条发送。")
    await expect(box).to_have_value(pasted)  # kept whole, nothing sent
    await expect(page.locator(".pending .msg")).to_have_count(0)

    await box.fill("邻" * 2000)  # at the limit it goes, and the complaint goes away
    await expect(problem).to_be_hidden()
    await box.press("Enter")
    await expect(texts(page).last).to_have_text("邻" * 2000)
    assert (await grid_room(server))["last_seq"] == before + 1


async def test_a_waiting_message_and_a_draft_survive_a_reload_and_go_once(
        page_for: PageFor, server: ServerProcess) -> None:
    token, _ = await login(server, "张伟")
    rooms = (await ok(server, "GET", "/api/v1/me/rooms", token))["rooms"]
    room = next(r for r in rooms if r["kind"] == "grid")
    others = next(r for r in rooms if r["id"] != room["id"])
    page = await sign_in(await page_for(expect_errors=True), server.account("张伟"))
    await open_room(page, room)
    server.stop()
    await expect(page.locator("#conn")).to_contain_text("正在重连")
    await send(page, "断线时写的，别丢")
    await expect(page.locator(".pending .msg")).to_contain_text("发送中")
    await page.get_by_label("输入消息").fill("还没写完的一句")
    await page.goto("about:blank")  # the page is gone while the message waits
    server.start()

    await open_room(page, room)
    await expect(texts(page).filter(has_text="断线时写的，别丢")).to_have_count(1)
    await expect(page.locator(".pending .msg")).to_have_count(0)
    await expect(page.get_by_label("输入消息")).to_have_value("还没写完的一句")
    await open_room(page, others)  # drafts are per room
    await expect(page.get_by_label("输入消息")).to_have_value("")
    await page.reload()  # sent once: the server has it once, and nothing waits any more
    await expect(page.locator("#room-title")).to_have_text(others["name"])
    await open_room(page, room)
    await expect(texts(page).filter(has_text="断线时写的，别丢")).to_have_count(1)
    await expect(page.locator(".pending .msg")).to_have_count(0)
    client, _ = await connect(server, "刘芳")
    try:
        page_of = await client.ok("room:history", {"room_id": room["id"], "limit": 50})
    finally:
        await client.close()
    assert [m["text"] for m in page_of["messages"]].count("断线时写的，别丢") == 1

    await page.goto("/#/account")  # log-out forgets the draft
    await page.get_by_role("button", name="退出登录").click()
    await sign_in(page, server.account("张伟"))
    await open_room(page, room)
    await expect(page.get_by_label("输入消息")).to_have_value("")
    kept = await page.evaluate("Object.values(localStorage).join()")
    assert "还没写完" not in kept and "断线时写的" not in kept


async def test_a_household_acknowledgement_reaches_the_other_members_live(
        page_for: PageFor, server: ServerProcess) -> None:
    room = await grid_room(server)
    zhang = await sign_in(await page_for(), server.account("张伟"))
    liu = await sign_in(await page_for(), server.account("刘芳"))  # 张伟's household
    for page in (zhang, liu):
        await open_room(page, room)
    await pin_notice_and_poll(server, room["id"])
    zhang_item, liu_item = (page.locator(".cm-panel li.cm-notice", has_text="周六上午停水通知")
                            for page in (zhang, liu))
    await expect(liu_item.locator(".cm-tags")).to_have_text("需确认")
    await zhang_item.get_by_role("button", name="我已阅读").click()
    await expect(zhang_item.locator(".cm-tags")).to_have_text("已确认")
    await expect(liu_item.locator(".cm-tags")).to_have_text("本户已确认")  # live, no reload
    await expect(liu_item.get_by_role("button", name="我已阅读")).to_have_count(0)


async def test_someone_mentioned_me_survives_a_reload_until_the_room_is_read(
        page_for: PageFor, server: ServerProcess) -> None:
    room = await grid_room(server)
    page = await sign_in(await page_for(), server.account("张伟"))
    await page.goto("/#/rooms")
    link = page.get_by_role("link", name=room["name"])
    await expect(link).to_be_visible()
    await say(server, "刘芳", room["id"], ["@张*（3栋） 明早帮我收个快递"])
    await expect(link.locator(".at")).to_have_text("[有人@我]")
    await page.reload()  # the server says so, not the page's memory
    await expect(link.locator(".at")).to_have_text("[有人@我]")

    await link.click()
    await expect(texts(page).last).to_have_text("@张*（3栋） 明早帮我收个快递")
    await page.goto("/#/rooms")
    await expect(link.locator(".badge")).to_have_count(0)
    await page.reload()
    await expect(link).to_contain_text("明早帮我收个快递")
    await expect(link.locator(".at")).to_have_count(0)
