"""The JSON of Socket.IO packets: engine.io's, except for integers of over 100 digits.

engine.io refuses those (to keep `int()` of a huge digit string from eating the CPU) by
dropping the whole packet: no ack for the client, who waits in vain, and an ERROR with a
traceback in the log for each one. Read as a float instead (linear to parse, out of range for
every field), such a number gets the event an `invalid` ack like any other wrong value."""

from __future__ import annotations

import json
from json import dumps
from typing import Any

__all__ = ["dumps", "loads"]
MAX_INT_DIGITS = 100


def _number(digits: str) -> int | float:
    return int(digits) if len(digits) <= MAX_INT_DIGITS else float(digits)


def loads(text: str | bytes, **kwargs: Any) -> Any:
    kwargs.setdefault("parse_int", _number)
    return json.loads(text, **kwargs)
