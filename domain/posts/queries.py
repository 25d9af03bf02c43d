"""Post reads shared by GraphQL and the portal. Each page reads two SQL statements whatever its
size: the rows joined to author and group with their counters and the viewer's "liked" and
"in the group" flags, then the cover images of the whole page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pypika_tortoise.context import SqlContext
from pypika_tortoise.terms import ValueWrapper
from pypika_tortoise.utils import format_alias_sql
from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.queryset import QuerySet

from domain.clock import SHANGHAI
from domain.columns import column
from domain.groups.policies import in_groups_hosted_by
from domain.identity.models import Member, Role
from domain.media.models import Image
from domain.posts.models import (
    AuditLogEntry,
    Comment,
    Post,
    PostImage,
    PostKind,
    PostStatus,
    RecipeDetails,
    RecipeIngredient,
    RecipeStep,
    ShareDraft,
)
from domain.posts.policies import may_read
from domain.posts.visibility import Visible

FeedKey = tuple[bool, datetime, int]  # (featured, published_at, id): the feed's sort key
_JOINED = ("author", "group", "group__host")
# The viewer's flags, as columns of the page's own statement ({post}: the post's table or alias,
# {viewer}: a bound parameter). The compiled GraphQL path reads the same EXISTS columns.
VIEWER_LIKED = (
    'EXISTS (SELECT 1 FROM "post_like" pl WHERE pl."post_id" = {post}."id" '
    'AND pl."member_id" = {viewer})'
)
_VIEWER_JOINED = (
    'EXISTS (SELECT 1 FROM "group_membership" gm '
    'WHERE gm."group_id" = {post}."group_id" AND gm."member_id" = {viewer})'
)
# Whether the viewer hosts the post's group (``GroupHost``): what a host's moderation rights follow.
_VIEWER_HOSTS = (
    'EXISTS (SELECT 1 FROM "group_host" gh '
    'WHERE gh."group_id" = {post}."group_id" AND gh."member_id" = {viewer})'
)


class _ViewerFlag(RawSQL):
    """``sql`` with the viewer's id as a bound parameter, not as text: the statement's text is
    the same for every viewer, so the driver's prepared statement and the database's plan are
    reused instead of parsed and planned again for each viewer."""

    def __init__(self, sql: str, viewer_id: int) -> None:
        super().__init__(sql)
        self.viewer_id = int(viewer_id)

    def get_sql(self, ctx: SqlContext) -> str:
        sql = self.sql.format(post='"post"', viewer=ValueWrapper(self.viewer_id).get_sql(ctx))
        if ctx.with_alias:
            return format_alias_sql(sql=sql, alias=self.alias, ctx=ctx)
        return sql


@dataclass
class PostCard:
    """A post as lists show it: the row with author and group, and what the page read beside it."""

    post: Post
    cover: Image | None
    viewer_has_liked: bool
    viewer_in_group: bool
    id: int = field(init=False)

    def __post_init__(self) -> None:
        self.id = self.post.id

    @property
    def feed_key(self) -> FeedKey | None:
        published_at = self.post.published_at
        return None if published_at is None else (self.post.featured, published_at, self.post.id)


@dataclass(frozen=True)
class Recipe:
    details: RecipeDetails
    ingredients: list[RecipeIngredient]
    steps: list[RecipeStep]


@dataclass(frozen=True)
class PostDetail:
    card: PostCard
    images: list[Image]
    recipe: Recipe | None = None


async def _images_by_post(post_ids: list[int], first_only: bool) -> dict[int, list[Image]]:
    if not post_ids:
        return {}
    rows = (
        await PostImage.filter(post_id__in=post_ids)
        .order_by("post_id", "position")
        .select_related("image")
    )
    found: dict[int, list[Image]] = {}
    for row in rows:
        images = found.setdefault(row.post_id, [])
        if not (first_only and images):
            images.append(row.image)
    return found


def visible_to(query: QuerySet[Post], viewer_id: int | None) -> QuerySet[Post]:
    """``query`` narrowed to the posts ``viewer_id`` may read by their group (domain/posts/
    visibility.py): a condition of the same statement, no statement more."""
    return query.annotate(visible=Visible(viewer_id)).filter(visible=True)


def _joined(query: QuerySet[Post], viewer_id: int | None) -> QuerySet[Post]:
    """``query`` joined to author, group and host, with the viewer's flags as correlated
    EXISTS columns of the same statement."""
    query = query.select_related(*_JOINED)
    if viewer_id is None:
        return query
    return query.annotate(
        viewer_liked=_ViewerFlag(VIEWER_LIKED, viewer_id),
        viewer_joined=_ViewerFlag(_VIEWER_JOINED, viewer_id),
        viewer_hosts=_ViewerFlag(_VIEWER_HOSTS, viewer_id),
    )


async def cards_of(
    posts: list[Post], images: dict[int, list[Image]] | None = None
) -> list[PostCard]:
    """Cards for rows read by ``_joined``: one more statement for the covers of the whole list
    (none when the caller read the posts' ``images`` already)."""
    ids = [p.id for p in posts]
    covers = images if images is not None else await _images_by_post(ids, first_only=True)
    return [
        PostCard(
            post=p,
            cover=next(iter(covers.get(p.id, [])), None),
            viewer_has_liked=bool(getattr(p, "viewer_liked", False)),
            viewer_in_group=bool(getattr(p, "viewer_joined", False)),
        )
        for p in posts
    ]


def _after_key(key: FeedKey) -> Q:
    """Rows after ``key`` in (featured DESC, published_at DESC, id DESC) order."""
    featured, published_at, post_id = key
    # The redundant ``published_at <=`` bound lets PostgreSQL start the index scan at the cursor
    # (an OR alone is a filter: a deep page would read every row above it).
    after = Q(featured=featured, published_at__lte=published_at) & (
        Q(published_at__lt=published_at) | Q(published_at=published_at, id__lt=post_id)
    )
    return after | Q(featured=False) if featured else after


async def feed_page(
    viewer_id: int | None,
    group_id: int | None,
    kind: PostKind | None,
    after: FeedKey | None,
    first: int,
) -> list[PostCard]:
    """Published posts, featured first then newest; ``first + 1`` cards (the extra says more)."""
    query = visible_to(Post.filter(status=PostStatus.PUBLISHED), viewer_id)
    if group_id is not None:
        query = query.filter(group_id=group_id)
    if kind is not None:
        query = query.filter(kind=kind)
    if after is not None:
        query = query.filter(_after_key(after))
    rows = (
        await _joined(query, viewer_id)
        .order_by("-featured", "-published_at", "-id")
        .limit(first + 1)
    )
    return await cards_of(list(rows))


async def post_cards_by_id(viewer_id: int | None, post_ids: list[int]) -> dict[int, PostCard]:
    """Cards by id, whatever their status: callers decide who may see which."""
    rows = await _joined(Post.filter(id__in=post_ids), viewer_id)
    return {card.id: card for card in await cards_of(list(rows))}


async def readable_post_cards(viewer: Member | None, post_ids: list[int]) -> dict[int, PostCard]:
    """Cards of the posts ``viewer`` may read (``may_read``, the rule of ``post(id:)``). The
    others are left out exactly as ids that do not exist: what a mutation answers with, or a
    campaign entry shows, never tells more than ``post(id:)`` would."""
    rows = await _joined(Post.filter(id__in=post_ids), viewer.id if viewer else None)
    return {card.id: card for card in await cards_of([p for p in rows if may_read(viewer, p)])}


async def find_readable_post(viewer: Member | None, post_id: int) -> Post | None:
    """The post when ``viewer`` may read it, else None whether or not it exists."""
    query = Post.filter(id=post_id).select_related("group")
    if viewer is not None:
        query = query.annotate(
            viewer_hosts=_ViewerFlag(_VIEWER_HOSTS, viewer.id),
            viewer_joined=_ViewerFlag(_VIEWER_JOINED, viewer.id),
        )
    post = await query.first()
    return post if post is not None and may_read(viewer, post) else None


async def post_detail(viewer: Member | None, post_id: int) -> PostDetail | None:
    """A post with its images and recipe, or None when it is not there for ``viewer``."""
    post = await _joined(Post.filter(id=post_id), viewer.id if viewer else None).first()
    if post is None or not may_read(viewer, post):
        return None
    images = await _images_by_post([post.id], first_only=False)
    (card,) = await cards_of([post], images)
    return PostDetail(card=card, images=images.get(post.id, []), recipe=await recipe_of(post))


async def recipe_of(post: Post) -> Recipe | None:
    if post.kind != PostKind.RECIPE:
        return None
    details = await RecipeDetails.get_or_none(post_id=post.id)
    if details is None:
        return None
    ingredients = await RecipeIngredient.filter(post_id=post.id).order_by("position")
    steps = await RecipeStep.filter(post_id=post.id).order_by("position")
    return Recipe(details=details, ingredients=list(ingredients), steps=list(steps))


async def images_by_post(post_ids: list[int]) -> dict[int, list[Image]]:
    """Each post's images in order: one statement for any number of posts."""
    return await _images_by_post(post_ids, first_only=False)


async def recipes_by_post(post_ids: list[int]) -> dict[int, Recipe]:
    """The recipe part of each post that has one: three statements for any number of posts
    (none when no post has details)."""
    details = {d.post_id: d for d in await RecipeDetails.filter(post_id__in=post_ids)}
    if not details:
        return {}
    ingredients: dict[int, list[RecipeIngredient]] = {}
    for row in await RecipeIngredient.filter(post_id__in=list(details)).order_by("position"):
        ingredients.setdefault(row.post_id, []).append(row)
    steps: dict[int, list[RecipeStep]] = {}
    for step in await RecipeStep.filter(post_id__in=list(details)).order_by("position"):
        steps.setdefault(step.post_id, []).append(step)
    return {
        post_id: Recipe(d, ingredients.get(post_id, []), steps.get(post_id, []))
        for post_id, d in details.items()
    }


async def comments_page(post_id: int, after_id: int | None, first: int) -> list[Comment]:
    """Visible comments with their authors, oldest first; ``first + 1`` rows."""
    query = Comment.filter(post_id=post_id, hidden=False)
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    return list(await query.order_by("id").limit(first + 1).select_related("author"))


async def my_posts_page(author_id: int, after_id: int | None, first: int) -> list[PostCard]:
    """The author's posts in every status, newest first; ``first + 1`` cards."""
    query = Post.filter(author_id=author_id)
    if after_id is not None:
        query = query.filter(id__lt=after_id)
    rows = await _joined(query, author_id).order_by("-id").limit(first + 1)
    return await cards_of(list(rows))


def moderated_by(actor: Member) -> Q:
    if actor.has_role(Role.MODERATOR) or actor.has_role(Role.ADMIN):
        return Q()
    if actor.has_role(Role.HOST):
        return in_groups_hosted_by(actor.id)
    return Q(id__lt=0)  # nothing: residents moderate no group


def waiting_for_a_decision() -> Q:
    """What the moderation queue holds: pending posts, and posts hidden by reports."""
    return Q(status=PostStatus.PENDING) | Q(status=PostStatus.HIDDEN, report_count__gt=0)


async def waiting_in_group(group_id: int) -> int:
    """How many posts of one group wait in the queue."""
    return await Post.filter(waiting_for_a_decision(), group_id=group_id).count()


async def moderation_queue_page(
    actor: Member, group_id: int | None, after_id: int | None, first: int
) -> list[PostCard]:
    """Posts waiting for a decision (pending, or hidden by reports) in the groups ``actor`` may
    moderate, oldest first; ``first + 1`` cards."""
    query = Post.filter(waiting_for_a_decision(), moderated_by(actor))
    if group_id is not None:
        query = query.filter(group_id=group_id)
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    rows = await _joined(query, actor.id).order_by("id").limit(first + 1)
    return await cards_of(list(rows))


# The kinds moderators and hosts read: moderation decisions on posts and campaign entries,
# reports hiding a post, estate change decisions. Every other kind (the back office: estates,
# groups, roles, members, rewards, events, rules, brand, tags, ...) is for admins only, and so
# is any kind added later unless it is named here.
MODERATION_KINDS = (
    "APPROVE",
    "REJECT",
    "HIDE",
    "RESTORE",
    "FEATURE",
    "UNFEATURE",
    "AUTO_HIDE",
    "ESTATE_APPROVED",
    "ESTATE_DECLINED",
    "ESTATE_SET",
    "COMMENT_APPROVE",
    "COMMENT_REJECT",
)


@dataclass(frozen=True)
class AuditFilters:
    """What the audit page narrows to; ``None`` is no filter. Dates are Shanghai calendar days,
    both included."""

    actor_id: int | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None


def _audit_visible_to(actor: Member) -> Q:
    """The audit entries ``actor`` may read: admins every entry; moderators the moderation
    entries; a host those about the posts of the groups they host (an AUTO_HIDE entry names the
    last reporter, which is nobody else's business); anyone else none."""
    if actor.has_role(Role.ADMIN):
        return Q()
    if actor.has_role(Role.MODERATOR):
        return Q(action__in=MODERATION_KINDS)
    if actor.has_role(Role.HOST):
        hosted = Post.filter(in_groups_hosted_by(actor.id)).values("id")
        return Q(action__in=MODERATION_KINDS, target_type="POST", target_id__in=Subquery(hosted))
    return Q(id__lt=0)


_FIRST_DAY, _LAST_DAY = date(1970, 1, 1), date(8999, 12, 31)
ACTION_MAX = 40  # AuditLogEntry.action's length


def _shanghai_midnight(day: date, *, days_after: int = 0) -> datetime:
    """The day's start in Shanghai, in UTC as stored (SQLite compares the stored text); days
    outside 1970–8999 are clamped (no overflow)."""
    clamped = min(max(day, _FIRST_DAY), _LAST_DAY) + timedelta(days=days_after)
    return datetime.combine(clamped, time(0), tzinfo=SHANGHAI).astimezone(UTC)


def _audit_filtered(filters: AuditFilters) -> Q:
    found = Q()
    if filters.actor_id is not None:
        found &= Q(actor_id=filters.actor_id)
    if filters.action is not None:
        # A kind longer than the column holds matches nothing (and must not reach the query).
        found &= Q(action=filters.action) if len(filters.action) <= ACTION_MAX else Q(id__lt=0)
    if filters.since is not None:
        found &= Q(created_at__gte=_shanghai_midnight(filters.since))
    if filters.until is not None:
        found &= Q(created_at__lt=_shanghai_midnight(filters.until, days_after=1))
    return found


async def audit_log_page(
    actor: Member, after_id: int | None, first: int, filters: AuditFilters | None = None
) -> list[AuditLogEntry]:
    """The entries ``actor`` may read with their actors, newest first, narrowed by ``filters``;
    ``first + 1`` rows in one statement."""
    narrowed = _audit_filtered(filters or AuditFilters())
    query = AuditLogEntry.filter(_audit_visible_to(actor), narrowed)
    if after_id is not None:
        query = query.filter(id__lt=after_id)
    return list(await query.order_by("-id").limit(first + 1).select_related("actor"))


@dataclass(frozen=True)
class AuditChoices:
    """What the audit page's filters offer: the actors and the kinds of the entries the viewer
    may read."""

    actors: list[Member]
    actions: list[str]


async def audit_filter_choices(actor: Member) -> AuditChoices:
    """Two statements whatever the log's size (the indexes on actor and kind serve them)."""
    visible = AuditLogEntry.filter(_audit_visible_to(actor))
    actors = await Member.filter(id__in=Subquery(visible.distinct().values("actor_id")))
    actions = await column(visible.distinct(), "action")
    return AuditChoices(
        actors=sorted(actors, key=lambda m: (m.display_name, m.id)),
        actions=sorted(str(a) for a in actions),
    )


async def visible_comments(viewer_id: int | None, comment_ids: list[int]) -> list[Comment]:
    """Comments by id that the viewer may read: not hidden, on a published post the viewer may
    read (a private group's: its members)."""
    posts = visible_to(Post.filter(status=PostStatus.PUBLISHED), viewer_id).values("id")
    return list(
        await Comment.filter(
            id__in=comment_ids, hidden=False, post_id__in=Subquery(posts)
        ).select_related("author")
    )


async def audit_entries(viewer: Member | None, entry_ids: list[int]) -> list[AuditLogEntry]:
    """Entries by id, leaving out those ``viewer`` may not read as if they did not exist."""
    if viewer is None:
        return []
    query = AuditLogEntry.filter(_audit_visible_to(viewer), id__in=entry_ids)
    return list(await query.select_related("actor"))


async def find_share_draft(member_id: int) -> dict[str, Any] | None:
    """What the member last typed into the share form and has not submitted, if anything."""
    draft = await ShareDraft.get_or_none(member_id=member_id)
    return dict(draft.content) if draft is not None and isinstance(draft.content, dict) else None
