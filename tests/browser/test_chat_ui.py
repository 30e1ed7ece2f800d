"""Residents chatting in chromium: real time, history, reply/mention/edit/delete, XSS as text,
and a server restart in the middle of a conversation."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from playwright.async_api import Page, expect

from tests.support.browser import PageFor, grid_room, open_room, shot, sign_in
from tests.support.server import ServerProcess, connect


def texts(page: Page) -> Any:
    return page.locator(".scroller .msg .text")


async def send(page: Page, text: str) -> None:
    await page.get_by_label("输入消息").fill(text)
    await page.get_by_label("输入消息").press("Enter")


async def test_two_residents_chat_in_real_time(page_for: PageFor, server: ServerProcess) -> None:
    room = await grid_room(server)
    unread_before = (await grid_room(server, "刘芳"))["unread"]
    zhang = await sign_in(await page_for(), server.account("张伟"))
    liu = await sign_in(await page_for(desktop=True), server.account("刘芳"))
    await open_room(zhang, room)
    await liu.goto("/#/rooms")  # 刘芳 is on the room list: the new message shows as unread
    await liu.get_by_role("link", name=room["name"]).wait_for()

    await send(zhang, "今晚七点楼下议事，大家来吗？")
    link = liu.get_by_role("link", name=room["name"])
    await expect(link.locator(".badge")).to_have_text(f"{unread_before + 1} 条未读")
    await expect(link).to_contain_text("今晚七点楼下议事")

    await link.click()
    await expect(texts(liu).last).to_have_text("今晚七点楼下议事，大家来吗？")
    await liu.get_by_label("输入消息").press_sequentially("我")  # typing reaches 张伟
    await expect(zhang.locator(".typing")).to_contain_text("正在输入")

    # reply with a mention: 张伟 is 张*（3栋） to his neighbours
    await liu.get_by_role("button", name="对 张*（3栋） 的消息操作").last.click()
    await liu.get_by_role("button", name="回复").click()
    await send(liu, "来的 @张*（3栋） 带上登记表")
    mine = zhang.locator(".msg.mentioned").last
    await expect(mine.locator(".quote")).to_contain_text("今晚七点楼下议事")
    await expect(mine.locator("mark.mention")).to_have_text("@张*（3栋）")

    # edit and delete reach the other side too
    await zhang.get_by_role("button", name="对 张*（3栋） 的消息操作").last.click()
    await zhang.get_by_role("button", name="编辑").click()
    await zhang.get_by_label("输入消息").fill("今晚八点楼下议事，大家来吗？")
    await zhang.get_by_role("button", name="保存").click()
    edited = liu.locator(".msg", has=liu.get_by_text("今晚八点楼下议事，大家来吗？", exact=True))
    await expect(edited).to_contain_text("已编辑")
    await expect(liu.locator(".msg .quote")).to_contain_text("今晚八点")
    await shot(liu, "chat-desktop")
    await shot(zhang, "chat")
    await zhang.get_by_role("button", name="对 张*（3栋） 的消息操作").last.click()
    await zhang.get_by_role("button", name="删除").click()
    await zhang.get_by_role("button", name="确定").click()
    await expect(liu.locator(".msg.deleted")).to_contain_text("该消息已撤回")
    await expect(liu.get_by_text("楼下议事，大家来吗")).to_have_count(0)
    await expect(liu.locator(".msg .quote")).to_contain_text("该消息已删除")


async def test_history_loads_as_one_scrolls_up(page_for: PageFor, server: ServerProcess) -> None:
    room = await grid_room(server)
    client, _ = await connect(server, "刘芳")
    try:
        for n in range(1, 121):
            await client.ok("message:send", {"room_id": room["id"], "text": f"第{n}条",
                                             "client_id": f"history-{n}"})
    finally:
        await client.close()
    total = (await grid_room(server))["last_seq"]  # the demo's messages come before ours
    page = await sign_in(await page_for(), server.account("张伟"))
    await open_room(page, room)
    await expect(texts(page).last).to_have_text("第120条")
    assert await texts(page).count() == 50
    for expected in (100, total):
        await page.locator(".scroller").evaluate("el => { el.scrollTop = 0; }")
        await expect(texts(page)).to_have_count(expected)
    await expect(page.locator(".older")).to_be_hidden()
    shown = await texts(page).all_text_contents()
    ours = [t for t in shown if t.startswith("第")]
    assert ours == [f"第{n}条" for n in range(1, 121)]


async def test_markup_in_messages_is_shown_as_text(page_for: PageFor,
                                                   server: ServerProcess) -> None:
    room = await grid_room(server)
    zhang = await sign_in(await page_for(), server.account("张伟"))
    liu = await sign_in(await page_for(), server.account("刘芳"))
    dialogs: list[str] = []
    for page in (zhang, liu):
        page.on("dialog", lambda d: (dialogs.append(d.message), asyncio.ensure_future(d.dismiss())))
        await open_room(page, room)
    payloads = ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>",
                '"><svg onload=alert(3)>']
    for text in payloads:
        await send(zhang, text)
    for page in (zhang, liu):
        for text in payloads:
            await expect(page.locator(".msg .text", has_text=text)).to_have_count(1)
        assert await page.locator(".scroller img, .scroller script, .scroller svg").count() == 0
    await liu.reload()  # from history as well as live
    await expect(liu.locator(".msg .text", has_text=payloads[0])).to_have_count(1)
    assert await liu.locator(".scroller img, .scroller script, .scroller svg").count() == 0
    assert dialogs == []
    await shot(liu, "xss-as-text")


async def test_server_restart_mid_conversation_shows_every_message_once(
        page_for: PageFor, server: ServerProcess) -> None:
    room = await grid_room(server)
    zhang = await sign_in(await page_for(expect_errors=True), server.account("张伟"))
    liu = await sign_in(await page_for(expect_errors=True), server.account("刘芳"))
    for page in (zhang, liu):
        await open_room(page, room)
    for n in (1, 2):
        await send(zhang, f"重启前{n}")
        await expect(liu.locator(".msg .text", has_text=f"重启前{n}")).to_have_count(1)

    server.stop()
    for page in (zhang, liu):
        await expect(page.locator("#conn")).to_contain_text("正在重连")
    await send(zhang, "断线时写的")  # waits in the outbox, shown as 发送中
    await expect(zhang.locator(".pending .msg")).to_contain_text("发送中")
    server.start()
    client, _ = await connect(server, "赵敏")  # may well land before the pages reconnect
    try:
        await client.ok("message:send", {"room_id": room["id"], "text": "重启后第一条",
                                         "client_id": "after-restart"})
    finally:
        await client.close()
    await send(liu, "重启后回复")

    expected = ["重启前1", "重启前2", "断线时写的", "重启后第一条", "重启后回复"]
    for page in (zhang, liu):
        await expect(page.locator("#conn")).to_have_text("")
        await expect(page.locator(".pending .msg")).to_have_count(0)
        for text in expected:
            await expect(page.locator(".scroller .msg .text", has_text=text)).to_have_count(1)
        shown = [t for t in await texts(page).all_text_contents() if t in expected]
        assert sorted(shown, key=expected.index) == expected and len(shown) == len(expected)
    await shot(liu, "after-restart")


async def test_worker_turns_a_message_into_a_ticket_and_the_resident_sees_it_move(
        page_for: PageFor, server: ServerProcess) -> None:
    room = await grid_room(server)
    zhang = await sign_in(await page_for(), server.account("张伟"))
    await open_room(zhang, room)
    await send(zhang, "5栋后面的路灯不亮了，晚上走路看不见")
    worker = await sign_in(await page_for(desktop=True), server.account("李娜"))
    await open_room(worker, room)
    message = worker.locator(".msg", has=worker.get_by_text("5栋后面的路灯不亮了，晚上走路看不见"))
    await message.get_by_role("button", name="对 张*（3栋） 的消息操作").click()
    await worker.get_by_role("button", name="转为工单").click()
    await worker.get_by_role("button", name="确定").click()
    await worker.wait_for_url(re.compile(r"#/tickets/t\w+$"))
    ticket_id = worker.url.rsplit("/", 1)[1]

    await zhang.goto("/#/tickets/mine")  # the message's author is the reporter
    row = zhang.locator(f"li[data-ticket-id={ticket_id}]")
    await expect(row).to_contain_text("5栋后面的路灯不亮了")
    await expect(row).to_contain_text("已提交")
    panel = worker.locator("details[data-action=accept]")
    await panel.locator("summary").click()
    await panel.get_by_label("类别").select_option("供电照明")
    await panel.get_by_label("紧急程度").select_option("normal")
    await panel.locator("button[type=submit]").click()
    await expect(row).to_contain_text("已受理")  # live, no reload
    await open_room(zhang, room)  # and 报事助手 says so in the room
    await expect(zhang.locator(".msg.bot").last).to_contain_text("已受理")
    await shot(zhang, "ticket-progress-in-room")
