"""`linli directory import|list`: the service directory (办事指南) offline, against the configured
store. An import shows a progress bar on stderr, reports each rejected row with its line
number, and exits with status 1 if any row was rejected."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Any

from bots.directory import actions
from bots.directory.csv_rows import REQUIRED, decode
from bots.directory.replies import ImportReport, Listing
from bots.directory.wire import listing_view
from chat.errors import DomainError
from chat.services import Services
from config.settings import Settings, load_settings

IMPORT_HELP = f"""\
Import a CSV file into a community's service directory. The file is UTF-8 (with or without
BOM) with a header row naming the columns {",".join(REQUIRED)} and optionally keywords
(separated by spaces, commas or 、). category is one of 政务服务 生活服务 文体服务 法律服务 关爱服务
党员服务. A row whose name already exists in the community updates that entry.

Prints {{"created", "updated", "rejected"}} as JSON; each rejected row is also reported on
stderr as "line N: reason". Exits with status 1 if any row was rejected.
"""


class ProgressBar:
    """A text bar with counts and percentage, redrawn in place with a carriage return."""

    def __init__(self, stream: IO[str], label: str, width: int = 30) -> None:
        self._stream = stream
        self._label = label
        self._width = width
        self._drawn = False

    def update(self, done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = round(share * self._width)
        bar = "#" * filled + "-" * (self._width - filled)
        self._stream.write(f"\r{self._label} [{bar}] {done}/{total} {share:4.0%}")
        self._stream.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {"data_dir": args.data_dir} if args.data_dir is not None else {}
    return load_settings(args.config, **overrides)


def _run(args: argparse.Namespace, fn: Callable[[Services], Awaitable[Any]]) -> Any:
    from web.cli import offline_services  # web.cli imports this module for its parser

    async def main() -> Any:
        async with offline_services(_settings(args)) as services:
            return await fn(services)

    return asyncio.run(main())


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_import(args: argparse.Namespace) -> int:
    bar = ProgressBar(sys.stderr, "导入 / importing")
    try:
        text = decode(args.file.read_bytes())
        report: ImportReport = _run(args, lambda services: actions.import_csv(
            services, None, args.community, text, progress=bar.update))
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    except DomainError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        return 1
    finally:
        bar.finish()
    for row in report.rejected:
        print(f"line {row.line}: {row.reason}", file=sys.stderr)
    _print_json({"created": report.created, "updated": report.updated,
                 "rejected": len(report.rejected)})
    return 1 if report.rejected else 0


def cmd_list(args: argparse.Namespace) -> int:
    try:
        listed: Listing = _run(args, lambda services: actions.list_entries(
            services, None, args.community, category=args.category))
    except DomainError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        return 1
    _print_json(listing_view(listed)["entries"])
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--community", required=True, help="community id")
    p.add_argument("--config", type=Path, help="TOML settings file (or LINLI_CONFIG)")
    p.add_argument("--data-dir", type=Path, help="where SQLite and the secret key live "
                   "(LINLI_DATA_DIR, default ./data)")


def add_directory_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("directory", help="the service directory (办事指南)",
                       description="Import and list a community's service directory.")
    actions_sub = p.add_subparsers(dest="directory_command", required=True, metavar="ACTION")
    imp = actions_sub.add_parser("import", help="import entries from a CSV file",
                                 description=IMPORT_HELP,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    imp.add_argument("file", type=Path, metavar="FILE", help="the CSV file")
    _common(imp)
    imp.set_defaults(func=cmd_import)
    ls = actions_sub.add_parser("list", help="list a community's entries as JSON",
                                description="List a community's entries as JSON, by category.")
    _common(ls)
    ls.add_argument("--category", help="only this category, e.g. 政务服务")
    ls.set_defaults(func=cmd_list)
