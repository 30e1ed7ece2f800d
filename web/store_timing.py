"""Store operation latency: every public coroutine method of the app's store is timed under
its own name (`linli_store_operation_seconds{operation=...}`) and counted when it raises.

The timing wraps the one store object in place, so it stays the same object of the same class
(every part's `isinstance` check on it still holds) and no store part has to know."""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any

from chat.metrics import STORE_ERRORS, STORE_SECONDS

Method = Callable[..., Awaitable[Any]]


def _timed(operation: str, method: Method) -> Method:
    @functools.wraps(method)
    async def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await method(*args, **kwargs)
        except Exception:
            STORE_ERRORS.labels(operation).inc()
            raise
        finally:
            STORE_SECONDS.labels(operation).observe(time.perf_counter() - started)

    return timed


def time_operations(store: object) -> None:
    for name, _method in inspect.getmembers(type(store), inspect.iscoroutinefunction):
        if not name.startswith("_"):
            setattr(store, name, _timed(name, getattr(store, name)))
