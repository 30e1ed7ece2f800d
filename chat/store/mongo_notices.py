"""MongoDB backend: the notices part."""

from __future__ import annotations

from chat.store.mongo_base import MongoBase


class MongoNotices(MongoBase):
    pass
