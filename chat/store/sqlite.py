"""SQLite backend: the chat core, composed of its parts — the hierarchy, accounts, messages,
the audit log with community configuration, membership versions and the message consumers'
cursors (chat/store/sqlite_*.py). The other parts (bots', moderation's) mix in next to it, each
from its own package (see sqlite_base); the composed store is assembled in web.stores."""

from __future__ import annotations

from chat.store.base import ChatStore
from chat.store.sqlite_accounts import SqliteAccounts
from chat.store.sqlite_audit import SqliteAudit
from chat.store.sqlite_base import SqliteBase
from chat.store.sqlite_cursors import SqliteCursors
from chat.store.sqlite_hierarchy import SqliteHierarchy
from chat.store.sqlite_membership import SqliteMembership
from chat.store.sqlite_messages import SqliteMessages


class SqliteChat(SqliteHierarchy, SqliteAccounts, SqliteMessages, SqliteAudit, SqliteMembership,
                 SqliteCursors, SqliteBase, ChatStore):
    """Every part of the chat core's store on one SQLite connection."""
