"""Log-in and registration against guessing and enumeration: wrong passwords are charged before
the hash is checked, per phone and client address and per address across phones; registration
is limited per address and per join code, and answers an existing phone exactly as a new one.

The server trusts X-Forwarded-For from loopback here (`trusted_proxies`), so one test client
can speak from several addresses."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from tests.app.conftest import StartApp
from tests.support.inproc import InProcessServer
from tests.support.server import http, login

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.9"


@pytest.fixture
async def server(start_app: StartApp) -> InProcessServer:
    return await start_app(detection_enabled=False, trusted_proxies=["127.0.0.1"])


async def post(server: InProcessServer, path: str, body: dict[str, Any],
               address: str | None = None) -> tuple[int, Any]:
    headers = {"X-Forwarded-For": address} if address else {}
    async with aiohttp.ClientSession() as session, session.post(
            server.url + path, json=body, headers=headers) as resp:
        return resp.status, await resp.json(content_type=None)


async def log_in(server: InProcessServer, phone: str, password: str,
                 address: str | None = None) -> tuple[int, Any]:
    return await post(server, "/api/v1/auth/login", {"phone": phone, "password": password},
                      address)


def bilingual_limit(status: int, body: Any) -> bool:
    message = body["error"]["message"]
    return status == 429 and body["error"]["code"] == "rate_limited" and \
        " / " in message and any("\u4e00" <= ch <= "\u9fff" for ch in message)


# ---- log-in --------------------------------------------------------------------------------
async def test_concurrent_wrong_passwords_are_charged_before_the_hash(
        server: InProcessServer) -> None:
    phone = server.account("张伟")["phone"]
    answers = await asyncio.gather(*(log_in(server, phone, f"wrong-{n}", ATTACKER)
                                     for n in range(20)))
    statuses = [status for status, _ in answers]
    assert statuses.count(401) <= 5 and statuses.count(429) >= 15, statuses
    assert all(bilingual_limit(s, b) for s, b in answers if s == 429)


async def test_an_attacker_elsewhere_does_not_lock_the_owner_out(
        server: InProcessServer) -> None:
    account = server.account("张伟")
    statuses = [(await log_in(server, account["phone"], "guess-123", ATTACKER))[0]
                for _ in range(10)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    status, body = await log_in(server, account["phone"], account["password"], OWNER)
    assert status == 200, body
    # the attacker's address stays locked out, right password or not
    status, _ = await log_in(server, account["phone"], account["password"], ATTACKER)
    assert status == 429


async def test_one_address_guessing_across_phones_is_limited(server: InProcessServer) -> None:
    statuses = [(await log_in(server, f"1390000{n:04d}", "guess-123", ATTACKER))[0]
                for n in range(30)]
    assert 429 in statuses and statuses.count(401) <= 20, statuses
    status, _ = await log_in(server, "13900009999", "guess-123", OWNER)
    assert status == 401  # another address is not affected
    token, _ = await login(server, "张伟")  # nor are right passwords from loopback
    assert token


async def test_a_right_password_costs_nothing(server: InProcessServer) -> None:
    account = server.account("张伟")
    for _ in range(4):
        assert (await log_in(server, account["phone"], "guess-123", OWNER))[0] == 401
    for _ in range(10):
        assert (await log_in(server, account["phone"], account["password"], OWNER))[0] == 200
    assert (await log_in(server, account["phone"], "guess-123", OWNER))[0] == 401
    assert (await log_in(server, account["phone"], "guess-123", OWNER))[0] == 429


async def test_forwarded_for_counts_only_from_a_trusted_proxy(start_app: StartApp) -> None:
    """Without `trusted_proxies`, a client naming a new address in each request gains nothing."""
    server = await start_app(detection_enabled=False)
    phone = server.account("张伟")["phone"]
    statuses = [(await log_in(server, phone, "guess-123", f"203.0.113.{n}"))[0]
                for n in range(8)]
    assert statuses == [401] * 5 + [429] * 3


# ---- registration --------------------------------------------------------------------------
async def join_code(server: InProcessServer) -> str:
    token, _ = await login(server, "李娜")
    grid_id = server.account("张伟")["grid_id"]
    status, body = await http("POST", f"{server.url}/api/v1/admin/grids/{grid_id}/join-codes",
                              token)
    assert status == 201, body
    return str(body["join_code"]["code"])


def registration(code: str, phone: str, name: str = "黄小明",
                 password: str = "secret-pass-1") -> dict[str, str]:
    return {"join_code": code, "name": name, "phone": phone, "password": password,
            "building": "6", "unit": "2", "room": "503"}


def shape(value: Any) -> Any:
    """The keys and value types of a JSON document, not its values."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return type(value).__name__


async def test_registering_an_existing_phone_answers_as_a_new_one(
        server: InProcessServer) -> None:
    code = await join_code(server)
    zhang = server.account("张伟")
    before = await server.services.store.get_user_by_phone(zhang["phone"])
    fresh_status, fresh = await post(server, "/api/v1/auth/register",
                                     registration(code, "13755556666"), OWNER)
    again_status, again = await post(server, "/api/v1/auth/register",
                                     registration(code, zhang["phone"], password="taken-over-1"),
                                     ATTACKER)
    assert fresh_status == again_status == 201, (fresh, again)
    assert shape(again) == shape(fresh)
    assert again["user"]["status"] == fresh["user"]["status"] == "pending"
    assert again["user"]["phone"] == zhang["phone"] and again["user"]["id"] != before.id

    after = await server.services.store.get_user_by_phone(zhang["phone"])
    assert after == before  # nothing about the account changed
    assert await server.services.store.get_user(again["user"]["id"]) is None
    assert (await log_in(server, zhang["phone"], "taken-over-1", ATTACKER))[0] == 401
    assert (await log_in(server, zhang["phone"], zhang["password"], OWNER))[0] == 200

    # the community's admins see the attempt against the account
    admin, _ = await login(server, "王建国")
    status, body = await http("GET", f"{server.url}/api/v1/admin/audit"
                              "?action=account.registration_repeated", admin)
    assert status == 200, body
    [entry] = body["entries"]
    assert (entry["target_type"], entry["target_id"]) == ("user", before.id)


async def test_registration_is_limited_per_address(server: InProcessServer) -> None:
    code = await join_code(server)
    answers = [await post(server, "/api/v1/auth/register",
                          registration(code, f"1376666{n:04d}"), ATTACKER) for n in range(12)]
    statuses = [status for status, _ in answers]
    assert statuses[:10] == [201] * 10 and statuses[10:] == [429] * 2, statuses
    assert bilingual_limit(*answers[-1])
    assert (await post(server, "/api/v1/auth/register", registration(code, "13766669999"),
                       OWNER))[0] == 201


async def test_unknown_join_codes_count_against_the_address(server: InProcessServer) -> None:
    statuses = [(await post(server, "/api/v1/auth/register",
                            registration(f"NOPE{n:04d}", "13777770000"), ATTACKER))[0]
                for n in range(12)]
    assert statuses == [400] * 10 + [429] * 2


async def test_registration_is_limited_per_join_code(server: InProcessServer) -> None:
    code = await join_code(server)
    answers = [await post(server, "/api/v1/auth/register",
                          registration(code, f"1378888{n:04d}"), f"203.0.113.{n + 1}")
               for n in range(32)]
    statuses = [status for status, _ in answers]
    assert statuses[:30] == [201] * 30 and statuses[30:] == [429] * 2, statuses
    assert bilingual_limit(*answers[-1])
    other = await join_code(server)
    assert (await post(server, "/api/v1/auth/register", registration(other, "13788889999"),
                       OWNER))[0] == 201


async def test_the_operator_sets_every_limit(start_app: StartApp) -> None:
    server = await start_app(detection_enabled=False, trusted_proxies=["127.0.0.1"],
                             login_failures_per_phone=2, login_failures_per_address=3,
                             registrations_per_address=1, registrations_per_join_code=2)
    phones = [server.account(name)["phone"] for name in ("张伟", "刘芳")]
    assert [(await log_in(server, phones[0], "guess-123", ATTACKER))[0]
            for _ in range(3)] == [401, 401, 429]
    assert [(await log_in(server, phones[1], "guess-123", ATTACKER))[0]
            for _ in range(2)] == [401, 429]  # the address's third failure, on any phone
    code = await join_code(server)
    register = "/api/v1/auth/register"
    assert [(await post(server, register, registration(code, f"1375555000{n}"), OWNER))[0]
            for n in range(2)] == [201, 429]
    assert [(await post(server, register, registration(code, f"1375555100{n}"), f"10.0.0.{n}")
             )[0] for n in range(2)] == [201, 429]  # the join code's third registration
