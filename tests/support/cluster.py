"""Two linli processes on one MongoDB database (and Redis, when given), as a multi-process
deployment runs them."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.server import Client, ServerProcess, http


def shared_env(mongo_url: str, database_prefix: str, redis_url: str | None = None,
               **extra: str) -> dict[str, str]:
    """The environment both processes share: a fresh database named `<prefix><random>`, one
    secret key, and `extra` as further `LINLI_*` variables."""
    env = {"LINLI_MONGODB_URL": mongo_url,
           "LINLI_MONGODB_DATABASE": database_prefix + uuid.uuid4().hex[:8],
           "LINLI_SECRET_KEY": secrets.token_urlsafe(32), **extra}
    if redis_url is not None:
        env["LINLI_REDIS_URL"] = redis_url
    return env


@contextmanager
def two_processes(tmp_path: Path, env: dict[str, str]
                  ) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Processes `a` and `b`, started one after the other, both stopped afterwards."""
    first = ServerProcess(tmp_path / "a", env)
    second = ServerProcess(tmp_path / "b", env)
    try:  # a second that fails to start must not leave the first running
        yield first.start(timeout=90), second.start(timeout=90)
    finally:
        first.stop()
        second.stop()


async def login_at(node: ServerProcess, seeded: ServerProcess, name: str
                   ) -> tuple[Client, dict[str, Any]]:
    """Log in at `node` with an account `seeded` wrote to its demo-accounts file: a client
    connected there, and the log-in answer (`token`, `user`)."""
    account = seeded.account(name)
    status, body = await http("POST", node.url + "/api/v1/auth/login",
                              body={"phone": account["phone"], "password": account["password"]})
    assert status == 200, body
    return await Client().connect(node.url, body["token"]), body
