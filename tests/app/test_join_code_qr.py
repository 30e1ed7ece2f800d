"""GET /api/v1/admin/join-codes/{code}/qr.svg: an SVG QR code of the registration link, under
the request's address or the configured public one; who may fetch it, revoked and unknown
codes."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import aiohttp
import pytest
import segno

from tests.app.conftest import StartApp
from tests.support.inproc import InProcessServer
from tests.support.server import call, login, ok
from web.routes.admin import QR_MAKE, QR_SVG

PUBLIC = "https://linli.example.org/"


async def fetch(url: str, token: str | None) -> tuple[int, str, bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), await resp.read()


def expected_svg(link: str) -> bytes:
    out = io.BytesIO()
    segno.make(link, **QR_MAKE).save(out, **QR_SVG)
    return out.getvalue()


@pytest.fixture
async def public_server(start_app: StartApp) -> InProcessServer:
    return await start_app("public", public_url=PUBLIC)


async def new_code(server: InProcessServer, token: str, grid_id: str) -> str:
    data = await ok(server, "POST", f"/api/v1/admin/grids/{grid_id}/join-codes", token,
                    status=201)
    return str(data["join_code"]["code"])


def qr_path(code: str) -> str:
    return f"/api/v1/admin/join-codes/{code}/qr.svg"


async def test_qr_encodes_the_registration_link(server: InProcessServer) -> None:
    li, li_user = await login(server, "李娜")
    code = await new_code(server, li, li_user["grid_ids"][0])
    status, content_type, body = await fetch(server.url + qr_path(code), li)
    assert status == 200
    assert content_type.startswith("image/svg+xml")
    root = ET.fromstring(body)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert int(root.attrib["width"]) > 100
    link = f"{server.url}/#/register?code={code}"
    assert body == expected_svg(link)
    assert body != expected_svg(f"{server.url}/#/register?code={code}x")

    admin, _ = await login(server, "王建国")  # the community's admin manages every grid
    assert (await fetch(server.url + qr_path(code), admin))[2] == body


async def test_who_may_fetch_it(server: InProcessServer) -> None:
    li, li_user = await login(server, "李娜")
    code = await new_code(server, li, li_user["grid_ids"][0])
    for name in ("张伟", "陈刚"):  # a resident; a worker of another grid
        token, _ = await login(server, name)
        got, data = await call(server, "GET", qr_path(code), token)
        assert (got, data["error"]["code"]) == (403, "forbidden"), name
    got, data = await call(server, "GET", qr_path(code), None)
    assert (got, data["error"]["code"]) == (401, "unauthorized")

    got, data = await call(server, "GET", qr_path("NOSUCHCODE"), li)
    assert (got, data["error"]["code"]) == (404, "not_found")
    await ok(server, "DELETE", f"/api/v1/admin/join-codes/{code}", li)
    got, data = await call(server, "GET", qr_path(code), li)
    assert (got, data["error"]["code"]) == (404, "not_found")
    assert " / " in data["error"]["message"]


async def test_public_url_is_the_base(public_server: InProcessServer) -> None:
    server = public_server
    li, li_user = await login(server, "李娜")
    code = await new_code(server, li, li_user["grid_ids"][1])
    status, _, body = await fetch(server.url + qr_path(code), li)
    assert status == 200
    assert body == expected_svg(f"https://linli.example.org/#/register?code={code}")
