"""The installable web app: its manifest and its service worker, each with the content type
browsers require, from the site's root (a worker's scope is the folder it is served from, and
the app lives at /). The worker's script gets the list of the shell's files and a digest of
their contents written in front of it (web/static/sw.js says what it caches)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path

from aiohttp import web

routes = web.RouteTableDef()
STATIC = Path(__file__).resolve().parents[1] / "static"
SHELL_SUFFIXES = frozenset({".js", ".css", ".png", ".svg", ".woff2"})
WORKER = "sw.js"
MANIFEST = "manifest.webmanifest"
NO_CACHE = {"Cache-Control": "no-cache"}


def shell_files() -> list[Path]:
    """The files the app needs to open, in a stable order; the worker itself is not one."""
    return sorted(p for p in STATIC.rglob("*")
                  if p.is_file() and p.suffix in SHELL_SUFFIXES and p.name != WORKER)


def shell_paths() -> list[str]:
    return ["/", f"/{MANIFEST}",
            *(f"/static/{p.relative_to(STATIC).as_posix()}" for p in shell_files())]


def worker_script() -> str:
    digest = hashlib.sha256()
    for path in [STATIC / "index.html", STATIC / MANIFEST, *shell_files()]:
        digest.update(path.relative_to(STATIC).as_posix().encode() + b"\0" + path.read_bytes())
    head = (f"const VERSION = {json.dumps(digest.hexdigest()[:16])};\n"
            f"const SHELL = {json.dumps(shell_paths())};\n")
    return head + (STATIC / WORKER).read_text(encoding="utf-8")


@routes.get("/sw.js")
async def service_worker(request: web.Request) -> web.Response:
    script = await asyncio.to_thread(worker_script)  # reads the shell's files
    return web.Response(text=script, content_type="text/javascript", charset="utf-8",
                        headers={**NO_CACHE, "Service-Worker-Allowed": "/"})


@routes.get("/manifest.webmanifest")
async def manifest(request: web.Request) -> web.Response:
    return web.Response(body=(STATIC / MANIFEST).read_bytes(),
                        content_type="application/manifest+json", charset="utf-8",
                        headers=NO_CACHE)
