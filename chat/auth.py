"""Secrets handling: argon2 password hashes, opaque session tokens, keyed digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Secrets:
    """Everything that needs the server secret; built once in the app factory."""

    def __init__(self, secret: bytes, hasher: PasswordHasher | None = None) -> None:
        self._secret = secret
        self._hasher = hasher or PasswordHasher()

    def hash_password(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify_password(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def digest(self, purpose: str, value: str) -> str:
        """Keyed digest: lets us look a value up without storing it (tokens, ID-card numbers)."""
        mac = hmac.new(self._secret, f"{purpose}\0{value}".encode(), hashlib.sha256)
        return mac.hexdigest()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)
