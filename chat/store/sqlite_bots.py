"""SQLite backend: the bots part."""

from __future__ import annotations

from chat.store.sqlite_base import SqliteBase


class SqliteBots(SqliteBase):
    SCHEMA = ""
