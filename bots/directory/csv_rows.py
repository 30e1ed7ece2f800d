"""Reading a directory CSV (UTF-8, with or without BOM): a header row naming the columns
name, category, description, address, hours, phone and optionally keywords, then one entry per
row. Bad rows are rejected one by one with their line number; a bad header rejects the file."""

from __future__ import annotations

import csv
import io
import re
from _csv import Reader
from dataclasses import dataclass

from pydantic import ValidationError

from bots.directory.payloads import EntryForm
from chat.errors import Invalid

REQUIRED = ("name", "category", "description", "address", "hours", "phone")
OPTIONAL = ("keywords",)
KEYWORD_SEPARATORS = re.compile(r"[\s,，、;；|]+")
PROBLEMS = {"string_too_short": "is empty / 不能为空",
            "string_too_long": "is too long / 过长",
            "too_long": "has too many items / 过多"}


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str


@dataclass(frozen=True)
class Rows:
    forms: list[tuple[int, EntryForm]]
    rejected: list[Rejection]


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(f"the file is not UTF-8 (byte {exc.start}) / 文件不是UTF-8编码") from exc


def parse_csv(text: str) -> Rows:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        columns = _columns(next(reader, []))
        return _rows(reader, columns)
    except csv.Error as exc:
        raise Invalid(f"line {reader.line_num}: broken CSV ({exc}) / 第{reader.line_num}行"
                      "CSV格式错误") from exc


def _columns(header: list[str]) -> list[str]:
    columns = [c.strip().lower() for c in header]
    missing = [c for c in REQUIRED if c not in columns]
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if missing or unknown or len(set(columns)) != len(columns):
        raise Invalid(f"the header must name the columns {','.join(REQUIRED)}[,keywords] "
                      f"(missing: {','.join(missing) or '-'}; unknown: {','.join(unknown) or '-'})"
                      f" / 表头须为 {','.join(REQUIRED)}[,keywords]")
    return columns


def _rows(reader: Reader, columns: list[str]) -> Rows:
    forms: list[tuple[int, EntryForm]] = []
    rejected: list[Rejection] = []
    first_line: dict[str, int] = {}
    line = reader.line_num + 1
    for cells in reader:
        start, line = line, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            rejected.append(Rejection(start, f"expected {len(columns)} fields, got {len(cells)}"
                                             f" / 应有{len(columns)}列，实际{len(cells)}列"))
            continue
        try:
            form = _form(dict(zip(columns, cells, strict=True)))
        except ValidationError as exc:
            rejected.append(Rejection(start, _reason(exc)))
            continue
        if form.name in first_line:
            rejected.append(Rejection(start, f"same name as line {first_line[form.name]} / "
                                             f"与第{first_line[form.name]}行重名"))
            continue
        first_line[form.name] = start
        forms.append((start, form))
    return Rows(forms, rejected)


def _form(row: dict[str, str]) -> EntryForm:
    keywords = [k for k in KEYWORD_SEPARATORS.split(row.pop("keywords", "")) if k]
    return EntryForm.model_validate({**row, "keywords": keywords})


def _reason(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False, include_input=False):
        field = ".".join(str(p) for p in error["loc"])
        message = PROBLEMS.get(error["type"], error["msg"].removeprefix("Value error, "))
        parts.append(f"{field}: {message}")
    return "; ".join(parts)
