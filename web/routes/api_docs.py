"""The API's own documents, public like the web client: OpenAPI 3.1 of the REST routes and
AsyncAPI 3.0 of the Socket.IO events, both generated from the running app's code."""

from __future__ import annotations

from aiohttp import web

from web.api_docs import asyncapi, openapi
from web.http import reply

routes = web.RouteTableDef()


@routes.get("/api/v1/openapi.json")
async def openapi_document(request: web.Request) -> web.Response:
    """This document: every REST route with its body, parameters and replies."""
    return reply(openapi.build(request.app))


@routes.get("/api/v1/asyncapi.json")
async def asyncapi_document(request: web.Request) -> web.Response:
    """The server-to-client Socket.IO events and their payloads."""
    return reply(asyncapi.build())
