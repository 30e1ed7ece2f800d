"""Playwright helpers for tests/browser: the system chromium, pages watched for errors,
screenshots into docs/screenshots. Fixtures using these live in tests/browser/conftest.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Error, Page, expect

from tests.support.server import ROOT, ServerProcess, login, ok

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
SCREENSHOTS = ROOT / "docs" / "screenshots"
TIMEOUT_MS = 10_000  # Playwright waits 30 s by default; a test should fail sooner


def missing_browser() -> str | None:
    """Why browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return (f"{CHROMIUM} is missing: run `make browser` (installs chromium and "
                "fonts-noto-cjk with apt-get; never `playwright install`)")
    return None


@dataclass
class Watched:
    """One page and what went wrong in it: console errors (CSP violations among them) and
    uncaught exceptions."""

    page: Page
    context: BrowserContext
    errors: list[str] = field(default_factory=list)
    expect_errors: bool = False

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location
            self.errors.append(f"console: {message.text} ({where.get('url')}:"
                               f"{where.get('lineNumber')})")

    def page_error(self, error: Error) -> None:
        self.errors.append(f"pageerror: {error.message}\n{error.stack or ''}")


class PageFor:
    """The `page_for` fixture: `await page_for()` opens a fresh context (no cookies or
    storage shared with other pages) and a page in it, against `base_url`."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.opened: list[Watched] = []

    async def __call__(self, *, desktop: bool = False, expect_errors: bool = False,
                       locale: str = "zh-CN") -> Page:
        """A 375×812 phone page (1280×800 with `desktop`), zh-CN, Asia/Shanghai time.
        With `expect_errors` its errors are still collected (see `errors`) but do not fail
        the test at teardown."""
        context = await self.browser.new_context(
            viewport=DESKTOP if desktop else PHONE, locale=locale, timezone_id="Asia/Shanghai",
            base_url=self.base_url)
        context.set_default_timeout(TIMEOUT_MS)
        page = await context.new_page()
        watched = Watched(page, context, expect_errors=expect_errors)
        page.on("console", watched.console)
        page.on("pageerror", watched.page_error)
        self.opened.append(watched)
        return page

    def errors(self, page: Page) -> list[str]:
        """What went wrong in `page` so far."""
        return next(w.errors for w in self.opened if w.page is page)

    async def close(self) -> list[str]:
        """Close every context; the errors of pages that did not expect any."""
        unexpected = [f"{w.page.url}: {e}" for w in self.opened if not w.expect_errors
                      for e in w.errors]
        for watched in self.opened:
            await watched.context.close()
        self.opened.clear()
        return unexpected


async def shot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Save a PNG of the page as docs/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=path, full_page=full_page)
    return path


async def sign_in(page: Page, account: dict[str, str]) -> Page:
    """Log in through the form as a demo account (`server.account(name)`) and wait for the
    first screen after it."""
    await page.goto("/#/login")
    await page.get_by_label("手机号").fill(account["phone"])
    await page.get_by_label("密码").fill(account["password"])
    await page.get_by_role("button", name="登录").click()
    await page.locator("#nav a").first.wait_for()
    return page


async def grid_room(server: ServerProcess, name: str = "张伟") -> dict[str, Any]:
    """The grid room of a demo person, as their room list gives it."""
    token, _ = await login(server, name)
    rooms = (await ok(server, "GET", "/api/v1/me/rooms", token))["rooms"]
    return next(r for r in rooms if r["kind"] == "grid")


async def open_room(page: Page, room: dict[str, Any]) -> None:
    await page.goto(f"/#/rooms/{room['id']}")
    await expect(page.locator("#room-title")).to_have_text(room["name"])
