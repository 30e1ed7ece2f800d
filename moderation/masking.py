"""Masking personal data in texts kept for training: phone numbers, ID card numbers, @mentions
and known names."""

from __future__ import annotations

import re
from collections.abc import Iterable

_ID_CARD = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)")
_MENTION = re.compile(r"@[^\s@,，。.!！?？:：]+")


def mask(text: str, names: Iterable[str] = ()) -> str:
    text = _ID_CARD.sub("[证件号]", text)
    text = _MOBILE.sub("[电话]", text)
    text = _LANDLINE.sub("[电话]", text)
    text = _MENTION.sub("@[某人]", text)
    for name in sorted({n for n in names if len(n) >= 2}, key=len, reverse=True):
        text = text.replace(name, "[姓名]")
    return text
