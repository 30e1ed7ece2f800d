"""SQLite backend: the polls part."""

from __future__ import annotations

from chat.store.sqlite_base import SqliteBase


class SqlitePolls(SqliteBase):
    SCHEMA = ""
