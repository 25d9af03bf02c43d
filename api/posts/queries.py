"""UGC root fields: the feed, one post, the viewer's posts, and the staff's queue and audit log."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.errors import ClientError
from api.fields import field
from api.identity.types import Member
from api.pagination import (
    after_id,
    check_first,
    connection_of,
    decode_cursor,
    encode_cursor,
    filter_id,
)
from api.permissions import require_role
from api.posts.types import (
    AuditLogChoices,
    AuditLogEntry,
    AuditLogEntryConnection,
    Post,
    PostConnection,
    PostKind,
)
from domain.posts import models, policies, queries
from web.ids import pk_of


def feed_key(after: str | None) -> queries.FeedKey | None:
    """The (featured, published_at, id) inside a feed cursor; anything else is the client's bug."""
    key = decode_cursor(after, 3)
    if key is None:
        return None
    featured, published_at, post_id = key
    try:
        if not isinstance(featured, bool) or not isinstance(published_at, str):
            raise ValueError(key)
        if not isinstance(post_id, int) or isinstance(post_id, bool):
            raise ValueError(key)
        when = datetime.fromisoformat(published_at)
        if when.tzinfo is None:
            raise ValueError(published_at)
    except ValueError as error:
        raise ClientError("分页游标无效") from error
    return featured, when, post_id


def feed_cursor(featured: bool, published_at: datetime | None, post_id: int) -> str:
    """A feed row's cursor: its (featured, published_at, id) sort key."""
    if published_at is None:  # not in the feed: a cursor that sorts with the oldest
        featured, published_at = False, datetime.min
    return _spelled(featured, published_at, published_at.utcoffset(), post_id)


@lru_cache(maxsize=16384, typed=True)
def _spelled(featured: bool, published_at: datetime, offset: timedelta | None, post_id: int) -> str:
    """Kept for the posts most in view (every reader of a page gets the same twenty). The
    offset is part of the key: equal instants in two zones are spelled apart."""
    return encode_cursor(featured, published_at.isoformat(), post_id)


def _feed_cursor(card: queries.PostCard) -> str:
    post = card.post
    return feed_cursor(post.featured, post.published_at, post.id)


def feed_connection(cards: list[queries.PostCard], first: int, after: str | None) -> PostConnection:
    page = cards[:first]
    edges = [relay.Edge(cursor=_feed_cursor(card), node=Post.from_card(card)) for card in page]
    return PostConnection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=len(cards) > first,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


async def my_posts(author_id: int, first: int, after: str | None) -> PostConnection:
    """`Viewer.posts`: the viewer's posts in every status, newest first."""
    check_first(first)
    cards = await queries.my_posts_page(author_id, after_id(after), first)
    return connection_of(PostConnection, cards, first, after, Post.from_card)


@strawberry.type
class PostsQuery:
    @field(
        description="Published posts, featured first, then newest; `first` is 1–50. Filter by "
        "`groupId` (`InterestGroup.id`) and `kind`. Open to everyone."
    )
    async def feed(
        self,
        info: Info[Context, Any],
        first: int,
        after: str | None = None,
        group_id: strawberry.ID | None = None,
        kind: PostKind | None = None,
    ) -> PostConnection:
        check_first(first)
        key = feed_key(after)
        group = filter_id(group_id, "InterestGroup")
        viewer = info.context.member
        cards = await queries.feed_page(
            viewer.id if viewer else None,
            group,
            models.PostKind(kind.name) if kind else None,
            key,
            first,
        )
        return feed_connection(cards, first, after)

    @field(
        description="One post: published ones for everyone, others only for their author and "
        "staff who may moderate them; null otherwise (and for an ID of another type)."
    )
    async def post(self, info: Info[Context, Any], id: strawberry.ID) -> Post | None:
        post_id = pk_of(id, "Post")
        if post_id is None:
            return None
        detail = await queries.post_detail(info.context.member, post_id)
        return Post.from_card(detail.card, detail) if detail else None

    @field(
        description="Staff: posts waiting for a decision (pending, or hidden by reports), oldest "
        "first, in the groups the viewer moderates (hosts: their own groups); `first` is 1–50."
    )
    async def moderation_queue(
        self,
        info: Info[Context, Any],
        first: int,
        after: str | None = None,
        group_id: strawberry.ID | None = None,
    ) -> PostConnection:
        actor = require_role(info, *policies.STAFF_ROLES)
        check_first(first)
        group = filter_id(group_id, "InterestGroup")
        cards = await queries.moderation_queue_page(actor, group, after_id(after), first)
        return connection_of(PostConnection, cards, first, after, Post.from_card)

    @field(
        description="Staff: audited actions, newest first. Admins read every entry, back-office "
        "changes included; moderators the moderation entries; hosts those about the posts of "
        "their own groups. `first` is 1–50; the optional filters narrow by actor, kind and "
        "Shanghai calendar days (both included)."
    )
    async def audit_log(
        self,
        info: Info[Context, Any],
        first: int,
        after: str | None = None,
        actor_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this `Member`'s actions.")
        ] = None,
        action: Annotated[
            str | None, strawberry.argument(description="Only this kind, e.g. `TAG_MERGED`.")
        ] = None,
        since: Annotated[
            date | None, strawberry.argument(description="From this Shanghai day on.")
        ] = None,
        until: Annotated[
            date | None, strawberry.argument(description="Up to and including this Shanghai day.")
        ] = None,
    ) -> AuditLogEntryConnection:
        actor = require_role(info, *policies.STAFF_ROLES)
        check_first(first)
        filters = queries.AuditFilters(
            actor_id=filter_id(actor_id, "Member"),
            action=action,
            since=since,
            until=until,
        )
        rows = await queries.audit_log_page(actor, after_id(after), first, filters)
        return connection_of(AuditLogEntryConnection, rows, first, after, AuditLogEntry.from_model)

    @field(
        description="Staff: what the audit log's filters can offer the viewer: the actors and "
        "the kinds of the entries they may read."
    )
    async def audit_log_choices(self, info: Info[Context, Any]) -> AuditLogChoices:
        actor = require_role(info, *policies.STAFF_ROLES)
        choices = await queries.audit_filter_choices(actor)
        return AuditLogChoices(
            actors=[Member.from_model(m) for m in choices.actors], actions=choices.actions
        )
