"""Room membership, the room list with unread counts, members and presence."""

from __future__ import annotations

from chat.errors import Forbidden, NotFound
from chat.models import Room, User
from chat.permissions import can_join, can_moderate
from chat.replies import Member, RoomSummary
from chat.services import Services


async def member_rooms(services: Services, user: User) -> list[Room]:
    if user.community_id is None or user.status != "verified":
        return []
    rooms = await services.store.list_rooms(user.community_id)
    return [r for r in rooms if can_join(user, r)]


async def member_room_ids(services: Services, user: User) -> list[str]:
    return [r.id for r in await member_rooms(services, user)]


async def require_member(services: Services, user: User, room_id: str) -> Room:
    room = await services.store.get_room(room_id)
    if room is None:
        raise NotFound("no such room / 群聊不存在")
    if not can_join(user, room):
        raise Forbidden("you are not a member of this room / 你不是该群成员")
    return room


async def my_rooms(services: Services, user: User) -> list[RoomSummary]:
    """The room list: counters, and each room's newest message for its preview line."""
    rooms = await member_rooms(services, user)
    last = await services.store.last_seqs([r.id for r in rooms])
    read = await services.store.read_markers(user.id)
    mentioned = await services.store.unread_mentions(
        user.id, {r.id: read.get(r.id, 0) for r in rooms})
    newest = [await services.store.history(r.id, None, 1) for r in rooms]
    return [
        RoomSummary(r, last_seq=last[r.id], read_seq=min(read.get(r.id, 0), last[r.id]),
                    unread=max(last[r.id] - read.get(r.id, 0), 0),
                    unread_mentions=mentioned[r.id], can_moderate=can_moderate(user, r),
                    last_message=page[-1] if page else None)
        for r, page in zip(rooms, newest, strict=True)
    ]


async def room_members(services: Services, room: Room) -> list[User]:
    """The people of a room (bot accounts post there but are not members)."""
    store = services.store
    if room.kind == "grid" and room.grid_id is not None:
        users = await store.list_users(grid_id=room.grid_id, status="verified", limit=10_000)
        users += await store.list_users(community_id=room.community_id, role="admin")
    else:
        users = await store.list_users(community_id=room.community_id, status="verified",
                                       limit=10_000)
    seen: dict[str, User] = {}
    for u in users:
        if u.role != "bot" and can_join(u, room):
            seen[u.id] = u
    return list(seen.values())


async def members_online(services: Services, viewer: User, room_id: str) -> list[Member]:
    """The people of a room the viewer is a member of, and whether each is online."""
    room = await require_member(services, viewer, room_id)
    members = await room_members(services, room)
    online = await services.registry.online([m.id for m in members])
    return [Member(m, m.id in online) for m in members]
