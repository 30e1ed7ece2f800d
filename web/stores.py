"""The app's one store: every part's interface in one object, assembled here at the top so
that no layer below has to know the parts above it. Chat code types it as chat's ChatStore,
bots code as bots.store.BotsStore, moderation code as moderation.store.base.ModerationStore."""

from __future__ import annotations

from abc import ABC

from bots.accounts.retention import DeliveryRetention
from bots.store import BotsStore
from chat.store.retention import ChatRetention
from chat.store.schema import SchemaRecords
from config.settings import Settings
from moderation.store.base import ModerationStore
from moderation.store.retention import DraftRetention


class Store(BotsStore, ModerationStore, ChatRetention, DraftRetention, DeliveryRetention,
            SchemaRecords, ABC):
    """Everything any part may ask of the store."""


def make_store(settings: Settings) -> Store:
    if settings.mongodb_url:
        from web.store_mongo import MongoStore

        return MongoStore(settings.mongodb_url, settings.mongodb_database)
    from web.store_sqlite import SqliteStore

    return SqliteStore(settings.sqlite_path, settings.sqlite_synchronous)
