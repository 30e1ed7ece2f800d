"""Urgent first: the drafts queue and the tickets board list 紧急 before the rest (then newest
first), live rows included; menu badges count drafts, overdue tickets and open flags; the page
title counts urgent drafts; an urgent draft arriving live brings a toast, and a beep when the
worker turned the sound on (off by default, remembered in the browser)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.support.browser import PageFor, shot, sign_in
from tests.support.server import ServerProcess, connect, login, ok

# Urgent tickets fall overdue almost at once (0.36 s); the sweep never runs during a test.
FAST_SLA = {"LINLI_SLA_HOURS": '{"urgent": 0.0001}', "LINLI_SWEEP_SECONDS": "3600"}
GAS = "5栋楼道里有股煤气味，好冲"
NOISE = "楼上装修噪音太大了，晚上十一点还在吵"
TRAPPED = "2栋有人被困在电梯里了，快来人"
GARBAGE = "8栋门口垃圾两天没人清，臭死了"
LIFT = "3栋2单元电梯坏了 困了人"
# Counts the tones the page makes, on top of the real Web Audio API.
COUNT_TONES = """
window.__tones = 0;
const Real = window.AudioContext;
window.AudioContext = class extends Real {
  createOscillator() { window.__tones += 1; return super.createOscillator(); }
};
"""
CLIENT_IDS = count()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path / "data", env=FAST_SLA)
    try:
        yield proc.start()
    finally:
        proc.stop()


async def say(server: ServerProcess, name: str, text: str) -> str:
    client, user = await connect(server, name)
    try:
        sent = await client.ok("message:send", {"room_id": f"grid:{user['grid_ids'][0]}",
                                                "text": text,
                                                "client_id": f"urgent-{next(CLIENT_IDS)}"})
    finally:
        await client.close()
    return str(sent["id"])


async def drafts_of(server: ServerProcess, token: str) -> list[dict[str, str]]:
    return list((await ok(server, "GET", "/api/v1/tickets?status=draft", token))["tickets"])


async def until_drafts(server: ServerProcess, token: str, texts: set[str]) -> None:
    """Detection runs after the message is sent: wait (bounded) for its drafts."""
    for _ in range(100):
        if texts <= {t["description"] for t in await drafts_of(server, token)}:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"no drafts for {texts}")


def badge(page: Page, hash_: str) -> object:
    return page.locator(f'#nav li:has(> a[data-hash="{hash_}"]) > .badge')


async def test_drafts_queue_puts_urgent_first_and_signals_it(server: ServerProcess,
                                                             page_for: PageFor) -> None:
    token, _ = await login(server, "李娜")
    for ticket in await drafts_of(server, token):  # the demo chat's own drafts
        await ok(server, "POST", f"/api/v1/tickets/{ticket['id']}/dismiss", token,
                 {"reason": "演示数据"})
    await say(server, "张伟", GAS)  # urgent, and older
    await until_drafts(server, token, {GAS})
    await say(server, "刘芳", NOISE)
    await until_drafts(server, token, {GAS, NOISE})

    staff = await page_for(desktop=True)
    await staff.add_init_script(COUNT_TONES)
    await sign_in(staff, server.account("李娜"))
    await expect(staff).to_have_title(re.compile(r"^\(1\) 邻里"))
    await expect(badge(staff, "#/staff/drafts")).to_have_text("2")
    drafts_link = staff.locator("#nav").get_by_role("link", name="待确认报事", exact=True)
    await expect(drafts_link).to_have_attribute("aria-describedby", "badge-drafts")
    await staff.goto("/#/staff/drafts")
    cards = staff.locator("li.draft")
    await expect(cards).to_have_count(2)
    await expect(cards.nth(0)).to_contain_text(GAS)
    await expect(cards.nth(1)).to_contain_text(NOISE)
    sound = staff.get_by_label("紧急报事提示音")
    await expect(sound).not_to_be_checked()

    await say(server, "赵敏", TRAPPED)  # live, sound off: a toast, no tone
    await expect(staff.locator("#toast")).to_contain_text("紧急报事")
    await expect(staff.locator("#toast")).to_contain_text(TRAPPED)
    await expect(cards.nth(0)).to_contain_text(TRAPPED)
    await expect(staff).to_have_title(re.compile(r"^\(2\) 邻里"))
    await expect(badge(staff, "#/staff/drafts")).to_have_text("3")
    assert await staff.evaluate("window.__tones") == 0

    await sound.check()
    await say(server, "孙强", GARBAGE)  # not urgent: after the urgent ones, no tone
    await expect(cards).to_have_count(4)
    await expect(cards.nth(2)).to_contain_text(GARBAGE)
    await expect(cards.nth(3)).to_contain_text(NOISE)
    await expect(badge(staff, "#/staff/drafts")).to_have_text("4")
    assert await staff.evaluate("window.__tones") == 0
    await say(server, "张伟", LIFT)
    await expect(cards.nth(0)).to_contain_text(LIFT)
    await expect(staff.locator("#toast")).to_contain_text(LIFT)
    await staff.wait_for_function("window.__tones > 0", timeout=10_000)
    await expect(staff).to_have_title(re.compile(r"^\(3\) 邻里"))
    await shot(staff, "drafts-urgent-first")

    await staff.reload()  # the choice is remembered
    await expect(staff.get_by_label("紧急报事提示音")).to_be_checked()
    await expect(cards.locator("blockquote")).to_have_text([LIFT, TRAPPED, GAS, GARBAGE, NOISE])


async def test_board_puts_urgent_first_and_menu_counts_overdue_and_flags(
        server: ServerProcess, page_for: PageFor) -> None:
    token, lina = await login(server, "李娜")
    resident, _ = await login(server, "张伟")
    gas = (await ok(server, "POST", "/api/v1/tickets", token, {
        "description": "3栋楼道闻到煤气味", "category": "燃气安全", "urgency": "urgent",
        "grid_id": lina["grid_ids"][0]}, status=201))["ticket"]
    light = (await ok(server, "POST", "/api/v1/tickets", resident, {
        "description": "楼道灯不亮", "category": "供电照明"}, status=201))["ticket"]
    litter = (await ok(server, "POST", "/api/v1/tickets", resident, {
        "description": "花坛里有垃圾", "category": "环境卫生"}, status=201))["ticket"]
    assert [t["urgency"] for t in (gas, light, litter)] == ["urgent", "normal", "low"]

    staff = await sign_in(await page_for(desktop=True), server.account("李娜"))
    await staff.goto("/#/staff/tickets")
    rows = staff.locator(".ticket-row")
    await expect(rows).to_have_count(3)
    ids = [await r.get_attribute("data-ticket-id") for r in await rows.all()]
    assert ids == [gas["id"], light["id"], litter["id"]]
    await expect(badge(staff, "#/staff/tickets")).to_have_text("1")  # the gas one, overdue

    sent = await say(server, "张伟", "出售二手手机，加微信")
    neighbour, _ = await login(server, "刘芳")
    await ok(server, "POST", f"/api/v1/messages/{sent}/flag", neighbour, {"reason": "广告"},
             status=201)
    await expect(badge(staff, "#/staff/flags")).to_have_text("1")

    late = (await ok(server, "POST", "/api/v1/tickets", resident, {
        "description": "单元门口有积水", "category": "环境卫生"}, status=201))["ticket"]
    fire = (await ok(server, "POST", "/api/v1/tickets", token, {
        "description": "7栋楼道冒烟", "category": "消防安全", "urgency": "urgent",
        "grid_id": lina["grid_ids"][0]}, status=201))["ticket"]
    await expect(rows).to_have_count(5)
    ids = [await r.get_attribute("data-ticket-id") for r in await rows.all()]
    assert ids == [fire["id"], gas["id"], light["id"], late["id"], litter["id"]]
    for _ in range(100):  # falling overdue sends no event: the badge catches up on a page change
        if (await ok(server, "GET", f"/api/v1/tickets/{fire['id']}", token))["ticket"]["overdue"]:
            break
        await asyncio.sleep(0.05)
    await staff.get_by_role("link", name="待确认报事").click()
    await expect(badge(staff, "#/staff/tickets")).to_have_text("2")
