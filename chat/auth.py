"""Secrets handling: argon2 password hashes, opaque session tokens, keyed digests."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Secrets:
    """Everything that needs the server secret; built once in the app factory.

    Argon2 takes tens of milliseconds on purpose, so it runs in a worker thread (the C code
    releases the GIL) and never stalls the event loop that delivers chat."""

    def __init__(self, secret: bytes, hasher: PasswordHasher | None = None) -> None:
        self._secret = secret
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None

    async def hash_password(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify_password(self, password_hash: str | None, password: str) -> bool:
        """With no hash (unknown account) a dummy is checked, so timing tells nothing."""
        if password_hash is None:
            if self._dummy_hash is None:
                self._dummy_hash = await self.hash_password(secrets.token_urlsafe(16))
            password_hash = self._dummy_hash
            await asyncio.to_thread(self._check, password_hash, password)
            return False
        return await asyncio.to_thread(self._check, password_hash, password)

    def _check(self, password_hash: str, password: str) -> bool:
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
