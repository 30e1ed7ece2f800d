"""Which address a request comes from: the peer's, unless the peer is a trusted proxy; then the
X-Forwarded-For chain is read from the right, past trusted proxies only."""

from __future__ import annotations

from unittest import mock

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from multidict import CIMultiDict

from config.settings import Settings
from web.clients import client_address


def request_from(peer: str, *forwarded: str) -> web.Request:
    transport = mock.Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: \
        (peer, 4321) if name == "peername" else default
    headers = CIMultiDict(("X-Forwarded-For", value) for value in forwarded)
    return make_mocked_request("POST", "/api/v1/auth/login", headers=headers,
                               transport=transport)


PROXIES = Settings.model_validate({"trusted_proxies": ["127.0.0.1", "10.0.0.0/8"]})


@pytest.mark.parametrize(("peer", "forwarded", "client"), [
    ("127.0.0.1", (), "127.0.0.1"),
    ("127.0.0.1", ("203.0.113.7",), "203.0.113.7"),
    ("127.0.0.1", ("203.0.113.7, 10.1.2.3",), "203.0.113.7"),  # through two proxies
    ("127.0.0.1", ("203.0.113.7", "10.1.2.3"), "203.0.113.7"),  # the header twice
    ("127.0.0.1", ("6.6.6.6, 203.0.113.7",), "203.0.113.7"),  # what the client wrote is not read
    ("127.0.0.1", ("203.0.113.7, not-an-address",), "127.0.0.1"),
    ("127.0.0.1", ("2001:db8::1",), "2001:db8::1"),
    ("198.51.100.9", ("203.0.113.7",), "198.51.100.9"),  # not a proxy: its header is ignored
])
def test_client_address(peer: str, forwarded: tuple[str, ...], client: str) -> None:
    assert client_address(request_from(peer, *forwarded), PROXIES) == client


def test_no_trusted_proxy_by_default() -> None:
    assert client_address(request_from("127.0.0.1", "203.0.113.7"), Settings()) == "127.0.0.1"
