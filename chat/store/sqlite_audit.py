"""SQLite backend: the audit log and community configuration's part (see chat.store.audit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chat.models import AuditEntry, CommunityConfig
from chat.store.audit import AuditStore
from chat.store.sqlite_base import SqliteBase, ms


class SqliteAudit(SqliteBase, AuditStore):
    SCHEMA = """
    CREATE TABLE IF NOT EXISTS audit (id TEXT PRIMARY KEY, community_id TEXT, action TEXT NOT NULL,
        actor_id TEXT NOT NULL, target_id TEXT NOT NULL, at_ms INTEGER NOT NULL, doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS audit_community ON audit (community_id, at_ms);
    CREATE TABLE IF NOT EXISTS community_config (community_id TEXT PRIMARY KEY,
        doc TEXT NOT NULL);
    """

    # ---- audit log and community configuration --------------------------------------------
    async def add_audit(self, entry: AuditEntry) -> None:
        args = (entry.id, entry.community_id, entry.action, entry.actor_id, entry.target_id,
                ms(entry.at), entry.model_dump_json())
        await self._write(lambda c: c.execute(
            "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?)", args))

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
        clauses: list[str] = ["1 = 1"]
        args: list[Any] = []
        for column, value in (("community_id", community_id), ("action", action),
                              ("actor_id", actor_id), ("target_id", target_id)):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        if before is not None and before_id is not None:
            clauses.append("(at_ms < ? OR (at_ms = ? AND id < ?))")
            args += [ms(before), ms(before), before_id]
        elif before is not None:
            clauses.append("at_ms < ?")
            args.append(ms(before))
        sql = (f"SELECT doc FROM audit WHERE {' AND '.join(clauses)}"
               " ORDER BY at_ms DESC, id DESC LIMIT ?")
        return await self._many(AuditEntry, sql, *args, limit)

    async def get_community_config(self, community_id: str) -> CommunityConfig | None:
        sql = "SELECT doc FROM community_config WHERE community_id = ?"
        return await self._one(CommunityConfig, sql, community_id)

    async def put_community_config(self, config: CommunityConfig) -> None:
        sql = ("INSERT INTO community_config VALUES (?, ?) ON CONFLICT (community_id)"
               " DO UPDATE SET doc = excluded.doc")
        args = (config.community_id, config.model_dump_json())
        await self._write(lambda c: c.execute(sql, args))
