"""docs/protocol.md cannot silently go stale: every Socket.IO event the namespace handles, every
event of the catalogue the server emits (chat.wire_events), and every REST route the app
registers must be in it; and every route it names must exist. Events and routes are read from
the code, not listed here. No emit names its event by a bare string: all go through the
catalogue."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import socketio
from aiohttp import web

from chat.wire_events import CATALOGUE
from config.settings import load_settings
from web.app import create_app
from web.keys import SIO

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "protocol.md"
EMITTING_PACKAGES = ("chat", "moderation", "bots", "web")
DOCUMENTED_ROUTE = re.compile(r"`(GET|POST|PUT|PATCH|DELETE|OPTIONS) (/[^`\s]*)`")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> web.Application:
    data_dir = tmp_path_factory.mktemp("protocol-doc")
    return create_app(load_settings(None, data_dir=data_dir, secret_key="k" * 48))


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def handled_events(sio: socketio.AsyncServer) -> list[str]:
    # The namespace registers one catch-all handler; its table is what it dispatches on.
    dispatch = sio.handlers["/"]["*"]
    return sorted(dispatch.__self__._events)


def registered_routes(app: web.Application) -> set[tuple[str, str]]:
    """(method, path) of every route; HEAD is aiohttp's automatic twin of each GET."""
    return {(route.method, route.resource.canonical)
            for route in app.router.routes()
            if route.resource is not None and route.method != "HEAD"}


def bare_emits() -> Iterator[tuple[str, str]]:
    """(event, file) for each `….emit("<event>", …)` with a literal name in the packages."""
    for package in EMITTING_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr == "emit" and node.args
                        and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str)):
                    yield node.args[0].value, str(path.relative_to(ROOT))


def test_every_handled_event_is_documented(app: web.Application, doc: str) -> None:
    events = handled_events(app[SIO])
    assert "message:send" in events and "poll:vote" in events  # the table was found
    missing = [e for e in events if f"`{e}`" not in doc]
    assert not missing, f"Socket.IO events handled but not in docs/protocol.md: {missing}"


def test_every_event_of_the_catalogue_is_documented(doc: str) -> None:
    assert "message:new" in CATALOGUE and "ticket:updated" in CATALOGUE
    missing = [e for e in CATALOGUE if f"`{e}`" not in doc]
    assert not missing, f"events of chat.wire_events not in docs/protocol.md: {missing}"


def test_no_event_is_emitted_by_a_bare_name() -> None:
    bare = dict(bare_emits())
    assert not bare, f"emit through the catalogue (Fanout.send(event, room)), not by name: {bare}"


def test_every_registered_route_is_documented(app: web.Application, doc: str) -> None:
    routes = registered_routes(app)
    assert ("POST", "/api/v1/auth/login") in routes  # the router was read
    missing = sorted(f"{m} {p}" for m, p in routes if f"`{m} {p}`" not in doc)
    assert not missing, f"REST routes registered but not in docs/protocol.md: {missing}"


def test_every_documented_route_exists(app: web.Application, doc: str) -> None:
    routes = registered_routes(app)
    documented = set(DOCUMENTED_ROUTE.findall(doc))
    assert documented, "no `METHOD /path` found in docs/protocol.md"
    stale = sorted(f"{m} {p}" for m, p in documented - routes)
    assert not stale, f"routes in docs/protocol.md that the app does not register: {stale}"
