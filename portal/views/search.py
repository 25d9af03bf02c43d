"""Search: the results page with its filters, the header's results as you type, and the week's
hot searches when nothing is asked; above the posts, the neighbours and groups whose names hold
the query. The same search as GraphQL's."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import InvalidInputError
from domain.identity.models import Member
from domain.search.hot import hot_searches
from domain.search.names import FoundNames, search_names
from domain.search.queries import SearchHit, search_posts, searchable_groups
from portal.auth import collaborators
from portal.forms import search as forms
from portal.forms.posts import after_id, kind_of
from portal.outcomes import logged_in, page

PAGE_SIZE = 10
SUGGESTIONS = 5
NAMES = 5  # neighbours, and groups, above the results
SUGGESTED_NAMES = 3  # of each, in the header's dropdown


async def _hits(
    request: Request, viewer: Member | None, first: int, *, counted: bool = True
) -> tuple[list[SearchHit], str | None]:
    """The hits of the URL's query and filters, or an error message for a bad query."""
    params = request.query_params
    query = params.get("q", "").strip()
    if not query:
        return [], None
    try:
        hits = await search_posts(
            collaborators(request),
            viewer,
            query,
            kind_of(params.get("kind")),
            after_id(params.get("group")),
            forms.search_key(params.get("after")),
            first,
            counted=counted,
        )
    except InvalidInputError as error:
        return [], error.field_errors[0].message
    return hits, None


async def _names(request: Request, viewer: Member | None, first: int) -> FoundNames | None:
    """The names holding the URL's query (nothing on a later page or for a bad query)."""
    query = request.query_params.get("q", "").strip()
    if not query or request.query_params.get("after"):
        return None
    try:
        found = await search_names(viewer, query, first)
    except InvalidInputError:
        return None
    return found if found.members or found.groups else None


def _next_url(request: Request, hits: list[SearchHit]) -> str | None:
    if len(hits) <= PAGE_SIZE:
        return None
    params = {k: v for k, v in request.query_params.items() if k != "after" and v}
    params["after"] = forms.search_cursor(hits[PAGE_SIZE - 1].key)
    return f"{request.url_for('search').path}?{urlencode(params)}"


async def search_page(request: Request) -> Response:
    viewer = await logged_in(request)
    hits, error = await _hits(request, viewer, PAGE_SIZE)
    names = await _names(request, viewer, NAMES)
    params = request.query_params
    context: dict[str, Any] = {
        "q": params.get("q", "").strip(),
        "hits": hits[:PAGE_SIZE],
        "names": names,
        "error": error if names is None else None,  # a query of names only, e.g. "100%"
        "next_url": _next_url(request, hits),
        "kind": kind_of(params.get("kind")),
        "group_id": after_id(params.get("group")),
        "groups": await searchable_groups(viewer),
        "hot": await hot_searches(collaborators(request)) if not hits else [],
    }
    block = "results" if params.get("after") else None
    return page(request, "search/search.html", context, block=block, status_code=200)


async def suggest(request: Request) -> Response:
    """The header's results as you type: a few titles, or nothing for a bad query."""
    viewer = await logged_in(request)
    hits, _ = await _hits(request, viewer, SUGGESTIONS, counted=False)
    context = {
        "hits": hits[:SUGGESTIONS],
        "names": await _names(request, viewer, SUGGESTED_NAMES),
        "q": request.query_params.get("q", "").strip(),
    }
    return page(request, "search/_suggest.html", context)
