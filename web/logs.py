"""How linli's log lines look: human text (the default) or one JSON object per line
(`LINLI_LOG_FORMAT=json`), each carrying the request id, user, room and event of the work that
caused it (chat.log_context). Whatever the format, a redacting filter masks passwords, tokens,
ID-card numbers and phone numbers before a line is written."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import IO, Literal

from chat import log_context

LogFormat = Literal["text", "json"]
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s%(request_tag)s: %(message)s"
MASK = "***"

# Order matters: a key=value secret first (its value may look like anything), then the
# 18-character ID-card number before the 11-digit phone it would otherwise partly match.
_SECRET_VALUE = re.compile(
    r"(?i)((?:password|passwd|pwd|token|secret|authorization|api[_-]?key|cookie)"
    r"[\"']?\s*[:=]\s*[\"']?)(?:bearer\s+)?[^\s\"',;}&]+")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+")
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")


def redact(text: str) -> str:
    text = _SECRET_VALUE.sub(lambda m: m.group(1) + MASK, text)
    text = _BEARER.sub(lambda m: m.group(1) + MASK, text)
    text = _ID_CARD.sub("[身份证号]", text)
    return _PHONE.sub("[手机号]", text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (and its traceback) with secrets and personal numbers
    masked; the record's arguments are folded into the message first."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class ContextFilter(logging.Filter):
    """Puts the work's request id, user, room and event on the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in log_context.snapshot().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    FIELDS = ("request_id", "user_id", "room", "event")

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        for key in self.FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The classic line, with the request id in brackets when there is one."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        record.request_tag = f" [{request_id}]" if request_id else ""
        return super().format(record)


def make_handler(log_format: LogFormat, stream: IO[str] | None = None) -> logging.Handler:
    """A stream handler that adds the context, masks secrets and writes `log_format`."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    return handler


def configure(level: str, log_format: LogFormat) -> None:
    """The process's logging, replacing any handlers the root logger had."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(make_handler(log_format))
    root.setLevel(level.upper())
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
