"""Inbound payloads of bot administration and of the bot HTTP API."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from chat.payloads import ClientId, Id, Payload

BotName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
RoomIds = Annotated[list[Id], Field(max_length=100)]


class CreateBot(Payload):
    name: BotName
    rooms: RoomIds


class SetBotRooms(Payload):
    rooms: RoomIds


class BotMessage(Payload):
    room_id: Id
    text: str
    client_id: ClientId
