"""Log lines: JSON when asked, each carrying the request id (an honoured X-Request-ID, or one
made up) of the HTTP request or Socket.IO event that caused it, and never a password, token,
ID-card number or phone number — driven through real log-ins and registrations."""

from __future__ import annotations

import io
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.fakes import FakeClock
from tests.support.inproc import InProcessServer
from tests.support.server import connect, login, ok
from web.logs import LogFormat, make_handler, redact

HEX_ID = re.compile(r"[0-9a-f]{32}")


class Captured:
    def __init__(self, log_format: LogFormat) -> None:
        self.stream = io.StringIO()
        self.handler = make_handler(log_format, self.stream)

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines()]


@pytest.fixture
def captured(request: pytest.FixtureRequest) -> Iterator[Captured]:
    capture = Captured(getattr(request, "param", "json"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(capture.handler)
    root.setLevel(logging.DEBUG)
    yield capture
    root.removeHandler(capture.handler)
    root.setLevel(level)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[InProcessServer]:
    running = await InProcessServer(tmp_path / "data", FakeClock()).start()
    yield running
    await running.stop()


async def post(url: str, body: dict[str, Any], headers: dict[str, str] | None = None
               ) -> tuple[int, dict[str, Any], str]:
    async with aiohttp.ClientSession() as session, \
            session.post(url, json=body, headers=headers or {}) as resp:
        return resp.status, await resp.json(), resp.headers.get("X-Request-ID", "")


async def test_json_lines_carry_the_request_id_of_the_http_request(
        server: InProcessServer, captured: Captured) -> None:
    account = server.account("张伟")
    form = {"phone": account["phone"], "password": account["password"]}
    status, _, echoed = await post(server.url + "/api/v1/auth/login", form,
                                   {"X-Request-ID": "ops-test-42"})
    assert status == 200 and echoed == "ops-test-42"
    lines = captured.records()
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    logged_in = [line for line in lines if "logged in" in line["message"]]
    assert logged_in and all(line["request_id"] == "ops-test-42" for line in logged_in)

    for insane in ("two words", "x" * 65, "../../etc", "🙂"):
        status, _, echoed = await post(server.url + "/api/v1/auth/login", form,
                                       {"X-Request-ID": insane})
        assert status == 200 and HEX_ID.fullmatch(echoed), (insane, echoed)
    status, _, echoed = await post(server.url + "/api/v1/auth/login", {"phone": "1"})
    assert status == 400 and HEX_ID.fullmatch(echoed)  # error answers carry one too


async def test_a_socket_event_logs_its_request_id_user_room_and_event(
        server: InProcessServer, captured: Captured) -> None:
    zhang, user = await connect(server, "张伟")
    room = "grid:" + server.account("张伟")["grid_id"]
    try:
        sent = await zhang.ok("message:send", {"room_id": room, "text": "发错了",
                                               "client_id": uuid.uuid4().hex})
        await zhang.ok("message:delete", {"message_id": sent["id"]})
    finally:
        await zhang.close()
    deleted = [line for line in captured.records() if "deleted by" in line["message"]]
    assert len(deleted) == 1, captured.text
    assert deleted[0]["event"] == "message:delete"  # its payload names no room: none logged
    assert deleted[0]["user_id"] == user["id"] and HEX_ID.fullmatch(deleted[0]["request_id"])
    assert room in deleted[0]["message"]


@pytest.mark.parametrize("captured", ["text", "json"], indirect=True)
async def test_no_password_token_id_card_or_phone_reaches_a_log_line(
        server: InProcessServer, captured: Captured) -> None:
    password, phone, id_card = "Secret-Pass-" + uuid.uuid4().hex[:8], "13912345678", \
        "11010519491231002X"
    admin_token, _ = await login(server, "王建国")
    grid = server.account("张伟")["grid_id"]
    codes = await ok(server, "GET", f"/api/v1/admin/grids/{grid}/join-codes", admin_token)
    code = codes["join_codes"][0]["code"]
    register = {"join_code": code, "name": "新住户", "phone": phone, "password": password,
                "building": "3栋", "room": "101", "id_card": id_card}
    status, body, _ = await post(server.url + "/api/v1/auth/register", register)
    assert status == 201, body
    await post(server.url + "/api/v1/auth/register", register)  # the same phone again
    status, body, _ = await post(server.url + "/api/v1/auth/login",
                                 {"phone": phone, "password": password})
    assert status == 200, body
    token = body["token"]
    await post(server.url + "/api/v1/auth/login", {"phone": phone, "password": "wrong-" +
                                                   password})
    await post(server.url + "/api/v1/auth/login", {"phone": phone, "password": 12345678})
    logging.getLogger("linli.test").warning("a careless line: password=%s token=%s phone %s "
                                            "id %s Authorization: Bearer %s", password, token,
                                            phone, id_card, token)
    text = captured.text
    assert "registered" in text and "logged in" in text  # the work was logged …
    for secret in (password, phone, id_card, token, id_card[:17]):
        assert secret not in text, secret  # … without what must stay out of logs


def test_redact_masks_key_values_numbers_and_bearer_tokens() -> None:
    line = redact('{"password": "hunter22x", "token":"abc.def"} call 138-1234-5678 or '
                  "+86 13912345678, id 11010519491231002x; Authorization: Bearer eyJ.x.y")
    assert "hunter22x" not in line and "abc.def" not in line and "eyJ" not in line
    assert "5678" not in line and "13912345678" not in line and "1101051949" not in line
    assert redact("message m_1a2b in grid:g_77 seq 12 at 1733550000123") == \
        "message m_1a2b in grid:g_77 seq 12 at 1733550000123"
