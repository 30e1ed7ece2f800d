"""Log-in, registration, log-out, password change, and the current user."""

from __future__ import annotations

from aiohttp import web

from chat.actions import accounts
from chat.actions.rooms import my_rooms
from chat.payloads import ChangePassword, Login, Register
from chat.wire import room_summary_view, user_view
from web.clients import client_address
from web.http import body, current, reply, services

routes = web.RouteTableDef()


@routes.post("/api/v1/auth/login")
async def login(request: web.Request) -> web.Response:
    form = await body(request, Login)
    found = services(request)
    token, user = await accounts.login(found, form.phone, form.password,
                                       client_address(request, found.settings))
    return reply({"token": token, "user": user_view(user, full=True)})


@routes.post("/api/v1/auth/register")
async def register(request: web.Request) -> web.Response:
    form = await body(request, Register)
    found = services(request)
    user = await accounts.register(found, form, client_address(request, found.settings))
    return reply({"user": user_view(user, full=True)}, status=201)


@routes.post("/api/v1/auth/logout")
async def logout(request: web.Request) -> web.Response:
    user, session = await current(request)
    await accounts.logout(services(request), user, session)
    return reply({"ok": True})


@routes.post("/api/v1/auth/password")
async def change_password(request: web.Request) -> web.Response:
    user, session = await current(request)
    form = await body(request, ChangePassword)
    await accounts.change_password(services(request), user, session, form.old_password,
                                   form.new_password)
    return reply({"ok": True})


@routes.get("/api/v1/me")
async def me(request: web.Request) -> web.Response:
    user, _ = await current(request)
    return reply({"user": user_view(user, full=True)})


@routes.get("/api/v1/me/rooms")
async def rooms(request: web.Request) -> web.Response:
    user, _ = await current(request)
    rooms = await my_rooms(services(request), user)
    return reply({"rooms": [room_summary_view(r) for r in rooms]})
