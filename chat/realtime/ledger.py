"""Which `message:new` seqs this process has handed to its sockets, per room.

Every message a process emits or hears from Redis passes through here, whether or not it has
sockets in the room, so after a deaf spell it knows where each room's gap starts; and a
message delivered once (live or by the repair) is never delivered again by this process."""

from __future__ import annotations

from collections import defaultdict

WINDOW = 512  # seqs remembered per room; older ones are taken as settled


class DeliveryLedger:
    def __init__(self, window: int = WINDOW) -> None:
        self._window = window
        self._seen: dict[str, set[int]] = defaultdict(set)

    def first_time(self, room_id: str, seq: int) -> bool:
        """Record `seq` as delivered in `room_id`; False when it already was."""
        seen = self._seen[room_id]
        if seq in seen:
            return False
        seen.add(seq)
        if len(seen) > self._window:
            seen.discard(min(seen))
        return True

    def knows(self, room_id: str) -> bool:
        return bool(self._seen.get(room_id))

    def delivered(self, room_id: str, seq: int) -> bool:
        return seq in self._seen.get(room_id, ())

    def settled_through(self, room_id: str) -> int:
        """The highest seq with every seq from the oldest remembered up to it delivered:
        the repair starts after it. 0 for a room this process has delivered nothing in."""
        seen = self._seen.get(room_id)
        if not seen:
            return 0
        seq = min(seen)
        while seq + 1 in seen:
            seq += 1
        return seq
