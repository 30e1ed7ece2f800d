"""A newcomer registers from a join-code link (what the QR code encodes), waits as pending,
and gets the rooms the moment a worker verifies them."""

from __future__ import annotations

from playwright.async_api import expect

from tests.support.browser import PageFor, shot
from tests.support.server import ServerProcess, login, ok


async def test_register_from_a_join_code_link_and_get_verified_live(
        page_for: PageFor, server: ServerProcess) -> None:
    worker, _ = await login(server, "李娜")
    grid_id = server.account("张伟")["grid_id"]
    code = (await ok(server, "POST", f"/api/v1/admin/grids/{grid_id}/join-codes", worker,
                     status=201))["join_code"]["code"]
    page = await page_for(expect_errors=True)  # the browser logs the 401 we provoke
    await page.goto(f"/#/register?code={code}")
    await expect(page.get_by_label("入户码")).to_have_value(code)
    await page.get_by_label("真实姓名").fill("黄小明")
    await page.get_by_label("手机号").fill(server.account("张伟")["phone"])  # taken
    await page.get_by_label("密码").fill("secret-pass-1")
    await page.get_by_label("楼栋").fill("6栋")
    await page.get_by_label("门牌号").fill("302")
    await shot(page, "register")
    await page.get_by_role("button", name="注册").click()
    status = page.locator("form[aria-label=注册] .form-status")
    # answered as a new registration (who lives here is not told); logging in then fails
    await expect(status).to_contain_text("已提交，请等待网格员审核。若该手机号已有账号，请直接登录")
    await expect(status).to_have_class("form-status")
    await expect(page.locator("#me")).not_to_contain_text("黄小明")
    assert await page.get_by_label("真实姓名").input_value() == "黄小明"  # nothing typed is lost
    await page.get_by_label("手机号").fill("13711112222")
    await page.get_by_role("button", name="注册").click()
    await expect(page.locator("#me")).to_contain_text("黄小明（待审核）")
    await expect(page.locator("#nav")).not_to_contain_text("聊天")

    pending = (await ok(server, "GET", "/api/v1/admin/residents?status=pending", worker))
    newcomer = next(r for r in pending["residents"] if r["phone"] == "13711112222")
    await ok(server, "POST", f"/api/v1/admin/residents/{newcomer['id']}/verify", worker,
             {"approve": True})
    await expect(page.locator("#toast")).to_contain_text("审核已通过")
    await expect(page.locator("#me")).not_to_contain_text("待审核")
    await page.get_by_role("button", name="菜单").click()
    await page.locator("#nav").get_by_role("link", name="聊天", exact=True).click()
    await expect(page.locator(".room-link")).to_have_count(2)  # grid room and community hall
    errors = page_for.errors(page)
    assert len(errors) == 1 and "401 (Unauthorized)" in errors[0], errors
