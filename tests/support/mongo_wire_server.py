"""Serve mongoeco's MongoDB wire protocol on a free loopback port (run with Python >= 3.13).

Prints one line, the mongodb:// URL, then serves until SIGTERM/SIGINT or until stdin closes,
so the server also dies with the test process that started it.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from mongoeco.wire import AsyncMongoEcoProxyServer

try:
    import bson  # noqa: F401  (mongoeco's wire protocol encodes with PyMongo's bson)
except ImportError:
    sys.exit("mongoeco's wire server needs PyMongo: pip install 'mongoeco[wire]'")


async def _stdin_closed() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while await reader.read(4096):
        pass


async def main() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with AsyncMongoEcoProxyServer(host="127.0.0.1", port=0) as server:
        print(server.address.uri, flush=True)
        watcher = asyncio.create_task(_stdin_closed())
        watcher.add_done_callback(lambda _: stop.set())
        await stop.wait()
        watcher.cancel()


if __name__ == "__main__":
    asyncio.run(main())
