"""Socket.IO packets whose event has a name: python-socketio takes `data[0]` of an event packet
as the event's name without looking, so `42[]` raised IndexError and `42[[1]]` TypeError (no
ack, an ERROR in the log). Here an event packet without a string name is an event named "",
which the chat namespace answers as unknown."""

from __future__ import annotations

from typing import Any

from socketio import packet

EVENTS = (packet.EVENT, packet.BINARY_EVENT)


class EventPacket(packet.Packet):  # type: ignore[misc]
    packet_type: Any
    data: Any

    def decode(self, encoded_packet: Any) -> int:
        attachments: int = super().decode(encoded_packet)
        if self.packet_type in EVENTS and not (
                isinstance(self.data, list) and self.data and isinstance(self.data[0], str)):
            self.data = [""]
        return attachments
