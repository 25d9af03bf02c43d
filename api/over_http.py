"""GraphQL over HTTP, the spec's content negotiation and status codes.

A client that accepts ``application/graphql-response+json`` gets it, and with it the status a
request error deserves: a request that never reached execution (it did not parse or validate, its
variables did not coerce, it was refused before running) is a 4xx or 5xx without a ``data`` entry.
Any other client gets ``application/json`` and a 200 for every GraphQL answer, as the mini-program
has always read them; an execution that ran is a 200 on both, field errors or not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graphql import GraphQLError

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"

# Request errors that are not the client's document: the status says so, so a client or a
# gateway knows to wait (429), retry later (503) or report (500) rather than fix its request.
_STATUS_BY_CODE = {
    "RATE_LIMITED": 429,
    "SERVICE_BUSY": 503,
    "INTERNAL_SERVER_ERROR": 500,
}


def _media_ranges(accept: str) -> Iterable[tuple[str, float]]:
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            yield media.lower(), quality


def negotiate(accept: str | None) -> str:
    """The media type of the answer: ``application/graphql-response+json`` when the client names
    it at least as gladly as ``application/json``; ``application/json`` otherwise (no Accept,
    wildcards only, or a client that prefers it)."""
    if not accept:
        return JSON
    best: dict[str, float] = {}
    for media, quality in _media_ranges(accept):
        if media in (GRAPHQL_RESPONSE_JSON, JSON):
            best[media] = max(best.get(media, 0.0), quality)
    graphql_q = best.get(GRAPHQL_RESPONSE_JSON, 0.0)
    if graphql_q > 0 and graphql_q >= best.get(JSON, 0.0):
        return GRAPHQL_RESPONSE_JSON
    return JSON


def is_request_error(data: object, errors: list[GraphQLError] | None) -> bool:
    """No data and only errors without a path: the request never reached a resolver (field
    errors always carry the path of their field, even when they null the whole answer)."""
    return data is None and bool(errors) and all(e.path is None for e in errors or ())


def request_error_status(errors: Iterable[Mapping[str, object]]) -> int:
    """400 for the client's request, or the status of the first error that is not its fault."""
    for error in errors:
        extensions = error.get("extensions")
        code = extensions.get("code") if isinstance(extensions, Mapping) else None
        if isinstance(code, str) and code in _STATUS_BY_CODE:
            return _STATUS_BY_CODE[code]
    return 400
