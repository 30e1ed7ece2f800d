"""Persistence: async interfaces in domain terms, a SQLite and a MongoDB backend. This package
holds the chat core's interface and parts and the plumbing every part shares; each part above
keeps its own next to its code, and web.stores composes them into the app's one store."""

from chat.store.base import ChatStore

__all__ = ["ChatStore"]
