"""Every HTTP request gets a request id: the client's `X-Request-ID` when it is short and
plain, else a new one. It is echoed in the response header and carried into every log line
the request causes (chat.log_context); the answer is counted by method and status class."""

from __future__ import annotations

from aiohttp import web

from chat import log_context
from chat.metrics import HTTP_REQUESTS
from web.http import Handler

HEADER = "X-Request-ID"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@web.middleware
async def request_ids(request: web.Request, handler: Handler) -> web.StreamResponse:
    request_id = log_context.sane_request_id(request.headers.get(HEADER))
    method = request.method if request.method in METHODS else "OTHER"
    user = log_context.user_id.set(None)  # web.http.current sets it once it is known
    with log_context.bound(request=request_id):
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            exc.headers[HEADER] = request_id
            HTTP_REQUESTS.labels(method, f"{exc.status // 100}xx").inc()
            raise
        finally:
            log_context.user_id.reset(user)
    if not response.prepared:
        response.headers[HEADER] = request_id
    HTTP_REQUESTS.labels(method, f"{response.status // 100}xx").inc()
    return response
