"""Search root fields: the posts holding a query's words, the neighbours and groups whose names
hold it, and the week's hot searches."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.errors import ClientError
from api.fields import field
from api.groups.types import InterestGroup
from api.honours.types import PublicMember
from api.pagination import check_first, decode_cursor, encode_cursor, filter_id
from api.posts.types import Post, PostKind
from api.search.types import (
    GroupHit,
    NameSearch,
    PersonHit,
    SearchHit,
    SearchHitConnection,
    SearchHitEdge,
)
from domain.errors import InvalidInputError
from domain.groups.queries import group_ids_joined
from domain.honours.queries import public_profiles
from domain.posts import models
from domain.search import names, queries
from domain.search.backends import SearchKey
from domain.search.hot import hot_searches

SEARCH_PAGE_MAX = 20


def search_key(after: str | None) -> SearchKey | None:
    """The (score, published_at, id) inside a search cursor; anything else is the client's bug."""
    key = decode_cursor(after, 3)
    if key is None:
        return None
    score, published_at, post_id = key
    try:
        for number in (score, post_id):
            if not isinstance(number, int) or isinstance(number, bool):
                raise ValueError(key)
        if not isinstance(published_at, str):
            raise ValueError(key)
        when = datetime.fromisoformat(published_at)
        if when.tzinfo is None:
            raise ValueError(published_at)
    except ValueError as error:
        raise ClientError("分页游标无效") from error
    assert isinstance(score, int) and isinstance(post_id, int)
    return score, when, post_id


def _edge(hit: queries.SearchHit) -> SearchHitEdge:
    score, published_at, post_id = hit.key
    return SearchHitEdge(
        cursor=encode_cursor(score, published_at.isoformat(), post_id),
        node=SearchHit(
            post=Post.from_card(hit.card),
            title_html=hit.title_html,
            snippet_html=hit.snippet_html,
        ),
    )


@strawberry.type
class SearchQuery:
    @field(
        description="Published posts the viewer may read that hold every word of `query` (1–40 "
        "characters; Chinese is cut into words), title matches and featured posts first, then "
        "newest; `first` is 1–20. Filter by `kind` and `groupId`. An empty or too long query is "
        "a top-level BAD_USER_INPUT error. Open to everyone."
    )
    async def search(
        self,
        info: Info[Context, Any],
        query: str,
        kind: PostKind | None = None,
        group_id: strawberry.ID | None = None,
        first: int = 10,
        after: str | None = None,
    ) -> SearchHitConnection:
        check_first(first, SEARCH_PAGE_MAX)
        key = search_key(after)
        group = filter_id(group_id, "InterestGroup")
        try:
            hits = await queries.search_posts(
                info.context.collaborators,
                info.context.member,
                query,
                models.PostKind(kind.name) if kind else None,
                group,
                key,
                first,
            )
        except InvalidInputError as error:
            raise ClientError(error.field_errors[0].message) from error
        edges = [_edge(hit) for hit in hits[:first]]
        return SearchHitConnection(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=len(hits) > first,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @field(
        description="Neighbours (members of the viewer's own estate) and groups the viewer can "
        "see whose names hold every fragment of `query` (1–40 characters; `%` and `_` are "
        "plain characters; two or more Latin letters also match a name's pinyin initials: "
        "`ljxw` finds 邻居小王), closest first, `first` (1–5) of each. Never a phone number. "
        "An empty or too long query is a top-level BAD_USER_INPUT error. Open to everyone (the "
        "signed-out find groups only)."
    )
    async def search_names(
        self, info: Info[Context, Any], query: str, first: int = names.NAMES_MAX
    ) -> NameSearch:
        check_first(first, names.NAMES_MAX)
        viewer = info.context.member
        try:
            found = await names.search_names(viewer, query, first)
        except InvalidInputError as error:
            raise ClientError(error.field_errors[0].message) from error
        profiles = await public_profiles([person.member_id for person in found.members])
        people = [
            PersonHit(
                member=PublicMember(profile=profiles[person.member_id]), name_html=person.name_html
            )
            for person in found.members
            if person.member_id in profiles
        ]
        group_ids = [hit.group.id for hit in found.groups]
        joined = await group_ids_joined(viewer.id, group_ids) if viewer else set()
        groups = [
            GroupHit(
                group=InterestGroup.from_model(hit.group, hit.group.id in joined),
                name_html=hit.name_html,
            )
            for hit in found.groups
        ]
        return NameSearch(people=people, groups=groups)

    @field(description="This week's ten most searched queries, most first. Open to everyone.")
    async def hot_searches(self, info: Info[Context, Any]) -> list[str]:
        return await hot_searches(info.context.collaborators)
