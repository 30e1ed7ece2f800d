"""How people are shown to each other: residents see masked names, staff see real ones."""

from __future__ import annotations

from chat.models import User


def masked_name(name: str) -> str:
    """张三丰 → 张**; keeps the family name only."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else "**"


def display_name(user: User) -> str:
    """The name everyone in a room sees. Staff and bots act in their own name; residents are
    masked."""
    if user.role in ("worker", "admin", "street_officer", "district_officer", "bot"):
        return user.name
    building = user.address.building.removesuffix("栋")
    suffix = f"（{building}栋）" if building else ""
    return masked_name(user.name) + suffix
