"""`linli` command line: run the server, seed demo data, manage the hierarchy offline."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

from aiohttp import web

from chat.actions import accounts, hierarchy
from chat.errors import DomainError
from chat.models import UnitKind
from chat.payloads import CreateStaff
from chat.services import Services
from chat.store.schema import MigrationBusy, SchemaTooNew
from chat.wire import join_code_view, unit_view, user_view
from config.settings import Settings, SettingsError, load_settings
from web import logs, train_cli
from web.app import build_services, command_redis, create_app, emitter_sio
from web.backup_cli import add_backup_parsers
from web.demo import format_accounts, seed_demo
from web.detect_cli import add_detect_parser
from web.directory_cli import add_directory_parser
from web.keys import SERVICES
from web.logs import LogFormat

log = logging.getLogger("linli")


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    for name in ("host", "port", "data_dir"):
        if getattr(args, name, None) is not None:
            overrides[name] = getattr(args, name)
    return load_settings(args.config, **overrides)


def _logging(level: str, log_format: LogFormat = "text") -> None:
    logs.configure(level, log_format)


@asynccontextmanager
async def offline_services(settings: Settings) -> AsyncIterator[Services]:
    """Services for one CLI command, built as the server builds its own: no sockets here, but
    with Redis what the command does reaches the clients of every serving process."""
    commands = command_redis(settings)
    sio = emitter_sio(settings)
    services = build_services(settings, sio, commands)
    await services.store.open()
    try:
        yield services
    finally:
        await services.store.close()
        if sio is not None and sio.manager.redis is not None:  # connected on first publish
            await sio.manager.redis.aclose()
        if commands is not None:
            await commands.aclose()


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


# ---- serve ---------------------------------------------------------------------------------
def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings(args)
    _logging(settings.log_level, settings.log_format)
    app = create_app(settings)

    async def after_start(app: web.Application) -> None:
        if args.demo:
            seeded = await seed_demo(app[SERVICES], settings.data_dir)
            if seeded:
                print("\n演示账号 / demo accounts (also in "
                      f"{settings.data_dir / 'demo-accounts.json'}):\n{format_accounts(seeded)}")
        # Start-up objects live forever: keep them out of the cyclic collector's work.
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 100)
        url = settings.public_url or f"http://{_display_host(settings.host)}:{settings.port}/"
        print(f"\nlinli 邻里 is running — open {url}\n(Ctrl+C to stop)", flush=True)

    app.on_startup.append(after_start)
    web.run_app(app, host=settings.host, port=settings.port, print=None,
                access_log=None, handle_signals=True)
    return 0


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


# ---- offline commands ----------------------------------------------------------------------
def _offline(fn: Callable[[Services, argparse.Namespace], Awaitable[Any]]
             ) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        settings = _settings(args)
        _logging("WARNING", settings.log_format)

        async def main() -> Any:
            async with offline_services(settings) as services:
                return await fn(services, args)

        try:
            result = asyncio.run(main())
        except DomainError as exc:
            print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
            return 1
        if result is not None:
            _print_json(result)
        return 0

    return run


async def _seed(services: Services, args: argparse.Namespace) -> Any:
    seeded = await seed_demo(services, services.settings.data_dir)
    if seeded is None:
        print("data already present; nothing seeded / 已有数据，未写入演示数据", file=sys.stderr)
        return None
    print(format_accounts(seeded))
    return None


async def _unit_add(services: Services, args: argparse.Namespace) -> Any:
    unit = await hierarchy.create_unit(services, None, cast(UnitKind, args.kind), args.name,
                                       args.parent)
    return unit_view(unit)


async def _unit_list(services: Services, args: argparse.Namespace) -> Any:
    units = await hierarchy.list_units(services, cast(UnitKind, args.kind), args.parent)
    return [unit_view(u) for u in units]


async def _staff_add(services: Services, args: argparse.Namespace) -> Any:
    form = CreateStaff(role=args.role, name=args.name, phone=args.phone,
                       password=args.password, unit_id=args.unit, grid_ids=args.grid or [])
    return user_view(await accounts.create_staff(services, None, form), full=True)


async def _code_add(services: Services, args: argparse.Namespace) -> Any:
    return join_code_view(await hierarchy.create_join_code(services, None, args.grid))


async def _code_revoke(services: Services, args: argparse.Namespace) -> Any:
    return join_code_view(await hierarchy.revoke_join_code(services, None, args.code))


# ---- parser --------------------------------------------------------------------------------
def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, help="TOML settings file (or LINLI_CONFIG)")
    p.add_argument("--data-dir", type=Path, help="where SQLite, the secret key and demo "
                   "accounts live (LINLI_DATA_DIR, default ./data)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="linli", description="linli 邻里 — real-time neighbourhood chat for community grid "
        "governance. Settings come from LINLI_* environment variables, --config, and flags.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the chat server",
                           description="Run the HTTP + Socket.IO server.")
    _common(serve)
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8080)")
    serve.add_argument("--demo", action="store_true",
                       help="seed demo data into an empty data dir and print the log-ins")
    serve.set_defaults(func=cmd_serve)

    seed = sub.add_parser("seed-demo", help="seed demo data into an empty store",
                          description="Create a demo community with accounts; writes "
                          "<data dir>/demo-accounts.json. Passwords from LINLI_DEMO_PASSWORD "
                          "or generated.")
    _common(seed)
    seed.set_defaults(func=_offline(_seed))

    unit = sub.add_parser("unit", help="districts, streets, communities and grids",
                          description="Manage the district → street → community → grid tree.")
    unit_sub = unit.add_subparsers(dest="unit_command", required=True, metavar="ACTION")
    add = unit_sub.add_parser("add", help="create a unit (and its rooms)",
                              description="Create a unit. A community gets its hall and workers' "
                              "room; a grid gets its room.")
    _common(add)
    add.add_argument("kind", choices=["district", "street", "community", "grid"])
    add.add_argument("name", help="display name, e.g. 第一网格")
    add.add_argument("--parent", help="id of the parent unit (all but districts)")
    add.set_defaults(func=_offline(_unit_add))
    ls = unit_sub.add_parser("list", help="list units of one kind",
                             description="List units of one kind, optionally under a parent.")
    _common(ls)
    ls.add_argument("kind", choices=["district", "street", "community", "grid"])
    ls.add_argument("--parent", help="only units under this parent id")
    ls.set_defaults(func=_offline(_unit_list))

    staff = sub.add_parser("staff", help="staff accounts", description="Manage staff accounts.")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    sadd = staff_sub.add_parser("add", help="create a worker, admin or officer",
                                description="Create a staff account (verified at once).")
    _common(sadd)
    sadd.add_argument("role", choices=["worker", "admin", "street_officer", "district_officer"])
    sadd.add_argument("name")
    sadd.add_argument("phone", help="mainland mobile number, 11 digits")
    sadd.add_argument("--password", required=True, help="at least 8 characters")
    sadd.add_argument("--unit", required=True, help="community (worker/admin), street or "
                      "district id")
    sadd.add_argument("--grid", action="append", help="grid id a worker covers (repeatable)")
    sadd.set_defaults(func=_offline(_staff_add))

    code = sub.add_parser("join-code", help="grid join codes",
                          description="Create or revoke grid join codes (扫码加入).")
    code_sub = code.add_subparsers(dest="code_command", required=True, metavar="ACTION")
    cadd = code_sub.add_parser("add", help="create a join code for a grid",
                               description="Create a join code for a grid.")
    _common(cadd)
    cadd.add_argument("grid", help="grid id")
    cadd.set_defaults(func=_offline(_code_add))
    crev = code_sub.add_parser("revoke", help="revoke a join code",
                               description="Revoke a join code; registered residents stay.")
    _common(crev)
    crev.add_argument("code")
    crev.set_defaults(func=_offline(_code_revoke))
    add_detect_parser(sub)
    add_directory_parser(sub)
    add_backup_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:2] == ["detect", "train"]:  # `detect` takes a FILE, so `train` is routed here
            return train_cli.main(argv[2:])
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except (SettingsError, SchemaTooNew, MigrationBusy) as exc:  # the operator's, no traceback
        print(f"linli: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
