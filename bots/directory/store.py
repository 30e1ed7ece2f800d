"""The store interface of this part (composed into chat.store.base.Store)."""

from __future__ import annotations

from abc import ABC


class DirectoryStore(ABC):
    pass
