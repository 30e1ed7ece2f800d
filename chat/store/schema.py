"""Schema versions, common to both backends: the version a store records, the error when it
records a newer one than this linli knows, and the record of the last backup.

Each backend keeps small key → value facts in `linli_meta` (a table, or a collection): the
schema version under SCHEMA_KEY, the last backup under LAST_BACKUP_KEY. A database made before
versions were recorded has no such record: it is version 0."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from pydantic import BaseModel

META = "linli_meta"
SCHEMA_KEY = "schema_version"
LAST_BACKUP_KEY = "last_backup"
MIGRATION_WAIT_SECONDS = 600.0
"""How long a starting process waits for another one's migrations before giving up."""


class SchemaTooNew(Exception):
    """The database was written by a newer linli: starting would corrupt it."""

    def __init__(self, found: int, known: int) -> None:
        self.found, self.known = found, known
        super().__init__(
            f"数据库结构版本 {found} 比本程序支持的版本 {known} 新，拒绝启动；请升级 linli 或从"
            f"备份恢复。/ The database schema is version {found}, newer than the {known} this "
            "linli knows; refusing to start. Upgrade linli or restore a backup.")


class MigrationBusy(Exception):
    """Another process held the migration lock for longer than we wait."""

    def __init__(self) -> None:
        super().__init__("另一个进程正在升级数据库，等待超时，请稍后重试。/ Another process is "
                         "migrating the database and did not finish in time; try again later.")


class LastBackup(BaseModel):
    """What an operator screen shows of the newest backup."""

    at: datetime
    backend: str
    schema_version: int
    rows: int


class SchemaRecords(ABC):
    """What the store tells of itself: its schema version and its newest backup."""

    @abstractmethod
    async def schema_version(self) -> int: ...

    @abstractmethod
    async def last_backup(self) -> LastBackup | None: ...

    @abstractmethod
    async def record_backup(self, backup: LastBackup) -> None: ...
