"""Registration, verification, log-in, sessions and staff accounts."""

from __future__ import annotations

import ipaddress
import logging
from datetime import timedelta
from typing import Literal, cast

from chat import audit
from chat.actions.hierarchy import ancestry, require_unit
from chat.actions.rooms import member_room_ids
from chat.audit import AuditAction
from chat.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited, Unauthorized
from chat.ids import new_id
from chat.models import Address, Role, Session, Unit, User
from chat.payloads import CreateStaff, Register
from chat.permissions import can_manage_unit, can_verify
from chat.room_ids import user_room_id
from chat.services import Services
from chat.wire import user_view
from chat.wire_events import AccountUpdated

log = logging.getLogger(__name__)

Bucket = tuple[str, float, int]  # limiter key, tokens per second, burst

TOO_MANY_LOGINS = "too many failed log-ins / 登录失败次数过多，请稍后再试"
TOO_MANY_REGISTRATIONS = "too many registrations, please try later / 注册过于频繁，请稍后再试"


def address_key(client: str) -> str:
    """What a limit per address counts: the address, or its /64 for IPv6 (one subscriber)."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _per_hour(key: str, count: int) -> Bucket:
    """`count` at once, then `count` an hour."""
    return key, count / 3600, count


async def _give_back(services: Services, buckets: list[Bucket]) -> None:
    for key, rate, burst in buckets:
        await services.limiter.hit(key, rate, burst, cost=-1)


async def _take(services: Services, buckets: list[Bucket], message: str) -> None:
    """One token from each bucket, or none from any: RateLimited when one is empty. Each
    take is atomic, so concurrent requests cannot all pass a look made before slow work."""
    taken: list[Bucket] = []
    for bucket in buckets:
        wait = await services.limiter.hit(*bucket)
        if wait:
            await _give_back(services, taken)
            raise RateLimited(message, wait)
        taken.append(bucket)


async def _require_free_phone(services: Services, phone: str) -> None:
    """A friendly early answer; the store's unique index still decides races."""
    if await services.store.get_user_by_phone(phone) is not None:
        raise Conflict("this phone number is already registered / 该手机号已注册")


async def register(services: Services, form: Register, client: str | None = None) -> User:
    """The new, pending account. A phone number already registered gets the same answer, but
    nothing is stored and its account is untouched: the answer must not tell who lives here
    (join codes hang on posters). The attempt goes to the holder's community audit log.
    Limited per client address and per join code; `client` None is the server itself (the
    demo's seeding), which is not limited."""
    if client is not None:
        await _take(services, [_per_hour(f"register:addr:{address_key(client)}",
                                         services.settings.registrations_per_address)],
                    TOO_MANY_REGISTRATIONS)
    code = await services.store.get_join_code(form.join_code.upper())
    if code is None or code.revoked_at is not None:
        raise Invalid("unknown or revoked join code / 邀请码无效或已作废")
    if client is not None:
        await _take(services, [_per_hour(f"register:code:{code.code}",
                                         services.settings.registrations_per_join_code)],
                    TOO_MANY_REGISTRATIONS)
    grid = await require_unit(services, code.grid_id, "grid")
    digest = services.secrets.digest("id-card", form.id_card.upper()) if form.id_card else None
    user = User(
        id=new_id("u"), phone=form.phone, name=form.name,
        role=cast(Role, form.kind), status="pending",
        password_hash=await services.secrets.hash_password(form.password),
        created_at=services.clock.now(),
        address=Address(building=form.building, unit=form.unit, room=form.room),
        community_id=grid.parent_id, grid_ids=(grid.id,), id_card_digest=digest,
    )
    holder = await services.store.get_user_by_phone(form.phone)
    if holder is None:
        try:
            await services.store.add_user(user)
        except Conflict:  # registered meanwhile: the store's unique index decided the race
            holder = await services.store.get_user_by_phone(form.phone)
            if holder is None:
                raise
    if holder is not None:
        await _registered_again(services, holder, grid, form)
        return user
    log.info("registered %s %s in grid %s (pending)", user.role, user.id, grid.id)
    return user


async def _registered_again(services: Services, holder: User, grid: Unit,
                            form: Register) -> None:
    """Tell the phone's holder, through their community's admins, without telling the caller."""
    await audit.record(services, "system", AuditAction.ACCOUNT_REGISTRATION_REPEATED, "user",
                       holder.id, holder.community_id or grid.parent_id,
                       "someone registered again with this account's phone number / "
                       "有人用该账号的手机号再次注册", grid_id=grid.id, name=form.name)
    log.warning("registration with the phone of user %s refused silently", holder.id)


async def login(services: Services, phone: str, password: str, client: str) -> tuple[str, User]:
    """Every attempt takes a token, before the password is checked, from the bucket of this
    phone number from this address and from the address's bucket across phone numbers; a right
    password gives both back. So only failures count, concurrent guesses cannot outrun the
    limit, and someone guessing elsewhere does not lock the owner out."""
    where, settings = address_key(client), services.settings
    per_address, per_phone = settings.login_failures_per_address, settings.login_failures_per_phone
    buckets = [(f"login:addr:{where}", per_address / 600, per_address),
               (f"login:{phone}:{where}", per_phone / 60, per_phone)]
    await _take(services, buckets, TOO_MANY_LOGINS)
    user = await services.store.get_user_by_phone(phone)
    stored_hash = user.password_hash if user is not None else None
    if not await services.secrets.verify_password(stored_hash, password) or user is None:
        raise Unauthorized("wrong phone number or password / 手机号或密码错误")
    await _give_back(services, buckets)
    if user.status in ("rejected", "removed"):
        raise Forbidden(f"this account is {user.status} / 账号不可用")
    if services.secrets.needs_rehash(user.password_hash):
        user = await services.store.update_user(
            user.id, {"password_hash": await services.secrets.hash_password(password)})
    token = services.secrets.new_token()
    now = services.clock.now()
    session = Session(id=new_id("s"), user_id=user.id,
                      token_digest=services.secrets.digest("session", token), created_at=now,
                      expires_at=now + timedelta(days=services.settings.session_ttl_days))
    await services.store.add_session(session)
    log.info("user %s logged in (session %s)", user.id, session.id)
    return token, user


async def authenticate(services: Services, token: str | None) -> tuple[User, Session]:
    if not token or len(token) > 200:
        raise Unauthorized("missing token / 未登录")
    digest = services.secrets.digest("session", token)
    session = await services.store.get_session_by_digest(digest)
    if session is None or session.revoked_at is not None:
        raise Unauthorized("invalid or revoked token / 登录已失效")
    if session.expires_at <= services.clock.now():
        raise Unauthorized("expired token / 登录已过期")
    user = await services.store.get_user(session.user_id)
    if user is None or user.status in ("rejected", "removed"):
        raise Unauthorized("account not active / 账号不可用")
    return user, session


async def logout(services: Services, user: User, session: Session) -> None:
    revoked = await services.store.revoke_sessions(user.id, services.clock.now(), only=session.id)
    await services.fanout.end_sessions(user.id, revoked, "logout")


async def change_password(
    services: Services, user: User, session: Session, old: str, new: str
) -> None:
    if not await services.secrets.verify_password(user.password_hash, old):
        raise Forbidden("the current password is wrong / 原密码错误")
    await services.store.update_user(user.id,
                                     {"password_hash": await services.secrets.hash_password(new)})
    revoked = await services.store.revoke_sessions(user.id, services.clock.now(),
                                                   keep=session.id)
    await services.fanout.end_sessions(user.id, revoked, "password_changed")
    log.info("user %s changed password; %d other session(s) ended", user.id, len(revoked))


async def _resident(services: Services, actor: User, user_id: str) -> User:
    user = await services.store.get_user(user_id)
    if user is None:
        raise NotFound("no such user / 用户不存在")
    if user.role not in ("resident", "enterprise") or not can_verify(actor, user):
        raise Forbidden("you do not manage this resident / 无权管理该居民")
    return user


async def verify_resident(
    services: Services, actor: User, user_id: str, approve: bool, reason: str
) -> User:
    user = await _resident(services, actor, user_id)
    if user.status != "pending":
        raise Conflict(f"already {user.status} / 该居民已处理")
    status: Literal["verified", "rejected"] = "verified" if approve else "rejected"
    user = await services.store.update_user(user.id, {
        "status": status, "verified_by": actor.id, "verified_at": services.clock.now()})
    if approve:
        await services.fanout.enter_rooms(user.id, await member_room_ids(services, user))
        await services.fanout.send(AccountUpdated.of({"user": user_view(user, full=True)}),
                                   user_room_id(user.id))
    else:
        revoked = await services.store.revoke_sessions(user.id, services.clock.now())
        await services.fanout.end_sessions(user.id, revoked, "rejected")
    action = AuditAction.RESIDENT_VERIFY if approve else AuditAction.RESIDENT_REJECT
    await audit.record(services, actor, action, "user", user.id, user.community_id, reason)
    return user


async def remove_resident(services: Services, actor: User, user_id: str, reason: str) -> User:
    user = await _resident(services, actor, user_id)
    user = await services.store.update_user(user.id, {"status": "removed"})
    revoked = await services.store.revoke_sessions(user.id, services.clock.now())
    await services.fanout.end_sessions(user.id, revoked, "removed")
    await audit.record(services, actor, AuditAction.RESIDENT_REMOVE, "user", user.id,
                       user.community_id, reason)
    return user


async def set_party_member(services: Services, actor: User, user_id: str, flag: bool) -> User:
    user = await _resident(services, actor, user_id)
    user = await services.store.update_user(user.id, {"party_member": flag})
    await audit.record(services, actor, AuditAction.RESIDENT_PARTY_MEMBER, "user", user.id,
                       user.community_id, party_member=flag)
    return user


async def create_staff(services: Services, actor: User | None, form: CreateStaff) -> User:
    """Workers and admins belong to a community; officers to a street or district."""
    expected = {"worker": "community", "admin": "community",
                "street_officer": "street", "district_officer": "district"}[form.role]
    unit = await services.store.get_unit(form.unit_id)
    if unit is None or unit.kind != expected:
        raise Invalid(f"a {form.role} belongs to a {expected} / 所属单位类型不符")
    if not can_manage_unit(actor, await ancestry(services, unit.id)):
        raise Forbidden("you may not create staff here / 无权在此创建工作人员")
    grids = {g.id for g in await services.store.list_units("grid", unit.id)} if \
        expected == "community" else set()
    if form.role != "worker" and form.grid_ids:
        raise Invalid("only grid workers have grids / 仅网格员可分配网格")
    if not set(form.grid_ids) <= grids:
        raise Invalid("grid not in this community / 网格不属于该社区")
    if form.role == "worker" and not form.grid_ids:
        raise Invalid("a grid worker needs at least one grid / 网格员至少负责一个网格")
    await _require_free_phone(services, form.phone)
    user = User(
        id=new_id("u"), phone=form.phone, name=form.name, role=cast(Role, form.role),
        status="verified", password_hash=await services.secrets.hash_password(form.password),
        created_at=services.clock.now(), unit_id=unit.id,
        community_id=unit.id if expected == "community" else None,
        grid_ids=tuple(form.grid_ids),
    )
    await services.store.add_user(user)
    log.info("created %s %s in %s", user.role, user.id, unit.id)
    return user


async def active_user(services: Services, user_id: str) -> User:
    """The user behind a live socket, re-read so removals and verifications apply at once."""
    user = await services.store.get_user(user_id)
    if user is None or user.status in ("rejected", "removed"):
        raise Unauthorized("account not active / 账号不可用")
    return user


async def list_residents(
    services: Services, actor: User, grid_id: str | None, status: str | None
) -> list[User]:
    """The residents this staff member may verify and manage (the verification queue)."""
    if actor.community_id is None:
        raise Forbidden("residents are managed by their community / 居民由所属社区管理")
    users = await services.store.list_users(community_id=actor.community_id, grid_id=grid_id,
                                            status=status)
    return [u for u in users if u.role in ("resident", "enterprise") and can_verify(actor, u)]


async def find_user(services: Services, viewer: User, user_id: str) -> User:
    """A user of the viewer's community (what the viewer may see of them:
    `chat.wire.user_view_for`)."""
    user = await services.store.get_user(user_id)
    if user is None or user.community_id != viewer.community_id:
        raise NotFound("no such user / 用户不存在")
    return user
