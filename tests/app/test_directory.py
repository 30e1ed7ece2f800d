"""The service directory (办事指南) end to end, with real clients on an in-process server: members
list and search over REST, admins manage and import CSV, and 办事指南 answers `/办事` and
`@办事指南` in a real chat."""

from __future__ import annotations

from typing import Any

import aiohttp

from bots.directory import actions
from bots.directory.payloads import EntryForm
from chat.actions import hierarchy
from tests.support.inproc import InProcessServer
from tests.support.server import Client, connect, login
from tests.support.server import ok as api

BOT = "bot:directory"
ENTRY = {"category": "生活服务", "name": "便民维修点", "description": "修家电、配钥匙、修鞋",
         "address": "幸福路22号", "hours": "每天 9:00-18:00", "phone": "138 0000 1234",
         "keywords": ["修家电", "配钥匙"]}


async def post_csv(server: InProcessServer, community: str, token: str, data: bytes,
                   content_type: str = "text/csv") -> tuple[int, Any]:
    url = f"{server.url}/api/v1/communities/{community}/directory/import"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    async with aiohttp.ClientSession() as session, session.post(
            url, data=data, headers=headers) as resp:
        return resp.status, await resp.json(content_type=None)


async def community_of(server: InProcessServer, name: str) -> tuple[str, str]:
    token, user = await login(server, name)
    return token, str(user["community_id"])


async def test_members_list_and_search(server: InProcessServer) -> None:
    zhang, community = await community_of(server, "张伟")
    path = f"/api/v1/communities/{community}/directory"
    listed = await api(server, "GET", path, zhang)
    assert listed["categories"] == ["政务服务", "生活服务", "文体服务", "法律服务", "关爱服务",
                                    "党员服务"]
    categories = [e["category"] for e in listed["entries"]]
    assert len(categories) == 7 and categories == sorted(categories, key=listed["categories"].index)
    legal = await api(server, "GET", path + "?category=法律服务", zhang)
    assert [e["name"] for e in legal["entries"]] == ["法律援助工作站"]
    found = await api(server, "GET", path + "?q=医保卡怎么办", zhang)
    assert found["entries"][0]["name"] == "社保医保代办点" and found["entries"][0]["score"] > 0
    one = await api(server, "GET", path + "?q=社区&limit=1", zhang)
    assert len(one["entries"]) == 1
    nothing = await api(server, "GET", path + "?q=火锅", zhang)
    assert nothing["entries"] == []
    bad = await api(server, "GET", path + "?category=美食", zhang, status=400)
    assert bad["error"]["code"] == "invalid"
    await api(server, "GET", path + "?limit=0&q=社保", zhang, status=400)
    await api(server, "GET", path, None, status=401)
    await api(server, "GET", "/api/v1/communities/nope/directory", zhang, status=403)
    worker, _ = await login(server, "李娜")
    assert len((await api(server, "GET", path, worker))["entries"]) == 7


async def test_admins_manage_entries(server: InProcessServer) -> None:
    admin, community = await community_of(server, "王建国")
    zhang, _ = await login(server, "张伟")
    worker, _ = await login(server, "李娜")
    path = f"/api/v1/communities/{community}/directory"
    for token in (zhang, worker):
        await api(server, "POST", path, token, ENTRY, status=403)
    created = (await api(server, "POST", path, admin, ENTRY | {"name": "  便民维修点 "},
                         status=201))["entry"]
    assert (created["name"], created["community_id"], created["keywords"]) == \
        ("便民维修点", community, ["修家电", "配钥匙"])
    assert (await api(server, "POST", path, admin, ENTRY, status=409))["error"]["code"] == \
        "conflict"
    invalid = await api(server, "POST", path, admin, ENTRY | {
        "category": "美食服务", "phone": "call me", "address": "长" * 101}, status=400)
    assert {p["field"] for p in invalid["error"]["problems"]} == {"category", "phone", "address"}
    await api(server, "POST", "/api/v1/communities/nope/directory", admin, ENTRY, status=403)

    entry_path = f"/api/v1/directory/{created['id']}"
    await api(server, "PUT", entry_path, zhang, ENTRY, status=403)
    moved = (await api(server, "PUT", entry_path, admin,
                       ENTRY | {"address": "幸福路30号", "keywords": []}))["entry"]
    assert (moved["id"], moved["address"], moved["keywords"], moved["created_at"]) == \
        (created["id"], "幸福路30号", [], created["created_at"])
    await api(server, "PUT", entry_path, admin, ENTRY | {"name": "老年食堂X", "extra": 1},
              status=400)
    await api(server, "PUT", entry_path, admin, ENTRY | {"name": "幸福老年食堂"}, status=409)
    await api(server, "PUT", "/api/v1/directory/nope", admin, ENTRY, status=404)
    await api(server, "DELETE", entry_path, worker, status=403)
    deleted = await api(server, "DELETE", entry_path, admin)
    assert deleted["deleted"]["name"] == "便民维修点"
    await api(server, "DELETE", entry_path, admin, status=404)
    names = [e["name"] for e in (await api(server, "GET", path, zhang))["entries"]]
    assert "便民维修点" not in names
    audit = await api(server, "GET", "/api/v1/admin/audit?action=directory.delete", admin)
    assert audit["entries"][0]["target_id"] == created["id"]


async def test_csv_import_reports_each_row(server: InProcessServer) -> None:
    admin, community = await community_of(server, "王建国")
    zhang, _ = await login(server, "张伟")
    rows = "\n".join([
        "name,category,description,address,hours,phone,keywords",
        "便民维修点,生活服务,修家电,幸福路22号,9:00-18:00,027-1,修家电、配钥匙",
        "幸福老年食堂,生活服务,助餐,幸福路18号,11:00-13:00,027-8261 9999,",
        "",
        "坏类别,美食服务,,,,,",
        "\"多行\n说明\",文体服务,\"第一行\n第二行\",,,,",
        "电话错,法律服务,,,,call me,",
        "便民维修点,生活服务,重复,,,,",
        "少列,生活服务",
    ])
    status, report = await post_csv(server, community, admin, b"\xef\xbb\xbf" + rows.encode())
    assert status == 200, report
    assert (report["created"], report["updated"]) == (2, 1)
    assert [r["line"] for r in report["rejected"]] == [5, 9, 10, 11]  # row 6 spans 3 lines
    assert "category" in report["rejected"][0]["reason"]
    assert "与第2行重名" in report["rejected"][2]["reason"]
    listed = await api(server, "GET", f"/api/v1/communities/{community}/directory", zhang)
    by_name = {e["name"]: e for e in listed["entries"]}
    assert by_name["幸福老年食堂"]["phone"] == "027-8261 9999"
    assert by_name["便民维修点"]["keywords"] == ["修家电", "配钥匙"]
    assert by_name["多行\n说明"]["description"] == "第一行\n第二行"

    assert (await post_csv(server, community, zhang, rows.encode()))[0] == 403
    assert (await post_csv(server, community, admin, rows.encode(), "application/json"))[0] == 400
    assert (await post_csv(server, community, admin, "名字,类别\n".encode()))[0] == 400
    status, broken = await post_csv(server, community, admin, rows.encode("gbk"))
    assert (status, broken["error"]["code"]) == (400, "invalid")


async def test_csv_import_takes_up_to_two_mebibytes(server: InProcessServer) -> None:
    admin, community = await community_of(server, "王建国")
    header = "name,category,description,address,hours,phone,keywords\n"
    row = "服务点{:04d},生活服务," + "便民服务" * 125 + ",幸福路{:04d}号,9:00-18:00,027-1,维修\n"
    many = header + "".join(row.format(k, k) for k in range(800))
    assert 1024 * 1024 < len(many.encode()) < 2 * 1024 * 1024  # far past max_payload_bytes
    status, report = await post_csv(server, community, admin, many.encode())
    assert status == 200, report
    assert (report["created"], report["rejected"]) == (800, [])

    over = (header + row.format(0, 0) * 1400).encode()
    assert len(over) > 2 * 1024 * 1024
    status, big = await post_csv(server, community, admin, over)
    assert (status, big["error"]["code"]) == (413, "too_large")


async def bot_reply(client: Client, marker: str) -> str:
    message = await client.wait_for("message:new", lambda m: m["sender"]["id"] == BOT
                                    and marker in m["text"])
    assert message["kind"] == "bot" and message["sender"]["name"] == "办事指南"
    return str(message["text"])


async def test_bot_answers_in_the_room(server: InProcessServer) -> None:
    zhang, user = await connect(server, "张伟")
    liu, _ = await connect(server, "刘芳")
    room = f"grid:{user['grid_ids'][0]}"
    try:
        async def ask(text: str, n: int) -> None:
            await zhang.ok("message:send", {"room_id": room, "text": text, "client_id": f"q{n}"})

        await ask("/办事 社保", 1)
        text = await bot_reply(liu, "“社保”")
        lines = text.splitlines()
        assert lines[1].startswith("1. 社保医保代办点（政务服务）")
        assert "地址：幸福社区综合楼一楼3号窗口" in lines[1] and "电话：027-8261 0003" in lines[1]
        assert len(lines) <= 4
        await ask("@办事指南 哪里可以办老年证", 2)
        text = await bot_reply(zhang, "“哪里可以办老年证”")
        assert text.splitlines()[1].startswith("1. 社区政务服务窗口")
        await ask("/办事 火锅", 3)
        assert "政务服务、生活服务" in await bot_reply(zhang, "没有找到与“火锅”")
        await ask("/办事", 4)
        assert "党员服务" in await bot_reply(zhang, "请告诉我您要办的事")
    finally:
        await zhang.close()
        await liu.close()


async def test_bot_searches_only_its_own_community(server: InProcessServer) -> None:
    services = server.services
    street = (await hierarchy.list_units(services, "street", None))[0]
    other = await hierarchy.create_unit(services, None, "community", "和平", street.id)
    await actions.create_entry(services, None, other.id, EntryForm(
        category="生活服务", name="和平火锅店", description="火锅"))
    client, user = await connect(server, "吴婷")
    room = f"community:{user['community_id']}"
    try:
        await client.ok("message:send", {"room_id": room, "text": "/办事 火锅",
                                         "client_id": "hotpot"})
        await bot_reply(client, "没有找到与“火锅”")
    finally:
        await client.close()
