"""What backups of both backends share: the manifest, the checks on where a backup goes and
where a restore goes, and the record of the newest backup an operator screen shows
(`last_backup`)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from chat.store.schema import LastBackup
from config.settings import SECRET_FILE
from web.demo import ACCOUNTS_FILE
from web.migrations import SCHEMA_VERSION

MANIFEST = "manifest.json"
FORMAT: Literal["linli-backup"] = "linli-backup"
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
Progress = Callable[[int, int], None]
KEPT_FILES = (SECRET_FILE, ACCOUNTS_FILE)
"""Files of the data dir a backup keeps besides the data: without the same secret, sessions,
join codes and the ids derived from it would not match after a restore."""


class BackupError(Exception):
    """A backup, restore or export that must not go ahead; the message is bilingual and
    names no path or address."""


class Collection(BaseModel):
    """One table or collection: its rows and, on MongoDB, its index specifications."""

    rows: int
    indexes: list[dict[str, Any]] = Field(default_factory=list)


class Manifest(BaseModel):
    format: Literal["linli-backup"] = FORMAT
    backend: Literal["sqlite", "mongodb"]
    schema_version: int
    created_at: datetime
    databases: dict[str, dict[str, Collection]] = Field(description="SQLite: file name → "
                                                        "tables; MongoDB: 'mongodb' → "
                                                        "collections")
    files: list[str] = Field(default_factory=list, description="other files of the data dir")

    @property
    def rows(self) -> int:
        return sum(c.rows for tables in self.databases.values() for c in tables.values())

    def record(self) -> LastBackup:
        return LastBackup(at=self.created_at, backend=self.backend,
                          schema_version=self.schema_version, rows=self.rows)


def prepare_destination(dest: Path) -> None:
    """A new or empty directory, owner only: a backup holds password hashes and the secret."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError("备份目标已存在且不是空目录，请换一个新目录。/ The backup destination "
                          "exists and is not an empty directory; choose a new one.")
    dest.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    dest.chmod(PRIVATE_DIR)


def require_empty_data_dir(data_dir: Path) -> None:
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise BackupError("恢复目标数据目录不是空的，拒绝覆盖；请指定一个空目录。/ The data dir to "
                          "restore into is not empty; refusing to overwrite it. Use an empty "
                          "one.")
    data_dir.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    data_dir.chmod(PRIVATE_DIR)


def write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def write_manifest(dest: Path, manifest: Manifest) -> None:
    write_private(dest / MANIFEST, manifest.model_dump_json(indent=2) + "\n")


def read_manifest(src: Path, backend: str) -> Manifest:
    try:
        manifest = Manifest.model_validate_json((src / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError) as exc:
        raise BackupError("不是 linli 备份（缺少或无法读取 manifest.json）。/ Not a linli backup: "
                          "its manifest.json is missing or unreadable.") from exc
    if manifest.backend != backend:
        raise BackupError(f"该备份来自 {manifest.backend}，而当前配置的存储是 {backend}。/ This "
                          f"backup is of {manifest.backend}, but linli is configured for "
                          f"{backend}.")
    if manifest.schema_version > SCHEMA_VERSION:
        raise BackupError(f"该备份的结构版本 {manifest.schema_version} 比本程序支持的 "
                          f"{SCHEMA_VERSION} 新，请先升级 linli。/ The backup's schema version "
                          f"{manifest.schema_version} is newer than the {SCHEMA_VERSION} this "
                          "linli knows; upgrade linli first.")
    return manifest


def json_line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def copy_kept_files(data_dir: Path, dest: Path) -> list[str]:
    copied = []
    for name in KEPT_FILES:
        if (data_dir / name).is_file():
            shutil.copyfile(data_dir / name, dest / name)
            (dest / name).chmod(PRIVATE_FILE)
            copied.append(name)
    return copied


def restore_kept_files(src: Path, data_dir: Path, names: list[str]) -> None:
    """Into the data dir; one already there must be the same (MongoDB restores keep the data
    dir, which may hold the secret already)."""
    data_dir.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    for name in names:
        target = data_dir / name
        if target.exists() and target.read_bytes() != (src / name).read_bytes():
            raise BackupError(f"数据目录中已有不同的 {name}，请先移走。/ The data dir already "
                              f"holds a different {name}; move it away first.")
        shutil.copyfile(src / name, target)
        target.chmod(PRIVATE_FILE)
