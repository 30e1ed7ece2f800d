"""Bot tokens: a bot account (a `chat.models.User` with role "bot") authenticates with one."""

from __future__ import annotations

from datetime import datetime

from chat.models import Record


class BotToken(Record):
    """Only the keyed digest of the token is kept; the token itself is shown once."""

    id: str
    bot_id: str
    token_digest: str
    created_by: str
    created_at: datetime
    revoked_at: datetime | None = None
