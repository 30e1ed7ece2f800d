"""SQLite backend: the notices part."""

from __future__ import annotations

from chat.store.sqlite_base import SqliteBase


class SqliteNotices(SqliteBase):
    SCHEMA = ""
