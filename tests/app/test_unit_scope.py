"""GET /api/v1/units lists what the caller belongs to or administers, not the whole tree: a
resident (pending too) their own chain, staff the units they administer and their chain, a
district officer their district's subtree."""

from __future__ import annotations

from chat.actions.hierarchy import create_unit
from tests.support.inproc import InProcessServer, district_officer
from tests.support.server import http, login, ok


async def elsewhere(server: InProcessServer) -> dict[str, str]:
    """A second district with a street, community and grid nobody of the demo belongs to."""
    services = server.services
    district = await create_unit(services, None, "district", "武昌区", None)
    street = await create_unit(services, None, "street", "中华路街道", district.id)
    community = await create_unit(services, None, "community", "长春", street.id)
    grid = await create_unit(services, None, "grid", "长春第一网格", community.id)
    return {"district": district.id, "street": street.id, "community": community.id,
            "grid": grid.id}


async def names(server: InProcessServer, token: str, kind: str,
                parent_id: str | None = None) -> set[str]:
    query = f"?kind={kind}" + (f"&parent_id={parent_id}" if parent_id else "")
    units = await ok(server, "GET", "/api/v1/units" + query, token)
    return {u["name"] for u in units["units"]}


async def test_each_caller_lists_their_own_part_of_the_tree(server: InProcessServer) -> None:
    other = await elsewhere(server)
    officer = await district_officer(server)
    _, me = await login(server, "张伟")
    community = me["community_id"]
    everyone = {"district": {"江岸区"}, "street": {"百步亭花园路街道"}, "community": {"幸福"}}
    for name in ("张伟", "李娜", "陈刚", "王建国"):
        token, _ = await login(server, name)
        for kind, expected in everyone.items():  # their chain, not the other district's
            assert await names(server, token, kind) == expected, (name, kind)
        assert await names(server, token, "grid", other["community"]) == set(), name
        assert await names(server, token, "community", other["street"]) == set(), name
    grids = {"张伟": {"第一网格"}, "吴婷": {"第三网格"}, "李娜": {"第一网格", "第二网格"},
             "陈刚": {"第三网格"}, "王建国": {"第一网格", "第二网格", "第三网格"}}
    for name, expected in grids.items():
        token, _ = await login(server, name)
        assert await names(server, token, "grid", community) == expected, name
        assert await names(server, token, "grid") == expected, name

    assert await names(server, officer, "district") == {"江岸区"}
    assert await names(server, officer, "grid") == {"第一网格", "第二网格", "第三网格"}
    assert await names(server, officer, "grid", other["community"]) == set()


async def test_a_pending_resident_sees_only_their_own_chain(server: InProcessServer) -> None:
    await elsewhere(server)
    worker, _ = await login(server, "陈刚")
    grid_id = server.account("吴婷")["grid_id"]
    code = (await ok(server, "POST", f"/api/v1/admin/grids/{grid_id}/join-codes", worker,
                     status=201))["join_code"]["code"]
    await ok(server, "POST", "/api/v1/auth/register", None, {
        "join_code": code, "name": "黄小明", "phone": "13711112222", "password": "secret-pass-1",
        "building": "6", "unit": "2", "room": "503"}, status=201)
    _, body = await http("POST", server.url + "/api/v1/auth/login",
                         body={"phone": "13711112222", "password": "secret-pass-1"})
    token = body["token"]
    assert body["user"]["status"] == "pending"
    assert await names(server, token, "district") == {"江岸区"}
    assert await names(server, token, "community") == {"幸福"}
    assert await names(server, token, "grid") == {"第三网格"}
