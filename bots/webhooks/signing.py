"""Webhook signatures: HMAC-SHA256 over `<unix seconds>.<body>` with the webhook's secret,
sent as `X-Linli-Timestamp` and `X-Linli-Signature: sha256=<hex>`. A receiver recomputes the
HMAC over the raw body, compares in constant time and refuses old timestamps (replays)."""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Linli-Timestamp"
SIGNATURE_HEADER = "X-Linli-Signature"
EVENT_HEADER = "X-Linli-Event"
DELIVERY_HEADER = "X-Linli-Delivery"
SCHEME = "sha256="


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return SCHEME + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, header: str, now: float,
           tolerance: float = 300) -> bool:
    """What a receiver does; linli's own tests use it as their receiver."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, sent, body), header)
