"""Browser tests: the web client in the system chromium, driven by Playwright's async API.

Event loops. Launching chromium costs about a second, so one browser serves the whole
session — and Playwright objects belong to the event loop that made them. pytest-asyncio
gives every test a loop of its own by default (pyproject: function scope), so here every
async test and every async fixture runs in the one session loop instead:
`pytest_collection_modifyitems` below marks the async tests in tests/browser with
`asyncio(loop_scope="session")`, and the async fixtures say `loop_scope="session"`.
An async fixture added in a browser test module must say so too:

    @pytest_asyncio.fixture(loop_scope="session")
    async def signed_in(page_for: PageFor) -> Page: ...

Writing a test (tests/conftest.py marks all tests here `browser`; `pytest -m browser` runs them):

    from tests.support.browser import PageFor, shot

    async def test_login(page_for: PageFor) -> None:
        page = await page_for()                # phone size; page_for(desktop=True) for 1280×800
        await page.goto("/")                   # relative to the test's own server
        await page.get_by_label("手机号").fill("13900000001")
        await shot(page, "login")              # docs/screenshots/login.png

Console errors and uncaught exceptions fail the test at teardown, unless the page was
opened with `page_for(expect_errors=True)`; `page_for.errors(page)` lists them meanwhile.
Each test gets a fresh demo server (`server`, accounts via `server.account(name)`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, async_playwright
from pytest_asyncio import is_async_test

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, PageFor, missing_browser
from tests.support.server import ServerProcess

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    session_loop = pytest.mark.asyncio(loop_scope="session")
    for item in items:
        if HERE not in item.path.parents:
            continue
        if is_async_test(item):
            item.add_marker(session_loop, append=False)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A demo server of the test's own (`linli serve --demo` in a subprocess)."""
    proc = ServerProcess(tmp_path / "data")
    try:
        yield proc.start()
    finally:
        proc.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """/usr/bin/chromium, headless; a missing one fails (never skips) the browser tests."""
    problem = missing_browser()
    if problem:
        pytest.fail(problem)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page_for(browser: Browser, server: ServerProcess) -> AsyncIterator[PageFor]:
    """Opens pages against `server`; fails the test when one had unexpected errors."""
    pages = PageFor(browser, server.url)
    yield pages
    unexpected = await pages.close()
    assert not unexpected, "errors in the page:\n" + "\n".join(unexpected)
