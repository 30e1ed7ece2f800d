"""The store interface of the audit log and each community's configuration (composed into
chat.store.base.ChatStore)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from chat.models import AuditEntry, CommunityConfig


class AuditStore(ABC):
    # ---- audit log and community configuration --------------------------------------------
    @abstractmethod
    async def add_audit(self, entry: AuditEntry) -> None: ...

    @abstractmethod
    async def list_audit(
        self,
        *,
        community_id: str | None,
        action: str | None = None,
        actor_id: str | None = None,
        target_id: str | None = None,
        before: datetime | None = None,
        before_id: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Newest first, in (at, id) descending order, times to the millisecond;
        `community_id` None means every community. `before` alone keeps entries strictly older
        than that millisecond; with `before_id` it is a keyset cursor: entries after
        (before, before_id) in that order, so entries of one millisecond page without gaps."""

    @abstractmethod
    async def get_community_config(self, community_id: str) -> CommunityConfig | None: ...

    @abstractmethod
    async def put_community_config(self, config: CommunityConfig) -> None: ...
