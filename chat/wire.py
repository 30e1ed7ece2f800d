"""How records look on the wire. Residents never receive another resident's real name here."""

from __future__ import annotations

from typing import Any

from chat.clock import iso
from chat.models import JoinCode, Message, Room, Unit, User
from chat.names import display_name
from chat.permissions import can_see_personal_details
from chat.replies import HistoryPage, Member, ReadMarker, RoomCatchUp, RoomSummary, SyncReply


def message_view(m: Message) -> dict[str, Any]:
    deleted = m.deleted_at is not None
    return {
        "id": m.id,
        "room_id": m.room_id,
        "seq": m.seq,
        "client_id": m.client_id,
        "sender": {"id": m.sender_id, "name": m.sender_name, "role": m.sender_role},
        "kind": m.kind,
        "text": "" if deleted else m.text,
        "reply_to": m.reply_to,
        "mentions": list(m.mentions),
        "mention_all": m.mention_all,
        "created_at": iso(m.created_at),
        "edited_at": iso(m.edited_at) if m.edited_at else None,
        "deleted": deleted,
        "deleted_by": m.deleted_by,
        "delete_reason": m.delete_reason if deleted else None,
    } | ({"ticket_id": m.ticket_id} if m.ticket_id else {})


def history_view(page: HistoryPage) -> dict[str, Any]:
    return {"room_id": page.room_id, "messages": [message_view(m) for m in page.messages],
            "has_more": page.has_more}


def catch_up_view(room: RoomCatchUp) -> dict[str, Any]:
    return {"messages": [message_view(m) for m in room.messages], "has_more": room.has_more,
            "changed": [message_view(m) for m in room.changed]}


def sync_view(reply: SyncReply) -> dict[str, Any]:
    return {"server_time": reply.server_time_ms,
            "rooms": {room_id: catch_up_view(r) for room_id, r in reply.rooms.items()},
            "errors": dict(reply.errors)}


def read_marker_view(marker: ReadMarker) -> dict[str, Any]:
    return {"room_id": marker.room_id, "read_seq": marker.read_seq, "unread": marker.unread}


def user_view(u: User, *, full: bool) -> dict[str, Any]:
    """`full` for the user themself and for staff who may see real names and addresses."""
    view: dict[str, Any] = {
        "id": u.id,
        "name": u.name if full else display_name(u),
        "display_name": display_name(u),
        "role": u.role,
        "party_member": u.party_member,
        "community_id": u.community_id,
        "grid_ids": list(u.grid_ids),
    }
    if full:
        view |= {
            "phone": u.phone,
            "status": u.status,
            "address": u.address.model_dump(),
            "unit_id": u.unit_id,
            "household": u.household,
            "created_at": iso(u.created_at),
        }
    return view


def user_view_for(viewer: User, u: User) -> dict[str, Any]:
    """`u` as `viewer` may see them: in full only under `can_see_personal_details`."""
    return user_view(u, full=can_see_personal_details(viewer, u))


def room_view(r: Room) -> dict[str, Any]:
    return {"id": r.id, "kind": r.kind, "name": r.name, "community_id": r.community_id,
            "grid_id": r.grid_id}


def unit_view(u: Unit) -> dict[str, Any]:
    return {"id": u.id, "kind": u.kind, "name": u.name, "parent_id": u.parent_id,
            "created_at": iso(u.created_at)}


def join_code_view(c: JoinCode) -> dict[str, Any]:
    return {"code": c.code, "grid_id": c.grid_id, "created_by": c.created_by,
            "created_at": iso(c.created_at),
            "revoked_at": iso(c.revoked_at) if c.revoked_at else None}


def room_summary_view(s: RoomSummary) -> dict[str, Any]:
    """A room of the room list, with its counters and preview line."""
    return room_view(s.room) | {
        "last_seq": s.last_seq,
        "read_seq": s.read_seq,
        "unread": s.unread,
        "unread_mentions": s.unread_mentions,
        "can_moderate": s.can_moderate,
        "last_message": message_view(s.last_message) if s.last_message else None,
    }


def member_view(viewer: User, m: Member) -> dict[str, Any]:
    """A member as `viewer` may see them, and whether they are online."""
    return user_view_for(viewer, m.user) | {"online": m.online}
