"""The MongoDB store: every part's MongoDB mix-in over the shared plumbing
(chat.store.mongo_base); the indexes of each part are created when it opens."""

from __future__ import annotations

from bots.accounts.store_mongo import MongoBots
from bots.directory.store_mongo import MongoDirectory
from bots.notices.store_mongo import MongoNotices
from bots.polls.store_mongo import MongoPolls
from chat.store.mongo import MongoChat
from moderation.store.mongo_learning import MongoLearning
from moderation.store.mongo_tickets import MongoTickets
from web.stores import Store


class MongoStore(MongoPolls, MongoNotices, MongoDirectory, MongoBots, MongoTickets,
                 MongoLearning, MongoChat, Store):
    pass
