"""What a REST handler reads, found in its own source so the document cannot drift from it:
the body model (`body(request, M)` / `room_body(request, M)`, web/http.py), the query
parameters (`query_int(request, "name", default, lo, hi)`, `request.query.get("name")`, a query
model's `M.model_validate(dict(request.query))`) and how the caller is authenticated
(`current` / `staff`: a session token; `bot`: a bot token). Helpers of the handler's own module
that it calls are read too, one level deep (the tickets' filters, say)."""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

Auth = Literal["session", "bot", "none"]
BODY_READERS = frozenset({"body", "room_body"})
SESSION_READERS = frozenset({"current", "staff"})


@dataclass(frozen=True)
class QueryParam:
    name: str
    schema: dict[str, Any]


@dataclass
class HandlerReads:
    body: type[BaseModel] | None = None
    query: list[QueryParam] = field(default_factory=list)
    auth: Auth = "none"


def _names(handler: Callable[..., Any]) -> dict[str, Any]:
    """The names the handler's code may refer to: its module's globals and its closure."""
    found = dict(getattr(handler, "__globals__", {}))
    closure = inspect.getclosurevars(handler).nonlocals if inspect.isfunction(handler) else {}
    return found | dict(closure)


def _tree(fn: Callable[..., Any]) -> ast.AST | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return None


def _called_name(call: ast.Call) -> str | None:
    return call.func.id if isinstance(call.func, ast.Name) else None


def _constant(node: ast.AST) -> Any:
    return node.value if isinstance(node, ast.Constant) else None


def _is_request_query(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "query"


def _int_param(call: ast.Call) -> QueryParam | None:
    args = [_constant(a) for a in call.args[1:5]]
    if len(args) < 4 or not isinstance(args[0], str):
        return None
    schema: dict[str, Any] = {"type": "integer", "minimum": args[2], "maximum": args[3]}
    if args[1] is not None:
        schema["default"] = args[1]
    return QueryParam(args[0], {k: v for k, v in schema.items() if v is not None})


def _string_param(call: ast.Call) -> QueryParam | None:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "get" and _is_request_query(func.value):
        name = _constant(call.args[0]) if call.args else None
        if isinstance(name, str):
            return QueryParam(name, {"type": "string"})
    return None


def _query_model_params(call: ast.Call, names: dict[str, Any]) -> list[QueryParam]:
    """`M.model_validate(dict(request.query))`: each field of M, by its alias."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "model_validate"
            and isinstance(func.value, ast.Name) and call.args):
        return []
    arg = call.args[0]
    if not (isinstance(arg, ast.Call) and arg.args and _is_request_query(arg.args[0])):
        return []
    model = names.get(func.value.id)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return []
    schema = model.model_json_schema()
    return [QueryParam(name, {"type": "string"} | (
        {"description": prop["description"]} if "description" in prop else {}))
        for name, prop in schema.get("properties", {}).items()]


def _calls(fn: Callable[..., Any]) -> Iterator[ast.Call]:
    tree = _tree(fn)
    if tree is not None:
        yield from (node for node in ast.walk(tree) if isinstance(node, ast.Call))


def _local_helpers(handler: Callable[..., Any], names: dict[str, Any]) -> list[Callable[..., Any]]:
    module = getattr(handler, "__module__", None)
    helpers: list[Callable[..., Any]] = []
    for call in _calls(handler):
        target = names.get(_called_name(call) or "")
        if inspect.isfunction(target) and target.__module__ == module and target is not handler:
            helpers.append(target)
    return helpers


def reads(handler: Callable[..., Any]) -> HandlerReads:
    names = _names(handler)
    found = HandlerReads()
    seen: set[str] = set()
    for fn in (handler, *_local_helpers(handler, names)):
        for call in _calls(fn):
            name = _called_name(call)
            if name in BODY_READERS and len(call.args) == 2 and isinstance(call.args[1], ast.Name):
                model = _names(fn).get(call.args[1].id)
                if isinstance(model, type) and issubclass(model, BaseModel):
                    found.body = model
            elif name in SESSION_READERS and found.auth == "none":
                found.auth = "session"
            elif name == "bot":
                found.auth = "bot"
            params = [_int_param(call)] if name == "query_int" else [_string_param(call)]
            params += _query_model_params(call, _names(fn))
            for param in params:
                if param is not None and param.name not in seen:
                    seen.add(param.name)
                    found.query.append(param)
    return found
