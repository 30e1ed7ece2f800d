"""The API documents the app serves: `/api/v1/openapi.json` is valid OpenAPI 3.1, names every
route of the app and says nothing about where it runs; the replies of a representative
session match it (tests/support/openapi_check.py checks every in-process test's replies the
same way); `/api/v1/asyncapi.json` has every event of the catalogue with the payload schema
a real payload validates against. Every reply of a JSON route has its schema described."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from chat.wire_events import CATALOGUE
from tests.support.inproc import InProcessServer
from tests.support.openapi_check import ResponseCheck
from tests.support.server import connect, http
from tests.support.server import ok as api
from web.api_docs.asyncapi import message_id
from web.api_docs.openapi import NOT_JSON, documented_routes
from web.api_docs.replies import REPLIES


async def public_document(server: InProcessServer, path: str) -> dict[str, Any]:
    status, doc = await http("GET", server.url + path)  # no token: the documents are public
    assert status == 200, doc
    text = json.dumps(doc, ensure_ascii=False)
    for detail in (str(server.data_dir), "127.0.0.1", str(server.port), "redis://",
                   "mongodb://", server.settings.secret_key.get_secret_value()):
        assert detail not in text, f"{path} reveals {detail!r}"
    return doc  # type: ignore[no-any-return]


async def test_the_openapi_document_is_valid_and_names_every_route(
        server: InProcessServer) -> None:
    doc = await public_document(server, "/api/v1/openapi.json")
    validate(doc)  # OpenAPI 3.1 (openapi-spec-validator)
    assert doc["openapi"] == "3.1.0"
    app = server.app
    routes = {(m, p) for m, p, _ in documented_routes(app)}
    assert len(routes) == sum(1 for r in app.router.routes() if r.method not in ("HEAD", "*"))
    missing = sorted(f"{m} {p}" for m, p in routes if m.lower() not in doc["paths"].get(p, {}))
    assert not missing, f"routes of the app not in openapi.json: {missing}"
    assert ("POST", "/api/v1/tickets/{ticket_id}/accept") in routes  # the router was read
    accept = doc["paths"]["/api/v1/tickets/{ticket_id}/accept"]["post"]
    assert accept["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "AcceptTicket")  # found in the handler's closure, as the route parses it
    listed = [p["name"] for p in doc["paths"]["/api/v1/tickets"]["get"]["parameters"]]
    assert {"status", "grid_id", "overdue", "limit"} <= set(listed)  # the query model's fields
    assert doc["paths"]["/api/v1/me"]["get"]["security"] == [{"session": []}]
    assert doc["paths"]["/api/v1/bot/messages"]["post"]["security"] == [{"bot": []}]


async def session(server: InProcessServer) -> None:
    """A resident, a party member and a worker through the main routes."""
    zhang_c, zhang = await connect(server, "张伟")
    zhao_c, zhao = await connect(server, "赵敏")
    li_c, li = await connect(server, "李娜")
    try:
        room = f"grid:{zhang['grid_ids'][0]}"
        sent = await zhang_c.ok("message:send", {"room_id": room, "text": "3栋电梯又坏了",
                                                 "client_id": "oa-1"})
        for path in ("/api/v1/me", "/api/v1/me/rooms", f"/api/v1/rooms/{room}/messages",
                     f"/api/v1/rooms/{room}/members", "/api/v1/tickets/mine",
                     f"/api/v1/rooms/{room}/notices", f"/api/v1/rooms/{room}/polls",
                     "/api/v1/units", "/healthz", "/readyz", "/open311/v2/services.json"):
            await api(server, "GET", path, zhang["token"])
        filed = await api(server, "POST", "/api/v1/tickets", zhang["token"],
                          {"message_id": sent["id"]}, status=201)
        tid = filed["ticket"]["id"]
        await api(server, "GET", "/api/v1/tickets?status=submitted", li["token"])
        await api(server, "GET", f"/api/v1/tickets/{tid}", li["token"])
        await api(server, "POST", f"/api/v1/tickets/{tid}/accept", li["token"],
                  {"category": "电梯设施", "urgency": "urgent"})
        await api(server, "POST", f"/api/v1/tickets/{tid}/assign", li["token"],
                  {"assignee_id": li["id"]})
        await api(server, "POST", f"/api/v1/tickets/{tid}/resolve", li["token"],
                  {"note": "已修好"})
        notice = await api(server, "POST", f"/api/v1/rooms/{room}/notices", zhao["token"],
                           {"title": "停水", "body": "明天停水", "requires_ack": True},
                           status=201)
        nid = notice["notice"]["id"]
        await api(server, "POST", f"/api/v1/notices/{nid}/ack", zhang["token"])
        await api(server, "GET", f"/api/v1/notices/{nid}", zhang["token"])
        deadline = (server.clock.now() + timedelta(hours=2)).isoformat()
        poll = await api(server, "POST", f"/api/v1/rooms/{room}/polls", zhao["token"],
                         {"question": "装充电桩吗？", "options": ["装", "不装"],
                          "deadline": deadline}, status=201)
        pid = poll["poll"]["id"]
        await api(server, "POST", f"/api/v1/polls/{pid}/votes", zhang["token"],
                  {"option_ids": ["o1"]})
        await api(server, "POST", f"/api/v1/polls/{pid}/close", li["token"])
        await api(server, "POST", f"/api/v1/messages/{sent['id']}/flag", zhao["token"],
                  {"reason": "测试举报"}, status=201)
        await api(server, "GET", "/api/v1/moderation/flags", li["token"])
        await api(server, "POST", f"/api/v1/rooms/{room}/mutes", li["token"],
                  {"user_id": zhao["id"], "until": deadline})
        status, _ = await http("GET", server.url + "/api/v1/tickets", zhang["token"])
        assert status == 403  # an error reply is checked too
        status, _ = await http("POST", server.url + "/api/v1/tickets", zhang["token"],
                               {"nonsense": 1})
        assert status == 400
    finally:
        for client in (zhang_c, zhao_c, li_c):
            await client.close()


async def test_the_replies_of_a_session_match_their_schemas(server: InProcessServer) -> None:
    await session(server)
    check = server.responses
    assert check is not None
    assert not check.problems, check.problems
    statuses = {(m, p, s) for m, p, s in check.checked}
    assert ("POST", "/api/v1/tickets/{ticket_id}/resolve", 200) in statuses
    assert ("GET", "/api/v1/tickets", 403) in statuses and ("POST", "/api/v1/tickets", 400) \
        in statuses
    assert len(statuses) >= 25, sorted(statuses)


def build_document(tmp_path: Path) -> dict[str, Any]:
    from config.settings import load_settings
    from web.api_docs import openapi
    from web.app import create_app

    return openapi.build(create_app(load_settings(None, data_dir=tmp_path, secret_key="k" * 48)))


def undescribed(doc: dict[str, Any]) -> list[str]:
    """Operations of a JSON route with no success reply, or one whose schema is not a model
    of components/schemas that names its keys (or, for an array, its items)."""
    schemas = doc["components"]["schemas"]
    found = []
    for path, operations in doc["paths"].items():
        if path in NOT_JSON:
            continue
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            successes = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
            if not successes and REPLIES.get((method.upper(), path)) != {}:
                found.append(f"{where}: no success reply")
            for status, reply in successes.items():
                schema = reply.get("content", {}).get("application/json", {}).get("schema", {})
                name = schema.get("$ref", "").rsplit("/", 1)[-1]
                model = schemas.get(name, {})
                if not ("properties" in model or "$ref" in model.get("items", {})):
                    found.append(f"{where} → {status}: {schema or 'no JSON schema'}")
    return found


def test_every_json_reply_has_its_schema_described(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = build_document(tmp_path)
    assert not undescribed(doc), undescribed(doc)
    assert "not described" not in json.dumps(doc)
    statuses = doc["paths"]["/open311/v2/requests.json"]["get"]["responses"]["200"]
    array = doc["components"]["schemas"][statuses["content"]["application/json"]["schema"][
        "$ref"].rsplit("/", 1)[-1]]
    assert array["type"] == "array"  # Open311 answers with arrays, as its specification has it
    unknown = doc["paths"]["/open311/v2/{anything}"]["get"]["responses"]
    assert "404" in unknown and not [s for s in unknown if s.startswith("2")]  # errors only
    monkeypatch.delitem(REPLIES, ("GET", "/api/v1/stats/tickets"))
    assert undescribed(build_document(tmp_path / "again")) == [
        "GET /api/v1/stats/tickets: no success reply"]


def test_a_reply_that_breaks_its_schema_is_caught(tmp_path: Path) -> None:
    """The check can fail: a ticket reply without its ticket, an undocumented status."""
    from config.settings import load_settings
    from web.app import create_app

    app = create_app(load_settings(None, data_dir=tmp_path, secret_key="k" * 48))
    check = ResponseCheck()
    check.check(app, "GET", "/api/v1/tickets/{ticket_id}", web.json_response({"tiket": {}}))
    check.check(app, "GET", "/api/v1/me", web.json_response({"user": {"id": 1}}))
    check.check(app, "GET", "/api/v1/me", web.json_response({}, status=418))
    assert len(check.problems) >= 3, check.problems
    with pytest.raises(AssertionError):
        check.assert_valid()


async def test_the_asyncapi_document_is_the_catalogue(server: InProcessServer) -> None:
    doc = await public_document(server, "/api/v1/asyncapi.json")
    assert doc["asyncapi"] == "3.0.0"
    messages = doc["components"]["messages"]
    assert {m["name"] for m in messages.values()} == set(CATALOGUE)
    for name in CATALOGUE:
        ref = doc["channels"]["socket"]["messages"][message_id(name)]["$ref"]
        assert ref == f"#/components/messages/{message_id(name)}"
        operation = doc["operations"][f"send_{message_id(name)}"]
        assert operation["action"] == "send"
    payload = {"room_id": "grid:g1", "message_id": "m1", "seq": 3, "deleted_by": "u1",
               "reason": None}
    schema = messages["message_deleted"]["payload"] | {"components": doc["components"]}
    assert not list(Draft202012Validator(schema).iter_errors(payload))
    assert list(Draft202012Validator(schema).iter_errors(payload | {"seq": "3"}))
