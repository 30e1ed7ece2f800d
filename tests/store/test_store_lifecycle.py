"""The Store contract for opening and pinging, on every backend, and a MongoDB server that is
not there."""

from __future__ import annotations

import socket

import pytest

from chat.errors import Unavailable
from web.store_mongo import MongoStore
from web.stores import Store


async def test_open_is_idempotent_and_ping_answers(store: Store) -> None:
    await store.open()
    await store.ping()


@pytest.mark.mongo
async def test_mongo_without_a_server_is_unavailable() -> None:
    with socket.socket() as bound_not_listening:
        bound_not_listening.bind(("127.0.0.1", 0))
        port = bound_not_listening.getsockname()[1]
        store = MongoStore(f"mongodb://127.0.0.1:{port}", server_selection_timeout_ms=200)
        with pytest.raises(Unavailable):
            await store.open()
