"""The store interface of the chat core: what chat code may ask of the store, one interface per
part (chat.store.hierarchy, .accounts, .messages, .audit and chat.follow.store) composed here.
Each part above declares its own interface next to its code (bots.polls.store,
moderation.store.base, …); the one store object the app passes around implements them all and
is assembled in web.stores.

Backends raise `chat.errors.Conflict` on uniqueness violations and
`chat.errors.Unavailable` when the database cannot be reached; nothing else leaks out."""

from __future__ import annotations

from abc import ABC, abstractmethod

from chat.follow.store import FollowStore
from chat.store.accounts import AccountStore
from chat.store.audit import AuditStore
from chat.store.hierarchy import HierarchyStore
from chat.store.messages import MessageStore


class ChatStore(HierarchyStore, AccountStore, MessageStore, AuditStore, FollowStore, ABC):
    # ---- lifecycle --------------------------------------------------------------------
    @abstractmethod
    async def open(self) -> None:
        """Connect and create tables/indexes; idempotent."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def ping(self) -> None:
        """Raise Unavailable unless the database answers."""
