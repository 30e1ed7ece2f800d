"""Domain errors: a machine code plus a human message; the edge turns them into acks or HTTP."""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "invalid"
    http_status: ClassVar[int] = 400

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.extra}


class Unauthorized(DomainError):
    code = "unauthorized"
    http_status = 401


class Forbidden(DomainError):
    code = "forbidden"
    http_status = 403


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class Invalid(DomainError):
    code = "invalid"
    http_status = 400


class TooLarge(DomainError):
    code = "too_large"
    http_status = 413


class RateLimited(DomainError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message, retry_after=round(retry_after, 3))
        self.retry_after = retry_after


class Muted(DomainError):
    code = "muted"
    http_status = 403

    def __init__(self, message: str, until: str) -> None:
        super().__init__(message, until=until)


class BlockedContent(DomainError):
    code = "blocked_content"
    http_status = 422


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


class Unavailable(DomainError):
    code = "unavailable"
    http_status = 503


# For an outage of the store, Redis or the like: what the user can do, never the cause.
TEMPORARILY_UNAVAILABLE = ("服务暂时不可用，请稍后重试 / "
                           "service temporarily unavailable, please retry")
