"""Machine-readable API documents generated from the code: OpenAPI 3.1 for REST
(`/api/v1/openapi.json`) and AsyncAPI 3.0 for the Socket.IO events (`/api/v1/asyncapi.json`)."""
