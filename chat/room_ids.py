"""Names of rooms: chat rooms by the unit they serve, and the Socket.IO rooms events go to (one
per user, per session, per staff audience)."""

from __future__ import annotations

from chat.models import User
from chat.permissions import is_active


def grid_room_id(grid_id: str) -> str:
    return f"grid:{grid_id}"


def community_room_id(community_id: str) -> str:
    return f"community:{community_id}"


def workers_room_id(community_id: str) -> str:
    return f"workers:{community_id}"


def user_room_id(user_id: str) -> str:
    return f"user:{user_id}"


def session_room_id(session_id: str) -> str:
    return f"session:{session_id}"


def staff_event_rooms(user: User) -> list[str]:
    """Socket.IO rooms for ticket and draft events: one audience per handling level."""
    if not is_active(user):
        return []
    if user.role == "worker":
        return [f"staff:grid:{g}" for g in user.grid_ids]
    if user.role == "admin" and user.community_id:
        return [f"staff:community:{user.community_id}"]
    if user.role in ("street_officer", "district_officer") and user.unit_id:
        return [f"staff:{user.role.split('_')[0]}:{user.unit_id}"]
    return []
