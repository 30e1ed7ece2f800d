"""The SQLite store: every part's SQLite mix-in over the shared plumbing (chat.store.sqlite_base);
the tables of each part are created when it opens."""

from __future__ import annotations

from bots.accounts.store_sqlite import SqliteBots
from bots.directory.store_sqlite import SqliteDirectory
from bots.notices.store_sqlite import SqliteNotices
from bots.polls.store_sqlite import SqlitePolls
from chat.store.sqlite import SqliteChat
from moderation.store.sqlite_learning import SqliteLearning
from moderation.store.sqlite_tickets import SqliteTickets
from web.stores import Store


class SqliteStore(SqlitePolls, SqliteNotices, SqliteDirectory, SqliteBots, SqliteTickets,
                  SqliteLearning, SqliteChat, Store):
    pass
