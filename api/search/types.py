"""Search results: each post found, with its title and an excerpt marked where the words were
found; the neighbours and groups whose names hold the query."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.groups.types import InterestGroup
from api.honours.types import PublicMember
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


@strawberry.type(description="A neighbour a name search found.")
class PersonHit:
    member: PublicMember = strawberry.field(
        description="What anyone may see of the member (never the phone)."
    )
    name_html: str = strawberry.field(
        description="The name, HTML-escaped, each fragment found wrapped in `<mark>`."
    )


@strawberry.type(description="A group a name search found.")
class GroupHit:
    group: InterestGroup = strawberry.field(description="The group.")
    name_html: str = strawberry.field(
        description="The name, HTML-escaped, each fragment found wrapped in `<mark>`."
    )


@strawberry.type(description="Neighbours and groups whose names hold a query, closest first.")
class NameSearch:
    people: list[PersonHit] = strawberry.field(
        description="Members of the viewer's own estate (none when signed out or of no estate)."
    )
    groups: list[GroupHit] = strawberry.field(
        description="Groups the viewer can see: not archived, open to every estate or of the "
        "viewer's."
    )
