"""Staff screens in the browser: verification queue, tickets board (filters, overdue, live
rows, paging), flags, the audit log and statistics with their charts."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.support.browser import PageFor, shot, sign_in
from tests.support.server import ServerProcess, connect, login, ok

# Urgent tickets fall overdue almost at once (0.36 s); the sweep never runs during a test.
FAST_SLA = {"LINLI_SLA_HOURS": '{"urgent": 0.0001}', "LINLI_SWEEP_SECONDS": "3600"}
TOKENS: dict[str, str] = {}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    """The demo server, with a tiny SLA for urgent tickets."""
    proc = ServerProcess(tmp_path / "data", env=FAST_SLA)
    try:
        yield proc.start()
    finally:
        proc.stop()


async def token_of(server: ServerProcess, name: str) -> str:
    """A log-in per person and server (logging in hashes a password: slow on purpose)."""
    key = f"{server.port}/{name}"
    if key not in TOKENS:
        TOKENS[key], _ = await login(server, name)
    return TOKENS[key]


async def file(server: ServerProcess, name: str, description: str,
               category: str | None = None) -> dict[str, Any]:
    token = await token_of(server, name)
    body = {"description": description, "location": "小区内"}
    if category:
        body["category"] = category
    data = await ok(server, "POST", "/api/v1/tickets", token, body, status=201)
    return dict(data["ticket"])


async def step(server: ServerProcess, name: str, ticket_id: str, action: str,
               body: dict[str, Any]) -> dict[str, Any]:
    token, _ = await login(server, name)
    data = await ok(server, "POST", f"/api/v1/tickets/{ticket_id}/{action}", token, body)
    return dict(data["ticket"])


async def until_overdue(server: ServerProcess, ticket_id: str) -> None:
    token = await token_of(server, "李娜")
    for _ in range(100):
        data = await ok(server, "GET", f"/api/v1/tickets/{ticket_id}", token)
        if data["ticket"]["overdue"]:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the urgent ticket never fell overdue")


async def test_verify_queue_approves_a_new_resident(server: ServerProcess,
                                                    page_for: PageFor) -> None:
    token, lina = await login(server, "李娜")
    grid = lina["grid_ids"][0]
    code = (await ok(server, "POST", f"/api/v1/admin/grids/{grid}/join-codes", token,
                     status=201))["join_code"]["code"]
    await ok(server, "POST", "/api/v1/auth/register", None, {
        "join_code": code, "name": "黄丽", "phone": "13900000099", "password": "new-pass-123",
        "building": "6", "unit": "2", "room": "301"}, status=201)

    page = await sign_in(await page_for(), server.account("李娜"))
    await page.goto("/#/staff/verify")
    row = page.locator("li.person", has_text="黄丽")
    await expect(row).to_contain_text("13900000099")
    await expect(row).to_contain_text("6栋2单元301室")
    await expect(row).to_contain_text("第一网格")
    await shot(page, "verify-queue")
    await row.get_by_role("button", name="通过", exact=True).click()
    await expect(row).to_have_count(0)
    residents = await ok(server, "GET", "/api/v1/admin/residents?status=verified", token)
    assert "黄丽" in {r["name"] for r in residents["residents"]}

    await page.get_by_role("link", name="已认证").click()
    await page.wait_for_url(re.compile("status=verified"))
    party = page.locator("li.person", has_text="黄丽").get_by_label("党员")
    await party.check()
    await expect(page.locator("li.person", has_text="黄丽")).to_contain_text("已设为党员")
    residents = await ok(server, "GET", "/api/v1/admin/residents?status=verified", token)
    assert next(r for r in residents["residents"] if r["name"] == "黄丽")["party_member"]


async def test_board_filters_overdue_and_live_rows(server: ServerProcess,
                                                   page_for: PageFor) -> None:
    # 21 tickets spread over residents (filing allows 10 at once per person), then two more.
    for n, name in enumerate(["周杰"] * 8 + ["孙强"] * 7 + ["赵敏"] * 6):
        await file(server, name, f"路灯不亮（第{n + 1}盏）", "供电照明")
    await file(server, "孙强", "8栋门口垃圾两天没人清", "环境卫生")
    urgent = await file(server, "张伟", "3栋楼道闻到煤气味", "燃气安全")
    await step(server, "李娜", urgent["id"], "accept",
               {"category": "燃气安全", "urgency": "urgent"})
    await until_overdue(server, urgent["id"])

    page = await sign_in(await page_for(desktop=True), server.account("李娜"))
    await page.goto("/#/staff/tickets")
    await expect(page.locator(".count")).to_have_text("共 23 张工单，已显示 20 张")
    await page.get_by_role("button", name="加载更多").click()
    await expect(page.locator(".ticket-row")).to_have_count(23)
    await expect(page.get_by_role("button", name="加载更多")).to_be_hidden()

    late = page.locator(f"li[data-ticket-id={urgent['id']}]")
    await expect(late.locator(".overdue")).to_have_text("已超时")
    await expect(late).to_have_class(re.compile("is-overdue"))
    await page.locator(".board-page h1").scroll_into_view_if_needed()
    await shot(page, "tickets-board")

    fresh = await file(server, "吴婷", "11栋水管漏水", "供水排水")  # 陈刚's grid: not 李娜's
    fresh_lina = await file(server, "刘芳", "3栋单元门禁坏了", "房屋设施")
    await expect(page.locator(f"li[data-ticket-id={fresh_lina['id']}]")).to_contain_text("已提交")
    await expect(page.locator(f"li[data-ticket-id={fresh['id']}]")).to_have_count(0)
    await page.evaluate("window.__stayed = true")

    await page.get_by_label("只看已超时").check()
    await page.wait_for_url(re.compile(r"overdue=1"))
    await expect(page.locator(".ticket-row")).to_have_count(1)
    await expect(page.locator(".ticket-row")).to_contain_text("已超时")
    await page.get_by_label("只看已超时").uncheck()
    await page.get_by_label("类别").select_option("环境卫生")
    await page.wait_for_url(re.compile("category="))
    await expect(page.locator(".ticket-row")).to_have_count(1)
    await expect(page.locator(".ticket-row")).to_contain_text("8栋门口垃圾")
    assert await page.evaluate("window.__stayed === true")

    await page.reload()  # the filters live in the query string
    await expect(page.get_by_label("类别")).to_have_value("环境卫生")
    await expect(page.locator(".ticket-row")).to_have_count(1)
    await page.locator(".ticket-row a").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("报事 第")


async def test_flags_handled_and_seen_in_audit_log(server: ServerProcess,
                                                   page_for: PageFor) -> None:
    client, user = await connect(server, "张伟")
    try:
        sent = await client.ok("message:send", {
            "room_id": f"grid:{user['grid_ids'][0]}", "text": "低价出售二手手机，加微信",
            "client_id": "ad"})
    finally:
        await client.close()
    staff = await sign_in(await page_for(), server.account("李娜"))
    await staff.goto("/#/staff/flags")
    await expect(staff.get_by_text("暂无待处理的举报")).to_be_visible()
    token, _ = await login(server, "刘芳")
    await ok(server, "POST", f"/api/v1/messages/{sent['id']}/flag", token, {"reason": "广告"},
             status=201)
    card = staff.locator("li.flag")
    await expect(card).to_contain_text("低价出售二手手机")  # flag:new, live
    await expect(card).to_contain_text("刘芳")
    await card.get_by_label("处理说明").fill("广告，删除")
    await card.get_by_role("button", name="删除消息").click()
    await expect(card).to_contain_text("已删除消息")

    admin = await sign_in(await page_for(), server.account("王建国"))
    await admin.goto("/#/staff/audit")
    rows = admin.locator(".audit-table tbody tr")
    await expect(rows.filter(has_text="处理举报")).to_contain_text("李娜")
    await expect(rows.filter(has_text="处理举报")).to_contain_text("广告，删除")
    await admin.get_by_label("操作", exact=True).select_option("message.flag")
    await admin.get_by_role("button", name="筛选").click()
    await admin.wait_for_url(re.compile("action=message.flag"))
    await expect(rows).to_have_count(1)
    await expect(rows).to_contain_text("刘芳")


async def test_stats_show_figures_and_charts(server: ServerProcess,
                                             page_for: PageFor) -> None:
    light = await file(server, "张伟", "2单元楼道灯坏了", "供电照明")
    await file(server, "孙强", "8栋门口垃圾没人清", "环境卫生")
    await file(server, "赵敏", "5栋门口垃圾桶满了", "环境卫生")
    await step(server, "李娜", light["id"], "accept", {"category": "供电照明", "urgency": "normal"})
    _, lina = await login(server, "李娜")
    await step(server, "李娜", light["id"], "assign", {"assignee_id": lina["id"]})
    await step(server, "李娜", light["id"], "resolve", {"note": "已修好"})
    await step(server, "张伟", light["id"], "rate", {"rating": "满意"})

    page = await sign_in(await page_for(desktop=True), server.account("李娜"))
    await page.goto("/#/staff/stats")
    figures = page.locator(".figures")
    await expect(figures.locator(".figure", has_text="工单总数")).to_contain_text("3")
    await expect(figures.locator(".figure", has_text="满意率")).to_contain_text("100%")
    await expect(figures.locator(".figure", has_text="平均办结")).to_contain_text("分钟")
    charts = page.locator("svg.chart")
    await expect(charts).to_have_count(3)
    category = page.locator("svg.chart", has=page.locator("title", has_text="按类别"))
    await expect(category.locator("desc")).to_have_text("环境卫生 2件，供电照明 1件")
    await expect(category.locator("rect.bar-rect")).to_have_count(2)
    grid_table = page.locator("figure", has_text="按网格").locator("table")
    await expect(grid_table.locator("tbody tr")).to_have_count(2)
    await expect(grid_table).to_contain_text("第一网格")
    await shot(page, "stats", full_page=True)

    await page.get_by_label("网格", exact=True).select_option(label="第二网格")
    await page.get_by_role("button", name="查看").click()
    await page.wait_for_url(re.compile("grid_id="))
    await expect(figures.locator(".figure", has_text="工单总数")).to_contain_text("1")
    await page.get_by_label("自定义").check()
    await page.get_by_label("开始日期").fill("2000-01-01")
    await page.get_by_label("结束日期").fill("2000-01-02")
    await page.get_by_role("button", name="查看").click()
    await page.wait_for_url(re.compile("period=custom"))
    await expect(page.locator(".figures .figure", has_text="工单总数")).to_contain_text("0")
