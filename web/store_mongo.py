"""The MongoDB store: every part's MongoDB mix-in over the shared plumbing
(chat.store.mongo_base); the indexes of each part are created when it opens, then the
migrations (web.migrations) run."""

from __future__ import annotations

from bots.accounts.retention import MongoDeliveryRetention
from bots.accounts.store_mongo import MongoBots
from bots.directory.store_mongo import MongoDirectory
from bots.notices.store_mongo import MongoNotices
from bots.polls.store_mongo import MongoPolls
from chat.clock import SystemClock
from chat.store.mongo import MongoChat
from chat.store.retention import MongoChatRetention
from chat.store.schema_mongo import MongoSchema
from moderation.store.mongo_flags import MongoFlags
from moderation.store.mongo_learning import MongoLearning
from moderation.store.mongo_tickets import MongoTickets
from moderation.store.retention import MongoDraftRetention
from web.migrations import MONGO_MIGRATIONS
from web.stores import Store


class MongoStore(MongoSchema, MongoPolls, MongoNotices, MongoDirectory, MongoBots, MongoTickets,
                 MongoFlags, MongoLearning, MongoDeliveryRetention, MongoDraftRetention,
                 MongoChatRetention, MongoChat, Store):
    MIGRATIONS = MONGO_MIGRATIONS
    LOCK_CLOCK = SystemClock()  # processes share the lock: real time, never a test's clock
