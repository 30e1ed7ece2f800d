"""What admins send to create or change a directory entry (also each row of a CSV import)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from bots.directory.models import CATEGORIES
from chat.payloads import Payload

PHONE = re.compile(r"^[\d\- ]*$")


def text(max_length: int, min_length: int = 0) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


class EntryForm(Payload):
    category: str
    name: Annotated[str, text(50, 1)]
    description: Annotated[str, text(500)] = ""
    address: Annotated[str, text(100)] = ""
    hours: Annotated[str, text(100)] = ""
    phone: Annotated[str, text(30)] = ""
    keywords: Annotated[list[Annotated[str, text(20, 1)]], Field(max_length=20)] = Field(
        default_factory=list)

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        if value.strip() not in CATEGORIES:
            raise ValueError(f"must be one of {'、'.join(CATEGORIES)} / "
                             f"须为{'、'.join(CATEGORIES)}之一")
        return value.strip()

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if not PHONE.match(value):
            raise ValueError("may hold digits, '-' and spaces only / 只能包含数字、“-”和空格")
        return value
