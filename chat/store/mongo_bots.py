"""MongoDB backend: the bots part."""

from __future__ import annotations

from chat.store.mongo_base import MongoBase


class MongoBots(MongoBase):
    pass
