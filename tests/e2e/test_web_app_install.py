"""The installable web app over HTTP: the manifest and the service worker come from the root
with the content types browsers require; the icons the manifest names are the PNGs web.icons
draws; the worker caches the app shell only — every path it lists is a file of the client,
none is an API route."""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Mapping

import aiohttp

from tests.support.server import ServerProcess
from web.icons import ICONS, icon_png
from web.routes.shell import STATIC

SHELL_LINE = re.compile(r"^const SHELL = (\[.*\]);$", re.M)


async def _get(session: aiohttp.ClientSession, url: str
               ) -> tuple[int, str, bytes, Mapping[str, str]]:
    """Status, media type (without parameters), body and headers."""
    async with session.get(url) as resp:
        return resp.status, resp.content_type, await resp.read(), resp.headers


async def test_manifest_and_worker_are_served_with_their_content_types(
        server: ServerProcess) -> None:
    async with aiohttp.ClientSession() as session:
        status, kind, body, _ = await _get(session, server.url + "/manifest.webmanifest")
        assert status == 200 and kind == "application/manifest+json"
        manifest = json.loads(body)
        assert (manifest["short_name"], manifest["start_url"], manifest["display"]) == \
            ("邻里", "/", "standalone")
        for icon in manifest["icons"]:
            status, kind, png, _ = await _get(session, server.url + icon["src"])
            assert status == 200 and kind == "image/png", icon
            width, height = struct.unpack(">II", png[16:24])  # IHDR
            assert f"{width}x{height}" == icon["sizes"]
        assert {i["purpose"] for i in manifest["icons"]} == {"any", "maskable"}

        status, kind, body, headers = await _get(session, server.url + "/sw.js")
        assert status == 200 and kind == "text/javascript"
        assert headers["Cache-Control"] == "no-cache"
        script = body.decode()
        assert re.search(r'^const VERSION = "[0-9a-f]{16}";$', script, re.M)
        found = SHELL_LINE.search(script)
        assert found is not None
        shell = json.loads(found.group(1))
        assert shell[:2] == ["/", "/manifest.webmanifest"]
        assert "/static/js/main.js" in shell and "/static/icons/icon-192.png" in shell
        assert not [p for p in shell if p.startswith(("/api", "/socket.io", "/open311"))]
        for path in shell:
            status, _, _, _ = await _get(session, server.url + path)
            assert status == 200, path

        status, _, html, _ = await _get(session, server.url + "/")
        assert b'<link rel="manifest" href="/manifest.webmanifest">' in html


def test_committed_icons_are_the_ones_web_icons_draws() -> None:
    for name, (size, maskable) in ICONS.items():
        assert (STATIC / "icons" / name).read_bytes() == icon_png(size, maskable), name
