"""Every REST route of the app's router, fuzzed: hostile JSON bodies (and raw bytes), path
parameters and query strings, from anonymous callers, a resident, a grid worker, an admin, a
district officer and a bot. Never a 5xx, never an error logged, the server alive, and a
refused (4xx) request leaves every table of the store as it was."""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from yarl import URL

from tests.fuzz import strategies as fz
from tests.fuzz.routes import CSV_BODY, FREE_PATH_PARAMS, ROUTES, SKIPPED, Route
from tests.fuzz.world import OFFICER_PHONE, POOLS, World
from tests.support.server import DEMO_PASSWORD

ACTORS = ("anonymous", "resident", "worker", "admin", "officer", "bot")
KNOWN_CODES = {"unauthorized", "forbidden", "not_found", "invalid", "too_large", "rate_limited",
               "muted", "blocked_content", "conflict"}
# Routes that end the caller's session (or may): each example gets a session of its own.
OWN_SESSION = {"/api/v1/auth/logout", "/api/v1/auth/password"}
# Routes whose success is slow and reads no input: fuzzed only as the callers they refuse.
REFUSED_ONLY = {
    "POST /api/v1/admin/detection/retrain": (
        {"officer"}, "trains a detection model (tens of seconds of CPU) and reads no input"),
}
TIMEOUT = 120 if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci" else 3600
forwarded_for = iter(f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"
                     for i in range(1, 2**24))


def encode(text: str) -> str:
    """Percent-encoded UTF-8; a lone surrogate goes out as the invalid bytes it would be."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def raw_bodies() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=64),
        st.sampled_from([b"{", b"[1,", b'{"a":}', b"\xff\xfe{}", b"\x00", b"1e999", b"NaN",
                         b'"\\ud800"', b'{"text":"\\udc00"}', b"[" * 100_000, b"{}" * 10,
                         b'{"a":1,"a":2}', b"\xef\xbb\xbf{}"]),
        st.integers(1, 5000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
    )


def json_bodies(route: Route, world: World) -> st.SearchStrategy[bytes]:
    model = route.body if not isinstance(route.body, str) else None
    values = fz.payloads(model, world.pools)
    return st.one_of(
        st.builds(lambda v: json.dumps(v).encode(), values),  # ensure_ascii: "\ud800" escaped
        st.builds(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass"),
                  values),
        raw_bodies(),
    )


def csv_bodies() -> st.SearchStrategy[bytes]:
    row = st.lists(fz.texts, min_size=0, max_size=8).map(
        lambda cells: ",".join(c.replace("\n", " ") for c in cells))
    header = "name,category,description,address,hours,phone,keywords"
    return st.one_of(
        st.lists(row, max_size=6).map(
            lambda rows: "\n".join([header, *rows]).encode("utf-8", "surrogatepass")),
        st.binary(max_size=200), st.just(b"\xef\xbb\xbf" + header.encode()))


async def _fresh_session(world: World, actor: str) -> str | None:
    names = {"resident": "张伟", "worker": "李娜", "admin": "王建国"}
    if actor in names:
        account = world.server.account(names[actor])
        phone, password = account["phone"], account["password"]
    elif actor == "officer":
        phone, password = OFFICER_PHONE, DEMO_PASSWORD
    else:
        return world.tokens[actor]
    async with aiohttp.ClientSession() as session, session.post(
            world.server.url + "/api/v1/auth/login", json={"phone": phone, "password": password},
            headers={"X-Forwarded-For": next(forwarded_for)}) as resp:
        assert resp.status == 200, await resp.text()
        return str((await resp.json())["token"])


async def _send(world: World, method: str, url: URL, headers: dict[str, str],
                data: bytes | None) -> tuple[int, bytes, str]:
    async with world.session.request(method, url, data=data, headers=headers) as resp:
        return resp.status, await resp.read(), resp.content_type


def _auth(actor: str, token: str | None) -> dict[str, str]:
    if token is None:
        return {}
    return {"Authorization": f"{'Bot' if actor == 'bot' else 'Bearer'} {token}"}


def test_every_route_is_fuzzed_or_skipped_with_a_reason() -> None:
    assert ROUTES, "no routes found in the app's router"
    for route in ROUTES:
        for param in route.params:
            assert param in FREE_PATH_PARAMS or param in POOLS, \
                f"{route.name}: no pool of real values for {{{param}}} (tests/fuzz/world.py)"
    assert all(SKIPPED.values())
    assert {"POST /api/v1/auth/login", "POST /api/v1/tickets/{ticket_id}/rate"} <= \
        {r.name for r in ROUTES}


def _check_answer(route: Route, status: int, raw: bytes, content_type: str) -> None:
    assert status < 500, (status, raw[:500])
    if route.path.startswith("/api/") and content_type == "application/json" and raw:
        answer: Any = json.loads(raw)
        if status >= 400:
            error = answer["error"]
            assert error["code"] in KNOWN_CODES, answer
            assert "internal" not in error["message"], answer


@pytest.mark.timeout(TIMEOUT)
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
@given(data=st.data())
def test_route(world: World, route: Route, data: st.DataObject) -> None:
    allowed, _ = REFUSED_ONLY.get(route.name, (set(), ""))
    actor = data.draw(st.sampled_from([a for a in ACTORS if a not in allowed]), label="actor")
    path = route.path
    for param in route.params:
        value = data.draw(fz.path_values(param, world.pools), label=param)
        path = fz_replace(path, param, encode(value))
    query = data.draw(st.lists(st.tuples(
        st.one_of(st.sampled_from(route.query or ("q",)), fz.keys),
        st.one_of(fz.texts, fz.numbers.map(str), fz.datetimes)), max_size=3), label="query")
    url = URL(world.server.url + path + ("?" + "&".join(
        f"{encode(k)}={encode(v)}" for k, v in query) if query else ""), encoded=True)
    headers = {"X-Forwarded-For": next(forwarded_for)}
    if route.body == CSV_BODY:
        payload = data.draw(csv_bodies(), label="csv")
        headers["Content-Type"] = data.draw(st.sampled_from(["text/csv", "application/json"]))
    else:
        payload = data.draw(json_bodies(route, world), label="body")
        headers["Content-Type"] = "application/json"
    token = world.tokens[actor] if route.path not in OWN_SESSION else \
        world.loop.run(_fresh_session(world, actor))
    headers |= _auth(actor, token)
    before = world.digest()
    status, raw, content_type = world.loop.run(
        _send(world, route.method, url, headers,
              payload if route.method not in ("GET", "HEAD") else None))
    event(f"{actor}: {status}")
    _check_answer(route, status, raw, content_type)
    if 400 <= status < 500:
        assert world.digest() == before, f"refused with {status} yet changed the store: {raw!r}"
    else:
        world.settled_digest()
    assert world.errors.take() == []
    assert world.alive() == 200


def fz_replace(path: str, param: str, value: str) -> str:
    start = path.index("{" + param)
    end = path.index("}", start)
    return path[:start] + value + path[end + 1:]
