"""The answer when a request fails before or while it is handled: the portal's error page, or a
GraphQL-shaped JSON body for the API paths; both carry the request id the log line has.

It needs no database, session or CSRF token, so it renders while PostgreSQL or Redis is down."""

from __future__ import annotations

from starlette.responses import HTMLResponse, JSONResponse, Response

from domain.stores import as_busy
from portal.templating import templates

API_PREFIXES = ("/graphql", "/api/")


def failure_response(path: str, error: BaseException, request_id: str) -> Response:
    busy = as_busy(error)
    unavailable = busy is not None
    status = 503 if unavailable else 500
    headers = {"Retry-After": "1"} if unavailable else {}
    if path.startswith(API_PREFIXES):
        code = busy.code if busy else "INTERNAL_SERVER_ERROR"
        message = busy.message if busy else "Unexpected error."
        extensions: dict[str, object] = {"code": code, "requestId": request_id}
        if unavailable:
            extensions["retryable"] = True
        body = {"data": None, "errors": [{"message": message, "extensions": extensions}]}
        return JSONResponse(body, status_code=status, headers=headers)
    page = templates.env.get_template("errors/failure.html").render(
        busy=unavailable, request_id=request_id
    )
    return HTMLResponse(page, status_code=status, headers=headers)
