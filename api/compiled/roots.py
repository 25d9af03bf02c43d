"""The root fields the compiled path serves, each reading what its resolver reads: the arguments
checked by the resolver's own helpers (any refusal falls through, so the general path answers
with its error), then the page's statement keyset-paged as ``domain/posts/queries.py`` writes it,
then the statements of the selected children."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from api.compiled.boards import LeaderboardRoot
from api.compiled.campaigns import CampaignById
from api.compiled.connections import connection
from api.compiled.pages import EVENTS, REWARDS, PageRoot
from api.compiled.shape import Builder, Getter, Page, Selected, TableScope
from api.compiled.sql import Fallthrough, Params, Run, Statement
from api.compiled.values import SignedIn
from api.errors import ClientError
from api.pagination import check_first, filter_id
from api.posts.queries import feed_cursor, feed_key
from domain.posts.models import Post, PostStatus
from domain.posts.visibility import visible_sql
from web.ids import pk_of

Fetch = Callable[[Run], Awaitable[Any]]


class Root(Protocol):
    def compile(self, builder: Builder, field: Selected) -> tuple[Fetch, Getter]: ...


def _published_at(value: Any) -> Any:
    return Post._meta.fields_map["published_at"].to_db_value(value, Post)


@dataclass(frozen=True)
class Feed:
    """``feed(first, after, groupId, kind)``: ``queries.feed_page`` and ``feed_connection``."""

    def compile(self, builder: Builder, field: Selected) -> tuple[Fetch, Getter]:
        statement = Statement(Post)
        featured, published_at, ident = (
            statement.column("t0", Post, name) for name in ("featured", "published_at", "id")
        )

        def cursor(row: dict[str, Any]) -> str:
            return feed_cursor(row[featured], row[published_at], row[ident])

        shape = connection(builder, field, TableScope(statement, "t0", Post), cursor)
        arguments = field.arguments()
        status, group, kind, f, p, i = (
            statement.where("t0", Post, name)
            for name in ("status", "group_id", "kind", "featured", "published_at", "id")
        )

        async def fetch(run: Run) -> Page:
            values = arguments(run)
            try:
                first = check_first(values["first"])
                key = feed_key(values["after"])
                group_id = filter_id(values["groupId"], "InterestGroup")
            except ClientError as error:
                raise Fallthrough(str(error)) from error
            params, viewer = _started(statement, run)
            # The status and the page's size written into the text (a constant, and a checked
            # int): with either bound, PostgreSQL's generic plan looks dearer than a custom one
            # and it plans the statement afresh on every execution (~0.35 ms, twice running it).
            where = [f"{status} = '{PostStatus.PUBLISHED.value}'"]
            where.append(visible_sql("t0", viewer))
            if group_id is not None:
                where.append(f"{group} = {params.add(group_id)}")
            if values["kind"] is not None:
                where.append(f"{kind} = {params.add(values['kind'].value)}")
            if key is not None:
                where.append(_after(params, key, f, p, i))
            tail = (
                f"WHERE {' AND '.join(where)} ORDER BY {f} DESC, {p} DESC, {i} DESC "
                f"LIMIT {int(first) + 1}"
            )
            rows = await statement.read(run, tail, params, viewer)
            return Page(rows[:first], len(rows) > first, values["after"] is not None)

        return fetch, shape


def _started(statement: Statement, run: Run) -> tuple[Params, str | None]:
    """``statement.start`` with the viewer's id bound whether or not a flag reads it: the posts'
    visibility rule (domain/posts/visibility.py) reads it too."""
    params, viewer = statement.start(run)
    if viewer is None and run.viewer_id is not None:
        viewer = params.add(run.viewer_id)
    return params, viewer


def _after(params: Params, key: tuple[bool, Any, int], f: str, p: str, i: str) -> str:
    """``queries._after_key``: rows after the cursor in (featured, published_at, id) DESC order,
    bounded below by the cursor's time so the index scan starts there."""
    featured, when, post_id = key
    at = params.add(_published_at(when))
    after = (
        f"({f} = {params.add(featured)} AND {p} <= {at} AND "
        f"({p} < {at} OR ({p} = {at} AND {i} < {params.add(post_id)})))"
    )
    return f"({after} OR {f} = {params.add(False)})" if featured else after


@dataclass(frozen=True)
class PostById:
    """``post(id)`` for a published post; any other (not there, or readable only by its author
    and moderators under ``may_read``) falls through to the resolver and its policy."""

    def compile(self, builder: Builder, field: Selected) -> tuple[Fetch, Getter]:
        statement = Statement(Post)
        shape = builder.object(field.object_type(), field.nodes, TableScope(statement, "t0", Post))
        arguments = field.arguments()

        async def fetch(run: Run) -> dict[str, Any]:
            post_id = pk_of(arguments(run)["id"], "Post")
            if post_id is None:
                raise Fallthrough("not a post's id")
            return await published_post(statement, run, post_id)

        return fetch, shape


async def published_post(statement: Statement, run: Run, post_id: int) -> dict[str, Any]:
    """The row of ``statement`` (over ``post`` as t0) for a published post the viewer may read
    (``visible_sql``), else a Fallthrough: what ``post(id:)`` and the likes' payloads read."""
    ident, status = statement.where("t0", Post, "id"), statement.where("t0", Post, "status")
    params, viewer = _started(statement, run)
    tail = (
        f"WHERE {ident} = {params.add(post_id)} "
        f"AND {status} = {params.add(PostStatus.PUBLISHED.value)} "
        f"AND {visible_sql('t0', viewer)}"
    )
    rows = await statement.read(run, tail, params, viewer)
    if not rows:
        raise Fallthrough("not a published post")
    found: dict[str, Any] = rows[0]
    return found


ROOTS: dict[str, Root] = {
    "feed": Feed(),
    "post": PostById(),
    "viewer": SignedIn(),
    "leaderboard": LeaderboardRoot(),
    "rewards": PageRoot(REWARDS),
    "events": PageRoot(EVENTS),
    "campaign": CampaignById(),
}
