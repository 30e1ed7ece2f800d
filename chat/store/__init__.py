"""Persistence: one async interface in domain terms, a SQLite and a MongoDB backend."""

from chat.store.base import Store

__all__ = ["Store"]
