"""The documented replies of the public read-only routes: Open311 GeoReport v2 (arrays, as its
specification has them; moderation.open311) and the API's own two documents, described by the
top-level keys their specifications require."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, RootModel

from chat.wire_events import IsoTime, Shape


class ServiceDefinition(Shape):
    service_code: str
    service_name: str
    description: str
    metadata: Literal[False]
    type: Literal["realtime"]
    keywords: str
    group: str


class Open311Services(RootModel[list[ServiceDefinition]]):
    """The services (one per ticket category)."""


class ServiceRequest(Shape):
    """A public ticket: nothing naming a person."""

    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str
    service_name: str
    service_code: str
    description: str
    agency_responsible: str
    service_notice: str
    requested_datetime: IsoTime
    updated_datetime: IsoTime
    expected_datetime: IsoTime | None
    address: str | None
    media_url: None


class Open311Requests(RootModel[list[ServiceRequest]]):
    """The service requests asked for."""


class OpenAPIDocument(Shape):
    """An OpenAPI 3.1 document (this one)."""

    model_config = ConfigDict(extra="allow")
    openapi: Literal["3.1.0"]
    info: dict[str, Any]
    paths: dict[str, dict[str, Any]]
    components: dict[str, Any]


class AsyncAPIDocument(Shape):
    """An AsyncAPI 3.0 document of the Socket.IO events."""

    model_config = ConfigDict(extra="allow")
    asyncapi: Literal["3.0.0"]
    info: dict[str, Any]
    channels: dict[str, Any]
    operations: dict[str, Any]
    components: dict[str, Any]
