"""The store bots code sees: the chat core's and every bots part's interface. The app's one
store (web.stores.Store) implements it; `bots_store` gives it from the Services chat holds."""

from __future__ import annotations

from abc import ABC

from bots.accounts.store import BotStore
from bots.directory.store import DirectoryStore
from bots.notices.store import NoticeStore
from bots.polls.store import PollStore
from chat.services import Services
from chat.store.base import ChatStore


class BotsStore(PollStore, NoticeStore, DirectoryStore, BotStore, ChatStore, ABC):
    """Everything bots code may ask of the store."""


def bots_store(services: Services) -> BotsStore:
    store = services.store
    if not isinstance(store, BotsStore):
        raise TypeError(f"{type(store).__name__} lacks the bots' store parts")
    return store
