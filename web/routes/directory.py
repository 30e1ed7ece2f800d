"""The service directory (办事指南) over REST: members list and search, admins manage and
import a CSV (text/csv, UTF-8 with or without BOM)."""

from __future__ import annotations

from aiohttp import web

from bots.directory import actions
from bots.directory.csv_rows import decode
from bots.directory.payloads import EntryForm
from chat.errors import Invalid, TooLarge
from web.http import body, current, query_int, reply, services

routes = web.RouteTableDef()
CSV_TYPES = ("text/csv", "text/plain")


@routes.get("/api/v1/communities/{community_id}/directory")
async def list_entries(request: web.Request) -> web.Response:
    user, _ = await current(request)
    return reply(await actions.list_entries(
        services(request), user, request.match_info["community_id"],
        category=request.query.get("category") or None, query=request.query.get("q"),
        limit=query_int(request, "limit", 10, 1, 50) or 10))


@routes.post("/api/v1/communities/{community_id}/directory")
async def create_entry(request: web.Request) -> web.Response:
    user, _ = await current(request)
    form = await body(request, EntryForm)
    entry = await actions.create_entry(services(request), user,
                                       request.match_info["community_id"], form)
    return reply({"entry": entry}, 201)


@routes.put("/api/v1/directory/{entry_id}")
async def update_entry(request: web.Request) -> web.Response:
    user, _ = await current(request)
    form = await body(request, EntryForm)
    entry = await actions.update_entry(services(request), user, request.match_info["entry_id"],
                                       form)
    return reply({"entry": entry})


@routes.delete("/api/v1/directory/{entry_id}")
async def delete_entry(request: web.Request) -> web.Response:
    user, _ = await current(request)
    return reply(await actions.delete_entry(services(request), user,
                                            request.match_info["entry_id"]))


@routes.post("/api/v1/communities/{community_id}/directory/import")
async def import_csv(request: web.Request) -> web.Response:
    user, _ = await current(request)
    if request.content_type not in CSV_TYPES:
        raise Invalid("send the file as text/csv / 请以 text/csv 格式上传")
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge as exc:
        raise TooLarge("the CSV file is too large / 文件过大") from exc
    return reply(await actions.import_csv(services(request), user,
                                          request.match_info["community_id"], decode(raw)))
