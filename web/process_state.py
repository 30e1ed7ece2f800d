"""Figures about this process read from the live objects, for the metrics scrape, the Redis
heartbeat (what other processes' status pages show) and the operators' status page."""

from __future__ import annotations

import os
import socket
from collections import Counter
from typing import Any

import socketio

from chat.clock import Clock
from chat.loop_lag import LoopLagMonitor

NAMESPACE = "/"


def socket_counts(sio: socketio.AsyncServer) -> tuple[int, dict[str, int]]:
    """(connected sockets, sockets in rooms of each kind: grid, community, workers, user…)."""
    rooms: dict[Any, dict[str, Any]] = sio.manager.rooms.get(NAMESPACE, {})
    connected = len(rooms.get(None, {}))
    kinds: Counter[str] = Counter()
    for room, members in rooms.items():
        if isinstance(room, str) and ":" in room:
            kinds[room.split(":", 1)[0]] += len(members)
    return connected, dict(kinds)


def describe(sio: socketio.AsyncServer, lag: LoopLagMonitor, clock: Clock, started_at: float
             ) -> dict[str, Any]:
    """`started_at`: when the app was made, in seconds since the epoch by the same `clock`."""
    connected, _ = socket_counts(sio)
    return {"host": socket.gethostname(), "pid": os.getpid(), "started_at": started_at,
            "sockets": connected, "loop_lag_seconds": round(lag.latest, 4),
            "loop_lag_worst_seconds": round(lag.worst, 4),
            "seen_at": clock.now().timestamp()}
