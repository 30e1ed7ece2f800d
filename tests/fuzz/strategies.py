"""Hypothesis strategies for hostile JSON: wrong types, deep nesting, huge numbers, long strings,
NUL bytes, lone surrogates, mixed scripts and unknown fields — and, mixed in, values shaped
like a payload model's fields (real ids from the world's pools) so that requests get past
validation and reach the actions."""

from __future__ import annotations

import types
import typing
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st
from pydantic import BaseModel

NASTY_STRINGS = (
    "", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "\ud83d", "\u202eabc", "\u200b", "\ufeff",
    "𠜎𠜱𡃁", "Ωμέγα中文العربيةहिन्दी😀👍🏽", "Z̤͔ͧ̑̓ä͖̭̈", "\r\n", "\t", "　", "null", "true", "0", "-1",
    "1e999", "NaN", "' OR 1=1 --", "\"; DROP TABLE users; --", "../../etc/passwd", "%00",
    "{{7*7}}", "${jndi:ldap://x}", "<script>alert(1)</script>", "grid:", "community:",
    "grid:grid:", "bot:notices", "__proto__", "constructor", "2026-02-30T25:61:00Z",
    "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00Z", "2026-12-08T10:00:00",
)
HUGE_INTS = (2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**100, -(10**30))

any_char = st.characters(exclude_categories=())  # surrogates (Cs) included
texts = st.one_of(
    st.sampled_from(NASTY_STRINGS),
    st.text(any_char, max_size=40),
    st.text(max_size=20),
    st.builds(lambda ch, n: ch * n, st.sampled_from(["x", "中", "😀", "\x00", "\ud800"]),
              st.sampled_from([201, 2001, 5000, 70_000])),
)
numbers = st.one_of(
    st.integers(), st.sampled_from(HUGE_INTS),
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-3, 3),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
keys = st.one_of(st.sampled_from(["id", "room_id", "text", "__proto__", "", "\x00", "\ud800"]),
                 st.text(any_char, max_size=10))
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12)


def nested(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


deep_values = st.builds(nested, st.integers(20, 400), scalars)


def iso(moment: datetime) -> str:
    return moment.isoformat()


datetimes = st.one_of(
    st.datetimes(timezones=st.just(UTC)).map(iso),
    st.datetimes(min_value=datetime(2026, 12, 1), max_value=datetime(2027, 6, 1),
                 timezones=st.just(UTC)).map(iso),
    st.datetimes().map(iso),  # naive
)


def _pooled(name: str, pools: dict[str, list[str]]) -> st.SearchStrategy[str] | None:
    """Real ids for a field or path parameter named like one of the world's pools."""
    aliases = {"reply_to": "message_id", "into": "ticket_id", "assignee_id": "user_id",
               "parent_id": "unit_id", "option_ids": "option_id", "rooms": "room_id",
               "room_ids": "room_id", "grid_ids": "grid_id", "join_code": "code",
               "cursors": "room_id"}
    pool = pools.get(aliases.get(name, name)) or pools.get(name.rstrip("s"))
    return st.sampled_from(pool) if pool else None


def for_annotation(annotation: Any, name: str, pools: dict[str, list[str]]
                   ) -> st.SearchStrategy[Any]:
    """Values of the annotation's type (ids from the pools for id-like fields)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return for_annotation(args[0], name, pools)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([for_annotation(a, name, pools) for a in args])
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin in (list, tuple):
        return st.lists(for_annotation(args[0], name, pools), max_size=4)
    if origin is dict:
        return st.dictionaries(for_annotation(args[0], name, pools),
                               for_annotation(args[1], name, pools), max_size=4)
    if annotation is type(None):
        return st.none()
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return st.one_of(st.integers(0, 30), numbers)
    if annotation is float:
        return st.one_of(st.floats(0.1, 100), numbers)
    if annotation is datetime:
        return datetimes
    if annotation is str:
        pooled = _pooled(name, pools)
        return st.one_of(pooled, texts) if pooled is not None else texts
    return json_values


def shaped(model: type[BaseModel], pools: dict[str, list[str]]) -> st.SearchStrategy[Any]:
    """Dicts with the model's fields, each value of its type or hostile, fields sometimes
    missing, sometimes an unknown one added."""
    fields = {}
    for name, info in model.model_fields.items():
        fields[info.alias or name] = st.one_of(
            for_annotation(info.annotation, name, pools), for_annotation(info.annotation, name,
                                                                         pools), json_values)
    required = st.fixed_dictionaries({}, optional=fields)
    extra = st.dictionaries(keys, json_values, max_size=2)
    return st.one_of(
        st.fixed_dictionaries(fields),
        required,
        st.builds(lambda a, b: b | a, st.fixed_dictionaries(fields), extra),
    )


def payloads(model: type[BaseModel] | None, pools: dict[str, list[str]]
             ) -> st.SearchStrategy[Any]:
    """Any hostile JSON value, or one shaped like the model."""
    hostile = st.one_of(json_values, deep_values)
    if model is None:
        return hostile
    return st.one_of(shaped(model, pools), shaped(model, pools), hostile)


def path_values(name: str, pools: dict[str, list[str]]) -> st.SearchStrategy[str]:
    pooled = _pooled(name, pools)
    hostile = texts.filter(bool)
    return hostile if pooled is None else st.one_of(pooled, pooled, hostile)
