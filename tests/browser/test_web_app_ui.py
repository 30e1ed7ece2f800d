"""The installable web app in chromium: the service worker takes over, the app opens with the
network cut (the shell from its cache, 连接中断 shown, the log-in kept for when the network is
back), and the cache holds the shell only — no API answer, no message."""

from __future__ import annotations

from playwright.async_api import expect

from tests.browser.test_chat_keeps_messages_ui import say
from tests.browser.test_chat_ui import grid_room, open_room
from tests.support.browser import PageFor, sign_in
from tests.support.server import ServerProcess

CACHED = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
  }
  return urls; }"""


async def test_shell_opens_offline_and_only_the_shell_is_cached(
        server: ServerProcess, page_for: PageFor) -> None:
    room = await grid_room(server)
    await say(server, "刘芳", room["id"], ["离线前的一条消息"])
    page = await sign_in(await page_for(expect_errors=True), server.account("张伟"))
    await page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    await page.reload()  # now controlled by the worker
    await page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=15_000)
    await open_room(page, room)
    await expect(page.locator(".msg", has_text="离线前的一条消息")).to_be_visible()

    cached = await page.evaluate(CACHED)
    assert "/" in cached and "/static/js/main.js" in cached and "/static/app.css" in cached
    assert not [u for u in cached if u.startswith(("/api", "/socket.io"))], cached

    await page.context.set_offline(True)
    await page.reload()
    await expect(page.locator("#topbar .brand")).to_have_text("邻里")
    await expect(page.locator("#conn")).to_have_text("连接中断，正在重连…")
    await expect(page.get_by_role("heading", name="暂时连不上邻里")).to_be_visible()
    await page.context.set_offline(False)  # back online: the log-in was kept
    await expect(page.locator("#me")).to_contain_text("张伟", timeout=15_000)
    cached = await page.evaluate(CACHED)
    assert not [u for u in cached if u.startswith(("/api", "/socket.io"))], cached
