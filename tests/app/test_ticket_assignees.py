"""GET /api/v1/tickets/{id}/assignees on a real server: who the 指派 form offers, level by level
as a ticket climbs, who may ask, and that POST …/assign accepts exactly the people listed."""

from __future__ import annotations

from typing import Any

from chat.actions import accounts, hierarchy
from chat.payloads import CreateStaff
from tests.support.inproc import InProcessServer
from tests.support.server import call, login, ok

PASSWORD = "officer-pass-1"


async def officers(server: InProcessServer) -> dict[str, dict[str, Any]]:
    """A district officer made by the operator (as `linli staff add` does), who then creates
    a second street and, over REST, an officer for each street."""
    services = server.services
    street = (await hierarchy.list_units(services, "street", None))[0]
    assert street.parent_id is not None
    await accounts.create_staff(services, None, CreateStaff(
        role="district_officer", name="何区长", phone="13700000001", password=PASSWORD,
        unit_id=street.parent_id))
    people = {"何区长": await sign_in(server, "13700000001")}
    district = people["何区长"]["token"]
    other = (await ok(server, "POST", "/api/v1/admin/units", district, {
        "kind": "street", "name": "球场街道", "parent_id": street.parent_id}, status=201))["unit"]
    for name, phone, unit_id in (("马街道", "13700000002", street.id),
                                 ("钱街道", "13700000003", other["id"])):
        await ok(server, "POST", "/api/v1/admin/staff", district, {
            "role": "street_officer", "name": name, "phone": phone, "password": PASSWORD,
            "unit_id": unit_id}, status=201)
        people[name] = await sign_in(server, phone)
    return people


async def sign_in(server: InProcessServer, phone: str) -> dict[str, Any]:
    data = await ok(server, "POST", "/api/v1/auth/login", None,
                    {"phone": phone, "password": PASSWORD})
    return {**data["user"], "token": data["token"]}


async def listed(server: InProcessServer, token: str, ticket_id: str) -> list[dict[str, Any]]:
    data = await ok(server, "GET", f"/api/v1/tickets/{ticket_id}/assignees", token)
    return data["assignees"]  # type: ignore[no-any-return]


async def accepted_exactly(server: InProcessServer, token: str, ticket_id: str,
                           everyone: dict[str, str], names: list[str]) -> None:
    """`names` are listed in this order, POST …/assign takes each of them and refuses all other
    people in `everyone` (name → id)."""
    people = await listed(server, token, ticket_id)
    assert [p["name"] for p in people] == names
    assert all(set(p) >= {"id", "name", "role", "grid_ids", "unit_id"} for p in people)
    for name, user_id in everyone.items():
        got, data = await call(server, "POST", f"/api/v1/tickets/{ticket_id}/assign", token,
                               {"assignee_id": user_id})
        if name in names:
            assert got == 200 and data["ticket"]["assignee"]["id"] == user_id, (name, data)
        else:
            assert got == 400 and data["error"]["code"] == "invalid", (name, data)


async def test_assignees_follow_the_level_and_match_assign(server: InProcessServer) -> None:
    zhang, _ = await login(server, "张伟")
    sun, _ = await login(server, "孙强")
    li, li_user = await login(server, "李娜")
    chen, chen_user = await login(server, "陈刚")
    wang, wang_user = await login(server, "王建国")
    people = await officers(server)
    everyone = {"李娜": li_user["id"], "陈刚": chen_user["id"], "王建国": wang_user["id"],
                **{name: p["id"] for name, p in people.items()},
                "张伟": (await ok(server, "GET", "/api/v1/me", zhang))["user"]["id"]}

    ticket = (await ok(server, "POST", "/api/v1/tickets", zhang, {
        "description": "3栋电梯坏了，卡在7楼", "category": "电梯设施"}, status=201))["ticket"]
    tid = ticket["id"]
    path = f"/api/v1/tickets/{tid}/assignees"
    await ok(server, "POST", f"/api/v1/tickets/{tid}/accept", li,
             {"category": "电梯设施", "urgency": "normal"})

    # grid level in grid 1: its worker and the community admin, never 陈刚 of grid 3
    grid_list = await listed(server, li, tid)
    assert [(p["name"], p["role"]) for p in grid_list] == [("李娜", "worker"),
                                                            ("王建国", "admin")]
    assert grid_list[0]["grid_ids"] == li_user["grid_ids"]
    assert [p["name"] for p in await listed(server, wang, tid)] == ["李娜", "王建国"]
    await accepted_exactly(server, li, tid, everyone, ["李娜", "王建国"])

    # who may not assign: the reporter sees the ticket (403), others do not (404)
    for token, status, code in ((zhang, 403, "forbidden"), (chen, 404, "not_found"),
                                (sun, 404, "not_found"), (people["马街道"]["token"], 404,
                                                          "not_found")):
        got, data = await call(server, "GET", path, token)
        assert (got, data["error"]["code"]) == (status, code), data
    got, data = await call(server, "GET", "/api/v1/tickets/no-such/assignees", wang)
    assert (got, data["error"]["code"]) == (404, "not_found")
    got, _ = await call(server, "GET", path, None)
    assert got == 401

    # community, then street level: the handlers below may no longer assign it
    await ok(server, "POST", f"/api/v1/tickets/{tid}/escalate", li, {"note": "需要社区协调"})
    got, data = await call(server, "GET", path, li)
    assert (got, data["error"]["code"]) == (403, "forbidden")
    await accepted_exactly(server, wang, tid, everyone, ["李娜", "王建国"])
    await ok(server, "POST", f"/api/v1/tickets/{tid}/escalate", wang, {"note": "需要街道协调"})
    got, data = await call(server, "GET", path, wang)
    assert (got, data["error"]["code"]) == (403, "forbidden")
    street = people["马街道"]["token"]
    street_list = await listed(server, street, tid)
    assert street_list[-1]["role"] == "street_officer"
    assert street_list[-1]["unit_id"] == people["马街道"]["unit_id"]
    await accepted_exactly(server, street, tid, everyone, ["李娜", "王建国", "马街道"])
    got, _ = await call(server, "GET", path, people["钱街道"]["token"])
    assert got == 404  # another street's officer

    # district level: the district officer joins, the street officer stops assigning
    await ok(server, "POST", f"/api/v1/tickets/{tid}/escalate", street, {"note": "跨街道"})
    got, data = await call(server, "GET", path, street)
    assert (got, data["error"]["code"]) == (403, "forbidden")
    await accepted_exactly(server, people["何区长"]["token"], tid, everyone,
                           ["李娜", "王建国", "马街道", "何区长"])


async def test_a_removed_worker_is_neither_listed_nor_accepted(server: InProcessServer) -> None:
    zhang, _ = await login(server, "张伟")
    wang, _ = await login(server, "王建国")
    li, li_user = await login(server, "李娜")
    ticket = (await ok(server, "POST", "/api/v1/tickets", zhang, {
        "description": "楼道灯不亮", "category": "房屋设施"}, status=201))["ticket"]
    tid = ticket["id"]
    await ok(server, "POST", f"/api/v1/tickets/{tid}/accept", wang,
             {"category": "房屋设施", "urgency": "normal"})
    await server.services.store.update_user(li_user["id"], {"status": "removed"})
    assert [p["name"] for p in await listed(server, wang, tid)] == ["王建国"]
    got, data = await call(server, "POST", f"/api/v1/tickets/{tid}/assign", wang,
                           {"assignee_id": li_user["id"]})
    assert (got, data["error"]["code"]) == (400, "invalid"), data
    got, _ = await call(server, "GET", f"/api/v1/tickets/{tid}/assignees", li)
    assert got == 401  # a removed account's session no longer counts
