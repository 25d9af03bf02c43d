"""Which published posts a viewer may read, as SQL every reader of posts shares: the feed, the
post page and ``post(id:)`` on both GraphQL paths (api/compiled reads the same text), search,
profiles, likes and comments. A post of a private group (``InterestGroup.private``) is for the
group's members only; every other post is for everyone.

``{post}`` is the post's table or alias, ``{viewer}`` the viewer's id (a bound parameter)."""

from __future__ import annotations

from pypika_tortoise.context import SqlContext
from pypika_tortoise.terms import ValueWrapper
from pypika_tortoise.utils import format_alias_sql
from tortoise.expressions import RawSQL

# Not a post of a private group, or the viewer is a member of that group.
VISIBLE_TO_VIEWER = (
    'NOT EXISTS (SELECT 1 FROM "interest_group" vg WHERE vg."id" = {post}."group_id" '
    'AND vg."private" AND NOT EXISTS (SELECT 1 FROM "group_membership" vm '
    'WHERE vm."group_id" = vg."id" AND vm."member_id" = {viewer}))'
)
# Nobody signed in: not a post of a private group.
VISIBLE_TO_ANYONE = (
    'NOT EXISTS (SELECT 1 FROM "interest_group" vg WHERE vg."id" = {post}."group_id" '
    'AND vg."private")'
)


def visible_sql(post: str, viewer: str | None) -> str:
    """The rule for the post ``post`` (alias) and the viewer ``viewer`` (a bound parameter's
    placeholder, None when nobody is signed in)."""
    if viewer is None:
        return VISIBLE_TO_ANYONE.format(post=post)
    return VISIBLE_TO_VIEWER.format(post=post, viewer=viewer)


class Visible(RawSQL):
    """The rule as a condition of an ORM query over ``post`` (the viewer's id bound)."""

    def __init__(self, viewer_id: int | None) -> None:
        super().__init__("")
        self.viewer_id = None if viewer_id is None else int(viewer_id)

    def get_sql(self, ctx: SqlContext) -> str:
        viewer = None if self.viewer_id is None else ValueWrapper(self.viewer_id).get_sql(ctx)
        sql = visible_sql('"post"', viewer)
        if ctx.with_alias:
            return format_alias_sql(sql=sql, alias=self.alias, ctx=ctx)
        return sql
