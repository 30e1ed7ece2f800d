"""Identifiers: short, random, URL-safe and sortable enough for humans to read out."""

from __future__ import annotations

import secrets

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def new_id(prefix: str, length: int = 12) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_join_code() -> str:
    """Eight characters without look-alikes, easy to read aloud or type from a poster."""
    alphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


def derived_id(prefix: str, digest: str, length: int = 12) -> str:
    """An id made from a (keyed) hex digest: the same input gives the same id."""
    bits = int(digest, 16)
    return prefix + "".join(_ALPHABET[(bits >> (5 * n)) & 31] for n in range(length))
