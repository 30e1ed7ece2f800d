"""The SQLite store: every part's SQLite mix-in over the shared plumbing (chat.store.sqlite_base);
the tables of each part are created when it opens, then the migrations (web.migrations) run."""

from __future__ import annotations

from bots.accounts.retention import SqliteDeliveryRetention
from bots.accounts.store_sqlite import SqliteBots
from bots.directory.store_sqlite import SqliteDirectory
from bots.notices.store_sqlite import SqliteNotices
from bots.polls.store_sqlite import SqlitePolls
from chat.store.retention import SqliteChatRetention
from chat.store.schema_sqlite import SqliteSchema
from chat.store.sqlite import SqliteChat
from moderation.store.retention import SqliteDraftRetention
from moderation.store.sqlite_flags import SqliteFlags
from moderation.store.sqlite_learning import SqliteLearning
from moderation.store.sqlite_tickets import SqliteTickets
from web.migrations import SQLITE_MIGRATIONS
from web.stores import Store


class SqliteStore(SqliteSchema, SqlitePolls, SqliteNotices, SqliteDirectory, SqliteBots,
                  SqliteTickets, SqliteFlags, SqliteLearning, SqliteDeliveryRetention,
                  SqliteDraftRetention, SqliteChatRetention, SqliteChat, Store):
    MIGRATIONS = SQLITE_MIGRATIONS
