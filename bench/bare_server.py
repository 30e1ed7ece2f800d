"""The baseline: a bare python-socketio AsyncServer on aiohttp that puts every client in one
room and, on `message:send`, broadcasts `message:new` to that room and acks — nothing else
(no auth, no store, no validation, no GC tuning; the library's default AsyncManager).

    python -m bench.bare_server --port 8081
"""

from __future__ import annotations

import argparse
from typing import Any

import socketio
from aiohttp import web

ROOM = "bench"


def make_app() -> web.Application:
    sio = socketio.AsyncServer(async_mode="aiohttp")
    app = web.Application()
    sio.attach(app)

    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        await sio.enter_room(sid, ROOM)

    async def send(sid: str, data: Any) -> dict[str, Any]:
        await sio.emit("message:new", data, room=ROOM)
        return {"ok": True, "data": data}

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    sio.on("connect", connect)
    sio.on("message:send", send)
    app.router.add_get("/healthz", healthz)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="bare python-socketio broadcast server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    web.run_app(make_app(), host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
