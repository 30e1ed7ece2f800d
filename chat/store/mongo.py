"""MongoDB backend over PyMongo's native async API: the chat core, composed of its parts — the
hierarchy, accounts, messages, the audit log with community configuration, membership versions
and the message consumers' cursors (chat/store/mongo_*.py). Records are stored as their
`model_dump()` with `_id` = the record's key (chat.store.mongo_base). The other parts mix in from
their own packages, and web.stores assembles the composed store."""

from __future__ import annotations

from chat.store.base import ChatStore
from chat.store.mongo_accounts import MongoAccounts
from chat.store.mongo_audit import MongoAudit
from chat.store.mongo_base import MongoBase
from chat.store.mongo_cursors import MongoCursors
from chat.store.mongo_hierarchy import MongoHierarchy
from chat.store.mongo_membership import MongoMembership
from chat.store.mongo_messages import MongoMessages


class MongoChat(MongoHierarchy, MongoAccounts, MongoMessages, MongoAudit, MongoMembership,
                MongoCursors, MongoBase, ChatStore):
    """Every part of the chat core's store on one MongoDB database."""
