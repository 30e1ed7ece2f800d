"""Personal data stays with those who may verify the person: a grid worker sees the phone and
address of their own grids' residents only, over members lists and user lookups alike."""

from __future__ import annotations

from typing import Any

from tests.support.inproc import InProcessServer
from tests.support.server import login, ok


def details(view: dict[str, Any]) -> bool:
    return "phone" in view or "address" in view


async def ids(server: InProcessServer, *names: str) -> dict[str, str]:
    found = {}
    for name in names:
        _, user = await login(server, name)
        found[name] = user["id"]
    return found


async def test_a_worker_sees_details_of_their_own_grids_residents_only(
        server: InProcessServer) -> None:
    people = await ids(server, "张伟", "吴婷", "李娜")
    chen, chen_user = await login(server, "陈刚")  # grid 3: 吴婷's worker, not 张伟's
    hall = f"/api/v1/rooms/community:{chen_user['community_id']}/members"
    members = {m["id"]: m for m in (await ok(server, "GET", hall, chen))["members"]}
    assert not details(members[people["张伟"]])
    assert members[people["张伟"]]["name"] == "张*（3栋）"
    assert details(members[people["吴婷"]]) and members[people["吴婷"]]["name"] == "吴婷"
    assert not details(members[people["李娜"]])  # another grid's worker

    other = await ok(server, "GET", f"/api/v1/users/{people['张伟']}", chen)
    assert not details(other["user"]) and other["user"]["name"] == "张*（3栋）"
    own = await ok(server, "GET", f"/api/v1/users/{people['吴婷']}", chen)
    assert own["user"]["phone"] == server.account("吴婷")["phone"]


async def test_the_grids_worker_the_admin_and_the_person_see_details(
        server: InProcessServer) -> None:
    people = await ids(server, "张伟", "刘芳")
    for viewer in ("李娜", "王建国", "张伟"):
        token, user = await login(server, viewer)
        hall = f"/api/v1/rooms/community:{user['community_id']}/members"
        members = {m["id"]: m for m in (await ok(server, "GET", hall, token))["members"]}
        assert members[people["张伟"]]["phone"] == server.account("张伟")["phone"], viewer
        seen = await ok(server, "GET", f"/api/v1/users/{people['张伟']}", token)
        assert seen["user"]["address"]["room"] == "701", viewer
    zhang, _ = await login(server, "张伟")  # a neighbour of the same household sees no more
    seen = await ok(server, "GET", f"/api/v1/users/{people['刘芳']}", zhang)
    assert not details(seen["user"])
