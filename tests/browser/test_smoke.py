"""The page loads in chromium under its Content-Security-Policy without a console error, at
phone and desktop sizes, and Chinese text is drawn with a CJK font."""

from __future__ import annotations

from playwright.async_api import Page

from tests.support.browser import PageFor, shot


async def test_index_loads_under_csp_without_errors(page_for: PageFor) -> None:
    page = await page_for()
    response = await page.goto("/", wait_until="networkidle")
    assert response is not None and response.status == 200
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert await page.get_attribute("html", "lang") == "zh-CN"
    assert "邻里" in await page.title()
    assert await page.evaluate("innerWidth") == 375
    assert page_for.errors(page) == []
    await shot(page, "smoke-phone")


async def fonts_for(page: Page, text: str) -> list[str]:
    """The fonts chromium draws `text` with, put in a new element at the end of the body."""
    await page.evaluate("""text => {
        const probe = document.createElement("p");
        probe.id = "font-probe";
        probe.textContent = text;
        document.body.append(probe);
    }""", text)
    cdp = await page.context.new_cdp_session(page)
    root = (await cdp.send("DOM.getDocument"))["root"]["nodeId"]
    node = (await cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#font-probe"}))
    await cdp.send("CSS.enable")
    used = await cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    return [f["familyName"] for f in used["fonts"]]


async def test_desktop_size_and_chinese_fonts(page_for: PageFor) -> None:
    page = await page_for(desktop=True)
    await page.goto("/", wait_until="networkidle")
    assert await page.evaluate("[innerWidth, innerHeight]") == [1280, 800]
    # Without fonts-noto-cjk (`make browser`) Chinese would be drawn as empty boxes.
    fonts = await fonts_for(page, "邻里网格议事会")
    assert fonts and all("CJK" in family for family in fonts), fonts
    assert page_for.errors(page) == []
