"""Search results: each post found, with its title and an excerpt marked where the words were
found."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.posts.types import Post


@strawberry.type(description="A post a search found.")
class SearchHit:
    post: Post = strawberry.field(description="The post, as the feed shows it.")
    title_html: str = strawberry.field(
        description="The title, HTML-escaped, each word found wrapped in `<mark>`."
    )
    snippet_html: str = strawberry.field(
        description="Up to 80 characters of the text around the first word found, HTML-escaped, "
        "each word found wrapped in `<mark>`."
    )


@strawberry.type(description="An edge of a search's results.")
class SearchHitEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the results after this one.")
    node: SearchHit = strawberry.field(description="The post found.")


@strawberry.type(description="A page of search results: best first, then newest.")
class SearchHitConnection:
    edges: list[SearchHitEdge] = strawberry.field(description="The results of this page.")
    page_info: relay.PageInfo = strawberry.field(description="Whether more results follow.")
