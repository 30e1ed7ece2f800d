"""MongoDB backend: the directory part."""

from __future__ import annotations

from chat.store.mongo_base import MongoBase


class MongoDirectory(MongoBase):
    pass
