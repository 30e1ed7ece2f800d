"""`linli backup`, `linli restore` and `linli export`: copies of the data that an operator
takes while linli serves, puts back into an empty data dir or database, or hands a district
when a community moves. Progress goes to stderr, the summary (JSON) to stdout."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from chat.clock import SystemClock
from config.settings import Settings, load_settings
from web import backup_mongo, backup_sqlite
from web.backup import BackupError, Manifest, Progress
from web.directory_cli import ProgressBar

BACKUP_HELP = """\
Copy everything linli keeps into DEST, a new or empty directory, while linli serves.

SQLite: every database in the data dir, copied with SQLite's online backup API (one
consistent snapshot; the servers keep writing meanwhile), plus secret.key and
demo-accounts.json. MongoDB: every collection of the database as DEST/<name>.jsonl
(MongoDB Extended JSON) with its indexes in the manifest. DEST/manifest.json records the
schema version, the time and the rows of every table or collection; the database records
the time of its newest backup for the status page.

Keep backups private: they hold password hashes, phone numbers and the server secret.
Prints the manifest's summary as JSON."""

RESTORE_HELP = """\
Restore a backup made by `linli backup` from SRC into an EMPTY data dir (SQLite: --data-dir
or LINLI_DATA_DIR) or an EMPTY MongoDB database (LINLI_MONGODB_URL, LINLI_MONGODB_DATABASE).
Refuses a target that holds anything. Row counts are checked against the manifest. Start
linli on it afterwards: migrations bring an older backup up to this version."""

EXPORT_HELP = """\
Write one community's data to DEST (a new or empty directory) as JSON Lines, one file per
table: units (the community and its grids), its residents' and staff's accounts with their
personal data (no password hashes), rooms, messages, read markers, mutes, tickets, flags,
notices and acknowledgements, polls and ballots, the audit log, its configuration, join
codes and directory. Handle it as personal data. Prints the rows per table as JSON."""


def _settings(args: argparse.Namespace) -> Settings:
    """Settings without creating a secret key in the data dir (a restore needs it empty)."""
    overrides: dict[str, Any] = {"secret_key": SecretStr("unused-by-backups-they-sign-nothing")}
    if args.data_dir is not None:
        overrides["data_dir"] = args.data_dir
    return load_settings(args.config, **overrides)


def _summary(manifest: Manifest) -> dict[str, Any]:
    return {"backend": manifest.backend, "schema_version": manifest.schema_version,
            "created_at": manifest.created_at.isoformat(), "rows": manifest.rows,
            "tables": {name: c.rows for tables in manifest.databases.values()
                       for name, c in tables.items()}}


def _with_bar(label: str, work: Callable[[Settings, Progress], Any],
              args: argparse.Namespace) -> int:
    bar = ProgressBar(sys.stderr, label)
    try:
        result = work(_settings(args), bar.update)
    except BackupError as exc:
        bar.finish()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    bar.finish()
    summary = _summary(result) if isinstance(result, Manifest) else result
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    def work(settings: Settings, progress: Progress) -> Manifest:
        if settings.mongodb_url:
            return asyncio.run(backup_mongo.backup(settings, args.dest, progress, SystemClock()))
        return backup_sqlite.backup(settings, args.dest, progress, SystemClock())

    return _with_bar("备份 / backing up", work, args)


def cmd_restore(args: argparse.Namespace) -> int:
    def work(settings: Settings, progress: Progress) -> Manifest:
        if settings.mongodb_url:
            return asyncio.run(backup_mongo.restore(settings, args.src, progress))
        return backup_sqlite.restore(settings, args.src, progress)

    return _with_bar("恢复 / restoring", work, args)


def cmd_export(args: argparse.Namespace) -> int:
    def work(settings: Settings, progress: Progress) -> dict[str, int]:
        if settings.mongodb_url:
            return asyncio.run(backup_mongo.export_community(settings, args.community,
                                                             args.dest, progress))
        return backup_sqlite.export_community(settings, args.community, args.dest, progress)

    return _with_bar("导出 / exporting", work, args)


def add_backup_parsers(sub: Any) -> None:
    """`backup`, `restore` and `export` on the `linli` parser's sub-commands."""
    raw = argparse.RawDescriptionHelpFormatter
    backup = sub.add_parser("backup", help="copy all data while linli serves",
                            description=BACKUP_HELP, formatter_class=raw)
    _common(backup)
    backup.add_argument("dest", type=Path, metavar="DEST", help="new or empty directory")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup into an empty data dir/database",
                             description=RESTORE_HELP, formatter_class=raw)
    _common(restore)
    restore.add_argument("src", type=Path, metavar="SRC", help="a directory `linli backup` "
                         "wrote")
    restore.set_defaults(func=cmd_restore)
    export = sub.add_parser("export", help="one community's data as JSON Lines",
                            description=EXPORT_HELP, formatter_class=raw)
    _common(export)
    export.add_argument("--community", required=True, metavar="ID", help="community id")
    export.add_argument("dest", type=Path, metavar="DEST", help="new or empty directory")
    export.set_defaults(func=cmd_export)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, help="TOML settings file (or LINLI_CONFIG)")
    p.add_argument("--data-dir", type=Path, help="the data dir (LINLI_DATA_DIR, default ./data)")
