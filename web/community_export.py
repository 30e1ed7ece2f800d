"""What one community's export holds, for both backends: each part is a table (collection)
and the rows of it that belong to the community, either directly (a field equal to the
community's id) or through the keys of an earlier part (a message through its room).

Not exported: sessions, bot tokens, webhooks and their deliveries (credentials and another
party's endpoints), and password hashes (a moved resident sets a new password)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    table: str
    fields: tuple[str, ...]
    """A row belongs when one of these equals one of the values."""
    through: str | None = None
    """None: the values are the community id; else the keys of this earlier part's rows."""
    mongo_fields: tuple[str, ...] | None = None
    """The fields' names on MongoDB, where they differ (a key is `_id` there)."""
    keyed: bool = True
    """Whether later parts refer to this one's rows by their `id` key."""

    def fields_on(self, backend: str) -> tuple[str, ...]:
        return self.mongo_fields or self.fields if backend == "mongodb" else self.fields


PLAN: tuple[Part, ...] = (
    Part("units", ("id", "parent_id"), mongo_fields=("_id", "parent_id")),
    Part("rooms", ("community_id",)),
    Part("users", ("community_id",)),
    Part("messages", ("room_id",), through="rooms"),
    Part("read_markers", ("room_id",), through="rooms", keyed=False),
    Part("mutes", ("room_id",), through="rooms", keyed=False),
    Part("tickets", ("community_id",)),
    Part("flags", ("room_id",), through="rooms"),
    Part("notices", ("room_id",), through="rooms"),
    Part("notice_acks", ("notice_id",), through="notices", keyed=False),
    Part("polls", ("room_id",), through="rooms"),
    Part("ballots", ("poll_id",), through="polls", keyed=False),  # MongoDB: inside the poll
    Part("audit", ("community_id",), keyed=False),
    Part("community_config", ("community_id",), mongo_fields=("_id",), keyed=False),
    Part("join_codes", ("grid_id",), through="units", keyed=False),
    Part("directory", ("community_id",), keyed=False),
)
SECRET_FIELDS = frozenset({"password_hash"})


def without_secrets(record: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in record.items() if k not in SECRET_FIELDS}
