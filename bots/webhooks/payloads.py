"""Inbound payloads of webhook administration."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

from bots.webhooks.models import WebhookEvent
from chat.payloads import Id, Payload

MAX_URL = 500


def _outgoing_url(url: str) -> str:
    """http(s), a host, no credentials: the URL is shown to every admin of the community."""
    if len(url) > MAX_URL:
        raise ValueError(f"at most {MAX_URL} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError("not a URL") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    if parts.username is not None or parts.password is not None or parts.fragment:
        raise ValueError("must not carry credentials or a fragment")
    if port == 0:
        raise ValueError("port 0 is not a port")
    return url


OutgoingUrl = Annotated[str, AfterValidator(_outgoing_url)]


class CreateWebhook(Payload):
    url: OutgoingUrl
    events: Annotated[list[WebhookEvent], Field(min_length=1, max_length=3)]
    room_ids: Annotated[list[Id], Field(max_length=100)] = Field(
        default_factory=list, description="rooms whose messages are sent (message.created)")
