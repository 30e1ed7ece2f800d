"""SQLite backend: the directory part."""

from __future__ import annotations

from chat.store.sqlite_base import SqliteBase


class SqliteDirectory(SqliteBase):
    SCHEMA = ""
