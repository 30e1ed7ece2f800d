"""The JSON of Socket.IO packets: engine.io's, except for numbers too long and arrays too deep.

engine.io refuses an integer of over 100 digits (to keep `int()` of a huge digit string from
eating the CPU), and Python's parser an event nested deeper than its recursion limit, by
dropping the whole packet: no ack for the client, who waits in vain, and an ERROR with a
traceback in the log for each one. Here such a number is read as a float (linear to parse, out
of range for every field), and such an event keeps its name with an argument no payload model
takes: either way the event gets an `invalid` ack like any other wrong value."""

from __future__ import annotations

import json
import re
from json import dumps
from typing import Any

__all__ = ["dumps", "loads"]
MAX_INT_DIGITS = 100
NESTED_TOO_DEEPLY = "数据嵌套过深 / nested too deeply"
EVENT_NAME = re.compile(r'\s*\[\s*("(?:[^"\\]|\\.)*")')


def _number(digits: str) -> int | float:
    return int(digits) if len(digits) <= MAX_INT_DIGITS else float(digits)


def loads(text: str | bytes, **kwargs: Any) -> Any:
    kwargs.setdefault("parse_int", _number)
    try:
        return json.loads(text, **kwargs)
    except RecursionError:
        head = EVENT_NAME.match(text if isinstance(text, str) else
                                text.decode("utf-8", "replace"))
        if head is None:
            raise ValueError("JSON nested too deeply") from None
        return [json.loads(head.group(1)), NESTED_TOO_DEEPLY]
