"""A real linli app inside the test's event loop, on a loopback port, with a clock the test
moves. Clients still talk to it over real HTTP and Socket.IO; only time is injected."""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

from aiohttp import web, web_app
from aiohttp.test_utils import TestClient, TestServer
from pytest_aiohttp import AiohttpClient

from chat.actions.accounts import create_staff
from chat.payloads import CreateStaff
from chat.services import Services
from config.settings import load_settings
from tests.support.fakes import FakeClock
from tests.support.openapi_check import ResponseCheck
from tests.support.server import DEMO_PASSWORD, http
from web.app import create_app
from web.demo import seed_demo
from web.keys import SERVICES


def _forget_stopped_apps() -> None:
    """aiohttp caches built middleware chains per (handler, apps) for up to 1,024 entries,
    which keeps every stopped app alive — with its two jieba dictionaries, over 100 MB each.
    One app per process never notices; a test session starting dozens does."""
    cached = getattr(web_app, "_cached_build_middleware", None)
    if cached is not None:
        cached.cache_clear()
    gc.collect()


class InProcessServer:
    """The app on aiohttp's test server, made by pytest-aiohttp's `aiohttp_client` fixture when
    given one (`start(aiohttp_client)`, as `tests/app/conftest.py` does), else by aiohttp's
    test utilities directly. `stop()` closes it and checks its replies; `client` is the
    server's `TestClient` for REST calls by path."""

    def __init__(self, data_dir: Path, clock: FakeClock, *, check_responses: bool = True,
                 **settings: Any) -> None:
        """`check_responses`: every JSON reply is validated against /api/v1/openapi.json and
        `stop()` fails the test if one did not match (tests/support/openapi_check.py)."""
        self.data_dir = data_dir
        self.clock = clock
        self.responses = ResponseCheck() if check_responses else None
        defaults: dict[str, Any] = {
            "send_burst": 1000, "send_rate_per_second": 1000.0, "presence_flush_seconds": 0.2,
            "sweep_seconds": 0.1, "log_level": "WARNING"}
        self.settings = load_settings(None, data_dir=data_dir, demo_password=DEMO_PASSWORD,
                                      **(defaults | settings))
        self._client: TestClient[web.Request, web.Application] | None = None

    @property
    def client(self) -> TestClient[web.Request, web.Application]:
        assert self._client is not None, "the server is not started"
        return self._client

    @property
    def port(self) -> int:
        port = self.client.server.port
        assert port is not None
        return port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def app(self) -> web.Application:
        return self.client.app

    @property
    def services(self) -> Services:
        return self.app[SERVICES]

    async def start(self, aiohttp_client: AiohttpClient | None = None) -> InProcessServer:
        """Serve on a loopback port the OS picks, and seed the demo."""
        _forget_stopped_apps()
        app = create_app(self.settings, self.clock)
        if self.responses is not None:
            app.middlewares.insert(0, self.responses.middleware)
        if aiohttp_client is not None:
            self._client = await aiohttp_client(app, server_kwargs={"host": "127.0.0.1"})
        else:
            self._client = TestClient(TestServer(app, host="127.0.0.1"))
            await self._client.start_server()
        await seed_demo(self.services, self.data_dir)
        return self

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
        _forget_stopped_apps()
        if self.responses is not None:
            self.responses.assert_valid()

    def accounts(self) -> list[dict[str, Any]]:
        return list(json.loads((self.data_dir / "demo-accounts.json").read_text()))

    def account(self, name: str) -> dict[str, Any]:
        return next(a for a in self.accounts() if a["name"] == name)



async def district_officer(server: InProcessServer, phone: str = "13800000099") -> str:
    """A district officer over the demo's district (operator-level on the web): their token."""
    districts = await server.services.store.list_units("district", None)
    district = next(d for d in districts if d.name == "江岸区")
    await create_staff(server.services, None, CreateStaff(
        role="district_officer", name="区管理员", phone=phone, password=DEMO_PASSWORD,
        unit_id=district.id))
    _, body = await http("POST", server.url + "/api/v1/auth/login",
                         body={"phone": phone, "password": DEMO_PASSWORD})
    return str(body["token"])
