"""The minimal web page is served by linli itself, with a Content-Security-Policy."""

from __future__ import annotations

import aiohttp

from tests.support.server import ServerProcess


async def test_index_and_client_library_are_served(server: ServerProcess) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(server.url + "/") as resp:
            assert resp.status == 200
            html = await resp.text()
            csp = resp.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "/static/vendor/socket.io.min.js" in html and "<script>" not in html
        for path in ("/static/app.js", "/static/app.css", "/static/vendor/socket.io.min.js"):
            async with session.get(server.url + path) as resp:
                assert resp.status == 200, path
                assert resp.headers["X-Content-Type-Options"] == "nosniff"
