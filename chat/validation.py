"""Turning a payload that fails its model into the error both edges (Socket.IO and REST)
answer with."""

from __future__ import annotations

from pydantic import ValidationError

from chat.errors import Invalid


def invalid_from(exc: ValidationError) -> Invalid:
    problems = [
        {"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]}
        for e in exc.errors(include_url=False, include_input=False)
    ]
    return Invalid("invalid payload / 参数无效", problems=problems)
