"""The service directory (办事指南) over REST: members list and search, admins manage and
import a CSV (text/csv, UTF-8 with or without BOM)."""

from __future__ import annotations

from aiohttp import web

from bots.directory import actions
from bots.directory.csv_rows import decode
from bots.directory.payloads import EntryForm
from bots.directory.wire import entry_view, import_view, listing_view
from chat.errors import Invalid, TooLarge
from web.http import body, current, query_int, reply, services

routes = web.RouteTableDef()
CSV_TYPES = ("text/csv", "text/plain")
IMPORT_LIMIT = 2 * 1024 * 1024
"""Bytes of CSV one import takes (some ten thousand rows); the app's `max_payload_bytes`
covers every other request and is far smaller."""
CHUNK = 64 * 1024


@routes.get("/api/v1/communities/{community_id}/directory")
async def list_entries(request: web.Request) -> web.Response:
    user, _ = await current(request)
    listing = await actions.list_entries(
        services(request), user, request.match_info["community_id"],
        category=request.query.get("category") or None, query=request.query.get("q"),
        limit=query_int(request, "limit", 10, 1, 50) or 10)
    return reply(listing_view(listing))


@routes.post("/api/v1/communities/{community_id}/directory")
async def create_entry(request: web.Request) -> web.Response:
    user, _ = await current(request)
    form = await body(request, EntryForm)
    entry = await actions.create_entry(services(request), user,
                                       request.match_info["community_id"], form)
    return reply({"entry": entry_view(entry)}, 201)


@routes.put("/api/v1/directory/{entry_id}")
async def update_entry(request: web.Request) -> web.Response:
    user, _ = await current(request)
    form = await body(request, EntryForm)
    entry = await actions.update_entry(services(request), user, request.match_info["entry_id"],
                                       form)
    return reply({"entry": entry_view(entry)})


@routes.delete("/api/v1/directory/{entry_id}")
async def delete_entry(request: web.Request) -> web.Response:
    user, _ = await current(request)
    entry = await actions.delete_entry(services(request), user, request.match_info["entry_id"])
    return reply({"deleted": entry_view(entry)})


async def read_capped(request: web.Request, limit: int) -> bytes:
    """The body, read past the app's `client_max_size` (which only `request.read()` checks)
    up to `limit` bytes; TooLarge beyond, before reading more than that."""
    mib = f"{limit / 2**20:g}"
    too_large = TooLarge(f"the CSV file is over {mib} MiB / 文件超过{mib}MB")
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    raw = bytearray()
    async for chunk in request.content.iter_chunked(CHUNK):
        raw += chunk
        if len(raw) > limit:
            raise too_large
    return bytes(raw)


@routes.post("/api/v1/communities/{community_id}/directory/import")
async def import_csv(request: web.Request) -> web.Response:
    """Import a CSV (text/csv) of at most IMPORT_LIMIT = 2 MiB, whatever the app's
    `max_payload_bytes`; a larger file gets 413 `too_large`. One entry per row, created or
    updated by name; the reply counts them and lists the rejected rows with their line."""
    user, _ = await current(request)
    community_id = request.match_info["community_id"]
    actions.require_admin(user, community_id)  # before reading up to IMPORT_LIMIT bytes
    if request.content_type not in CSV_TYPES:
        raise Invalid("send the file as text/csv / 请以 text/csv 格式上传")
    raw = await read_capped(request, IMPORT_LIMIT)
    report = await actions.import_csv(services(request), user, community_id, decode(raw))
    return reply(import_view(report))
