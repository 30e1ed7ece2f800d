"""MongoDB backend: the polls part."""

from __future__ import annotations

from chat.store.mongo_base import MongoBase


class MongoPolls(MongoBase):
    pass
