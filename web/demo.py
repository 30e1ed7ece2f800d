"""Demo data for `linli serve --demo` and `linli seed-demo`: a small Wuhan community."""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bots.directory.demo import seed_directory
from chat.actions import accounts, hierarchy, messages
from chat.models import Unit, User
from chat.payloads import CreateStaff, Register, SendMessage
from chat.room_ids import community_room_id, grid_room_id
from chat.services import Services

log = logging.getLogger(__name__)
ACCOUNTS_FILE = "demo-accounts.json"


@dataclass(frozen=True)
class Resident:
    name: str
    phone: str
    grid: int
    building: str
    unit: str
    room: str
    party_member: bool = False


RESIDENTS = (
    Resident("张伟", "13900000001", 0, "3", "2", "701"),
    Resident("刘芳", "13900000002", 0, "3", "2", "701"),
    Resident("赵敏", "13900000003", 0, "5", "1", "302", party_member=True),
    Resident("孙强", "13900000004", 1, "8", "1", "1101"),
    Resident("周杰", "13900000005", 1, "9", "3", "502"),
    Resident("吴婷", "13900000006", 2, "12", "1", "201"),
)
CHAT = (
    (0, 0, "各位邻居早上好！今天天气不错☀️"),
    (1, 0, "早！3栋楼下的快递柜修好了没有？"),
    ("worker0", 0, "已经联系物业，今天下午来修，大家稍等一下"),
    (2, 0, "辛苦网格员了👍"),
    (3, "hall", "社区这周末有义诊活动吗？"),
    ("admin", "hall", "有的，周六上午9点在社区广场，欢迎大家参加"),
)


def _password(fixed: str | None) -> str:
    return fixed or secrets.token_urlsafe(9)


async def _hierarchy(services: Services) -> tuple[Unit, list[Unit]]:
    district = await hierarchy.create_unit(services, None, "district", "江岸区", None)
    street = await hierarchy.create_unit(services, None, "street", "百步亭花园路街道", district.id)
    community = await hierarchy.create_unit(services, None, "community", "幸福", street.id)
    grids = [await hierarchy.create_unit(services, None, "grid", name, community.id)
             for name in ("第一网格", "第二网格", "第三网格")]
    return community, grids


async def seed_demo(services: Services, data_dir: Path) -> list[dict[str, Any]] | None:
    """Seed an empty store; returns the accounts, or None when data already exists."""
    if await hierarchy.list_units(services, "district", None):
        return None
    fixed = os.environ.get("LINLI_DEMO_PASSWORD") or (
        services.settings.demo_password.get_secret_value()
        if services.settings.demo_password else None)
    community, grids = await _hierarchy(services)
    accounts_out: list[dict[str, Any]] = []
    people: dict[Any, User] = {}

    async def staff(key: str, role: str, name: str, phone: str, grid_ids: list[str]) -> None:
        password = _password(fixed)
        form = CreateStaff(role=role, name=name, phone=phone, password=password,
                           unit_id=community.id, grid_ids=grid_ids)
        people[key] = await accounts.create_staff(services, None, form)
        accounts_out.append({"role": role, "name": name, "phone": phone, "password": password,
                             "grid_id": grid_ids[0] if grid_ids else None,
                             "party_member": False})

    await staff("admin", "admin", "王建国", "13800000001", [])
    await staff("worker0", "worker", "李娜", "13800000002", [grids[0].id, grids[1].id])
    await staff("worker1", "worker", "陈刚", "13800000003", [grids[2].id])
    codes = [await hierarchy.create_join_code(services, None, g.id) for g in grids]
    for i, r in enumerate(RESIDENTS):
        password = _password(fixed)
        grid = grids[r.grid]
        user = await accounts.register(services, Register(
            join_code=codes[r.grid].code, name=r.name, phone=r.phone, password=password,
            building=r.building, unit=r.unit, room=r.room))
        verifier = people["worker1" if r.grid == 2 else "worker0"]
        user = await accounts.verify_resident(services, verifier, user.id, True, "demo")
        if r.party_member:
            user = await accounts.set_party_member(services, verifier, user.id, True)
        people[i] = user
        accounts_out.append({"role": "resident", "name": r.name, "phone": r.phone,
                             "password": password, "grid_id": grid.id,
                             "party_member": r.party_member})
    for n, (who, where, text) in enumerate(CHAT):
        room = community_room_id(community.id) if where == "hall" else grid_room_id(grids[0].id)
        await messages.send_message(services, people[who],
                                    SendMessage(room_id=room, text=text, client_id=f"demo-{n}"))
    await seed_directory(services, community.id)
    path = data_dir / ACCOUNTS_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(accounts_out, fh, ensure_ascii=False, indent=2)
    log.info("seeded demo community %s; accounts in %s", community.id, path)
    return accounts_out


def format_accounts(accounts_out: list[dict[str, Any]]) -> str:
    labels = {"admin": "社区管理员", "worker": "网格员", "resident": "居民"}

    def label(a: dict[str, Any]) -> str:
        return labels[a["role"]] + ("（党员）" if a["party_member"] else "")

    lines = [f"  {label(a):<8} {a['name']:<4}  手机号 {a['phone']}  密码 {a['password']}"
             for a in accounts_out]
    return "\n".join(lines)
