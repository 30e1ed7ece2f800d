"""The AsyncAPI 3.0 document of the server-to-client Socket.IO events, generated from the event
catalogue (chat.wire_events), so it lists exactly what the server can send with the models its
emits are checked against. Served at `/api/v1/asyncapi.json`; it names no host or address."""

from __future__ import annotations

import re
from typing import Any

from pydantic.json_schema import models_json_schema

from chat.wire_events import CATALOGUE, ServerEvent

REF = "#/components/schemas/{model}"


def message_id(event: str) -> str:
    """An AsyncAPI component key for an event name (`message:new` → `message_new`)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", event)


def _schemas() -> tuple[dict[str, str], dict[str, Any]]:
    models = list(CATALOGUE.values())
    refs, defs = models_json_schema([(m, "serialization") for m in models], ref_template=REF)
    return ({m.name: refs[(m, "serialization")]["$ref"] for m in models}, defs.get("$defs", {}))


def _message(event: type[ServerEvent], ref: str) -> dict[str, Any]:
    doc = (event.__doc__ or "").strip()
    return {"name": event.name, "title": event.name, "summary": event.audience,
            **({"description": doc} if doc and not doc.startswith("A server-to-client") else {}),
            "payload": {"$ref": ref}}


def build() -> dict[str, Any]:
    refs, schemas = _schemas()
    ids = {name: message_id(name) for name in CATALOGUE}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "linli 邻里 Socket.IO events", "version": "1",
                 "description": "Server-to-client events on the default namespace `/` (path "
                                "`/socket.io/`); each is one JSON object. Client events, "
                                "acks and errors: docs/protocol.md; REST: "
                                "/api/v1/openapi.json."},
        "defaultContentType": "application/json",
        "channels": {"socket": {
            "address": "/",
            "description": "A signed-in socket; the server puts it into its rooms on connect.",
            "messages": {ids[n]: {"$ref": f"#/components/messages/{ids[n]}"} for n in CATALOGUE},
        }},
        "operations": {f"send_{ids[n]}": {
            "action": "send", "channel": {"$ref": "#/channels/socket"},
            "summary": CATALOGUE[n].audience,
            "messages": [{"$ref": f"#/channels/socket/messages/{ids[n]}"}]} for n in CATALOGUE},
        "components": {"schemas": schemas,
                       "messages": {ids[n]: _message(CATALOGUE[n], refs[n]) for n in CATALOGUE}},
    }
