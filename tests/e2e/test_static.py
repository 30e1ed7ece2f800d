"""The web client is served by linli itself, with a Content-Security-Policy, and every module
it imports is there. Its code never turns text into HTML."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp

from tests.support.server import ServerProcess

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"
IMPORT = re.compile(r"""(?:from|import)\s*\(?\s*["'](\.{1,2}/[^"']+)["']""")
HTML_SINKS = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|"
                        r"new Function|setAttribute\(\s*[\"']on")


def _modules() -> set[str]:
    """Every module reachable from main.js, as URL paths."""
    found: set[str] = set()
    todo = ["/static/js/main.js"]
    while todo:
        path = todo.pop()
        if path in found:
            continue
        found.add(path)
        source = (STATIC / path.removeprefix("/static/")).read_text(encoding="utf-8")
        base = path.rsplit("/", 1)[0]
        for target in IMPORT.findall(source):
            parts = (base + "/" + target).split("/")
            resolved: list[str] = []
            for part in parts:
                if part == "..":
                    resolved.pop()
                elif part != ".":
                    resolved.append(part)
            todo.append("/".join(resolved))
    return found


async def test_index_modules_and_client_library_are_served(server: ServerProcess) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(server.url + "/") as resp:
            assert resp.status == 200
            html = await resp.text()
            csp = resp.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "unsafe-eval" not in csp and "frame-ancestors 'none'" in csp
        assert "<script>" not in html and "style=" not in html
        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
        assert "/static/vendor/socket.io.min.js" in assets and "/static/js/main.js" in assets
        modules = _modules()
        assert len(modules) > 10
        for path in [*assets, *sorted(modules)]:
            async with session.get(server.url + path) as resp:
                assert resp.status == 200, path
                assert resp.headers["X-Content-Type-Options"] == "nosniff"
                if path.endswith(".js"):
                    assert "javascript" in resp.headers["Content-Type"], path


def test_client_code_never_builds_html_from_text() -> None:
    offenders = [f"{p.relative_to(STATIC)}:{n}" for p in sorted((STATIC / "js").rglob("*.js"))
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if HTML_SINKS.search(line)]
    assert offenders == []


def test_no_inline_styles_or_handlers_that_the_csp_would_block() -> None:
    for path in (STATIC / "js").rglob("*.js"):
        source = path.read_text(encoding="utf-8")
        # h(tag, {style: …}) would set a style attribute, which the CSP blocks
        assert not re.search(r"""["']?\bstyle["']?\s*:\s*["'`]|setAttribute\(\s*["']style""",
                             source), path
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"\son[a-z]+=", html)
