"""UGC actions: submit a post (queued until the author is trusted), moderate, like, comment,
report. Counters move in the same transaction as the rows they count."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from domain.aftercommit import atomic, single_statement
from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import FieldError, InvalidInputError, NotFoundError, PermissionDeniedError
from domain.facts import announce
from domain.groups.errors import GroupArchivedError
from domain.groups.models import InterestGroup
from domain.groups.policies import may_moderate_group
from domain.honours.queries import trust_level_of
from domain.honours.rules import POSTING_FREELY_FROM, REPORT_WEIGHT
from domain.identity.models import Member
from domain.identity.suspensions import refuse_if_suspended
from domain.media.models import Image
from domain.points.services import award_points
from domain.posts import queries, rendering, text
from domain.posts.errors import AlreadyReportedError, InvalidTransitionError
from domain.posts.facts import (
    CommentAdded,
    PostLiked,
    PostModerated,
    PostPublished,
    PostQueued,
)
from domain.posts.limits import count_contribution
from domain.posts.models import (
    AuditLogEntry,
    Comment,
    Post,
    PostImage,
    PostKind,
    PostLike,
    PostStatus,
    RecipeDetails,
    RecipeIngredient,
    RecipeStep,
    Report,
    ReportReason,
)
from domain.posts.policies import STAFF_ROLES
from domain.posts.queries import visible_to
from domain.posts.recipes import RecipeDraft, recipe_field_errors
from domain.posts.visibility import visible_sql
from domain.products.services import save_post_products, taggable_products
from domain.programme.queries import current_programme_rules
from domain.safety.services import remember_rejected_images, screen
from domain.search.index import index_after_commit
from domain.webhooks.models import EventKind
from domain.webhooks.outbox import enqueue
from domain.written import db_value, mark, rows

MAX_IMAGES = 9


@dataclass(frozen=True)
class PostDraft:
    kind: PostKind
    title: str
    body: str
    group_id: int | None = None
    image_ids: list[int] = field(default_factory=list)
    recipe: RecipeDraft | None = None
    product_skus: list[str] = field(default_factory=list)  # the products it is tagged with


async def _draft_errors(author: Member, draft: PostDraft) -> list[FieldError]:
    errors = [
        FieldError(name, message)
        for name, message in (
            ("title", text.title_error(draft.title)),
            ("body", text.body_error(draft.body)),
        )
        if message
    ]
    if draft.kind == PostKind.RECIPE:
        errors += recipe_field_errors(draft.recipe)
    if len(set(draft.image_ids)) != len(draft.image_ids):
        errors.append(FieldError("imageIds", "同一张图片不能重复添加"))
    elif len(draft.image_ids) > MAX_IMAGES:
        errors.append(FieldError("imageIds", f"最多 {MAX_IMAGES} 张图片"))
    elif draft.image_ids:
        owned = await Image.filter(id__in=draft.image_ids, owner_id=author.id).count()
        if owned != len(set(draft.image_ids)):
            errors.append(FieldError("imageIds", "图片不存在"))
    if draft.group_id is not None:
        archived = await column(InterestGroup.filter(id=draft.group_id), "archived_at")
        if not archived:
            errors.append(FieldError("groupId", "小组不存在"))
        elif archived[0] is not None and not errors:
            raise GroupArchivedError()  # a well-formed post, for a group that takes no more
    return errors


async def submit_post(c: Collaborators, author: Member, draft: PostDraft) -> Post:
    """An author of trust level 2 (3 published posts, none hidden on reports) publishes at once;
    others wait in the queue."""
    refuse_if_suspended(author, c.clock.now())
    draft = PostDraft(
        draft.kind,
        text.clean_title(draft.title),
        text.clean_text(draft.body),
        draft.group_id,
        list(draft.image_ids),
        draft.recipe,
        list(draft.product_skus),
    )
    errors = await _draft_errors(author, draft)
    if errors:
        raise InvalidInputError(errors)
    tagged = await taggable_products(draft.product_skus)
    screened = await screen(c, draft.title, draft.body, image_ids=draft.image_ids)
    level = await trust_level_of(author, c.clock.now())
    await count_contribution(c, author, level)
    trusted = screened.flag is None and level >= POSTING_FREELY_FROM
    now = c.clock.now()
    async with atomic():
        post = await Post.create(
            author=author,
            group_id=draft.group_id,
            kind=draft.kind,
            title=screened.texts[0],
            body=screened.texts[1],
            body_html=rendering.render_markdown(screened.texts[1]),
            excerpt=rendering.excerpt(screened.texts[1]),
            created_at=now,
            safety_flag=screened.flag,
            status=PostStatus.PUBLISHED if trusted else PostStatus.PENDING,
            published_at=now if trusted else None,
        )
        await _save_parts(post, draft)
        await save_post_products(post.id, tagged)
        index_after_commit(c, post.id)  # search
        if trusted:
            await _award_publication(c, post)
            announce(c, PostPublished(post_id=post.id, author_id=author.id))
        else:
            announce(c, PostQueued(post_id=post.id, author_id=author.id, group_id=draft.group_id))
    return post


async def _save_parts(post: Post, draft: PostDraft) -> None:
    await PostImage.bulk_create(
        [PostImage(post=post, image_id=i, position=n) for n, i in enumerate(draft.image_ids)]
    )
    recipe = draft.recipe
    if draft.kind != PostKind.RECIPE or recipe is None:
        return
    await RecipeDetails.create(post=post, servings=recipe.servings, minutes=recipe.minutes)
    await RecipeIngredient.bulk_create(
        [
            RecipeIngredient(post=post, position=n, name=name.strip(), amount=amount.strip())
            for n, (name, amount) in enumerate(recipe.ingredients)
        ]
    )
    await RecipeStep.bulk_create(
        [
            RecipeStep(post=post, position=n, text=step.strip())
            for n, step in enumerate(recipe.steps)
        ]
    )


async def _award_publication(c: Collaborators, post: Post) -> None:
    rule = "recipe_published" if post.kind == PostKind.RECIPE else "post_published"
    await award_points(c, post.author_id, rule, f"post:{post.id}")


# Moderation: (from statuses, to status, featured) per action; None leaves the value as it is.
_TRANSITIONS: dict[str, tuple[set[PostStatus], PostStatus | None, bool | None]] = {
    "APPROVE": ({PostStatus.PENDING}, PostStatus.PUBLISHED, None),
    "REJECT": ({PostStatus.PENDING}, PostStatus.REJECTED, None),
    "HIDE": ({PostStatus.PUBLISHED}, PostStatus.HIDDEN, None),
    "RESTORE": ({PostStatus.HIDDEN}, PostStatus.PUBLISHED, None),
    "FEATURE": ({PostStatus.PUBLISHED}, None, True),
    "UNFEATURE": ({PostStatus.PUBLISHED}, None, False),
}


async def moderate_post(
    c: Collaborators, actor: Member, post_id: int, action: str, reason: str | None = None
) -> Post:
    """Idempotent: a double click finds the post already moved and changes nothing more."""
    if not any(actor.has_role(role) for role in STAFF_ROLES):
        raise PermissionDeniedError()
    post = await Post.get_or_none(id=post_id).select_related("group")
    if post is None or not await may_moderate_group(actor, post.group):
        raise NotFoundError()  # another group's post looks like no post at all
    sources, target, featured = _TRANSITIONS[action]
    note = text.clean_text(reason or "")[:200] or None
    if action == "REJECT" and not note:
        raise InvalidInputError.single("reason", "请写明不通过的原因，作者会看到")
    changes = _moderation_changes(c, post, action, note)
    async with atomic():
        query = Post.filter(id=post_id, status__in=list(sources))
        if featured is not None:
            query = query.filter(featured=not featured)
        moved = await query.update(**changes)
        if not moved:
            await post.refresh_from_db()
            if _already_there(post, target, featured):
                return post
            raise InvalidTransitionError()
        await AuditLogEntry.create(
            actor=actor,
            action=action,
            target_type="POST",
            target_id=post_id,
            reason=note,
            created_at=c.clock.now(),
        )
        await post.refresh_from_db()
        if action == "APPROVE":
            await _award_publication(c, post)
        if action == "REJECT":
            await remember_rejected_images(c, post_id)
        if action == "FEATURE":
            await award_points(c, post.author_id, "post_featured", f"post:{post.id}")
            featured_post = {"post_id": post.id, "author_id": post.author_id}
            await enqueue(EventKind.POST_FEATURED, featured_post, c.clock.now())
        announce(c, PostModerated(post_id=post_id, actor_id=actor.id, action=action, note=note))
    return post


def _moderation_changes(
    c: Collaborators, post: Post, action: str, note: str | None
) -> dict[str, object]:
    """The post's columns a moderation action sets."""
    _, target, featured = _TRANSITIONS[action]
    changes: dict[str, object] = {}
    if target is not None:
        changes["status"] = target
    if featured is not None:
        changes["featured"] = featured
    if note:
        changes["moderation_note"] = note
    if action == "RESTORE":
        changes["report_count"] = 0  # a moderator decided: earlier reports no longer count
    if action in ("APPROVE", "RESTORE") and post.published_at is None:
        changes["published_at"] = c.clock.now()
    return changes


def _already_there(post: Post, target: PostStatus | None, featured: bool | None) -> bool:
    return (target is None or post.status == target) and (
        featured is None or post.featured == featured
    )


async def _published(post_id: int, member_id: int) -> Post:
    """A published post the member may read (a private group's: its members)."""
    post = await visible_to(Post.filter(id=post_id, status=PostStatus.PUBLISHED), member_id).first()
    if post is None:
        raise NotFoundError()
    return post


async def _open_for_replies(post_id: int, member_id: int) -> Post:
    """A published post the member may read, outside archived groups: what takes likes and
    comments."""
    published = Post.filter(id=post_id, status=PostStatus.PUBLISHED)
    post = await visible_to(published, member_id).select_related("group").first()
    if post is None:
        raise NotFoundError()
    if post.group is not None and post.group.archived_at is not None:
        raise GroupArchivedError()
    return post


async def like_post(c: Collaborators, member: Member, post_id: int) -> None:
    """One like per member; liking twice changes nothing. Callers read the post they show."""
    if mark() == "$":  # PostgreSQL: the like is one statement
        async with single_statement():
            liked = await _like_at_once(post_id, member.id, c.clock.now())
            if liked is not None:
                announce(c, liked)
        return
    author_id, title = await _likeable(post_id, member.id)
    async with atomic():
        if not await _liked(post_id, member.id, c.clock.now()):
            return  # liked already: one like per member
        count = await _count_like(post_id)
        announce(c, PostLiked(post_id, member.id, count, author_id, title))


# The statements of a like, the hottest write, written once (``domain.written``).
_LIKEABLE = (
    'SELECT p."author_id", p."title", g."archived_at" FROM "post" p '
    'LEFT JOIN "interest_group" g ON g."id" = p."group_id" '
    'WHERE p."id" = {p}1 AND p."status" = {p}2 AND {visible}'
)
_LIKE = (
    'INSERT INTO "post_like" ("post_id", "member_id", "created_at") VALUES ({p}1, {p}2, {p}3) '
    'ON CONFLICT ("post_id", "member_id") DO NOTHING RETURNING "id"'
)
_COUNT_LIKE = (
    'UPDATE "post" SET "like_count" = "like_count" + 1 WHERE "id" = {p}1 RETURNING "like_count"'
)


# PostgreSQL's like at once: the post read as ``_LIKEABLE`` reads it; the like inserted when
# the post may take one; the counter moved when the like is new, returning the count it made.
# Committed by itself, with no BEGIN and COMMIT round trips: what SQLite takes as two statements
# in a transaction (``_LIKE``, ``_COUNT_LIKE``), which it cannot write as one.
_LIKE_AT_ONCE = (  # noqa: S608 (constants)
    'WITH "target" AS ({likeable}), '
    '"liked" AS (INSERT INTO "post_like" ("post_id", "member_id", "created_at") '
    'SELECT $1, $3, $4 FROM "target" WHERE "archived_at" IS NULL '
    'ON CONFLICT ("post_id", "member_id") DO NOTHING RETURNING "post_id"), '
    '"counted" AS (UPDATE "post" SET "like_count" = "like_count" + 1 '
    'WHERE "id" IN (SELECT "post_id" FROM "liked") RETURNING "like_count") '
    'SELECT "author_id", "title", "archived_at", (SELECT "like_count" FROM "counted") AS "count" '
    'FROM "target"'
).format(likeable=_LIKEABLE.format(p="$", visible=visible_sql("p", "$3")))


async def _like_at_once(post_id: int, member_id: int, now: datetime) -> PostLiked | None:
    """The like's fact, or None when the member had liked the post already. Raises as
    ``_likeable`` does; a post deleted since the statement's snapshot is not there to like."""
    values = [post_id, PostStatus.PUBLISHED.value, member_id, db_value(PostLike, "created_at", now)]
    try:
        found = await rows(_LIKE_AT_ONCE, values)
    except IntegrityError as error:  # the post's foreign key: it went away
        raise NotFoundError() from error
    if not found:
        raise NotFoundError()
    row = found[0]
    if row["archived_at"] is not None:
        raise GroupArchivedError()
    if row["count"] is None:
        return None  # liked already: one like per member
    return PostLiked(
        post_id, member_id, int(row["count"]), int(row["author_id"]), str(row["title"])
    )


async def _likeable(post_id: int, member_id: int) -> tuple[int, str]:
    """``_open_for_replies`` reading only what a like needs (the author and title its fact
    carries): building a post and its group costs more than the statement."""
    p = mark()
    sql = _LIKEABLE.format(p=p, visible=visible_sql("p", f"{p}3"))
    found = await rows(sql, [post_id, PostStatus.PUBLISHED.value, member_id])
    if not found:
        raise NotFoundError()
    if found[0]["archived_at"] is not None:
        raise GroupArchivedError()
    return int(found[0]["author_id"]), str(found[0]["title"])


async def _liked(post_id: int, member_id: int, now: datetime) -> bool:
    """The like recorded, or False when the member had liked the post already (the unique
    pair decides, waiting for an uncommitted like of the same pair). A post deleted since it
    was read is not there to like."""
    values = [post_id, member_id, db_value(PostLike, "created_at", now)]
    try:
        return bool(await rows(_LIKE.format(p=mark()), values))
    except IntegrityError as error:  # the post's foreign key: it went away
        raise NotFoundError() from error


async def _count_like(post_id: int) -> int:
    """The counter's update, returning the count it made: under the row's lock each like sees
    its own number (what the like milestones are decided on, with no statement more)."""
    return int((await rows(_COUNT_LIKE.format(p=mark()), [post_id]))[0]["like_count"])


async def unlike_post(c: Collaborators, member: Member, post_id: int) -> None:
    """Taking a like back works on any post the member may still read (``post(id:)``'s rule).
    A post hidden since, or pending in another group, is not there for them: NotFound, and
    nothing changes, so no one learns which ids exist by unliking them."""
    if await queries.find_readable_post(member, post_id) is None:
        raise NotFoundError()
    async with atomic():
        removed = await PostLike.filter(post_id=post_id, member_id=member.id).delete()
        if removed:
            await Post.filter(id=post_id).update(like_count=F("like_count") - removed)


async def add_comment(c: Collaborators, member: Member, post_id: int, body: str) -> Comment:
    refuse_if_suspended(member, c.clock.now())
    body = text.clean_text(body)
    if message := text.comment_error(body):
        raise InvalidInputError.single("body", message)
    await _open_for_replies(post_id, member.id)
    screened = await screen(c, body)
    body = screened.texts[0]
    await count_contribution(c, member)
    async with atomic():
        comment = await Comment.create(
            post_id=post_id,
            author=member,
            body=body,
            body_html=rendering.render_comment(body),
            hidden=screened.flag is not None,  # held: shown once a moderator approves it
            safety_flag=screened.flag,
            created_at=c.clock.now(),
        )
        if screened.flag is None:  # a held comment counts once approved (comment_review.py)
            await Post.filter(id=post_id).update(comment_count=F("comment_count") + 1)
        announce(c, CommentAdded(post_id=post_id, comment_id=comment.id, author_id=member.id))
    return comment


async def report_post(
    c: Collaborators, member: Member, post_id: int, reason: ReportReason, note: str | None
) -> Post:
    """Distinct reporters (3 unless the rule version in force says otherwise) hide a published
    post until a moderator decides; a trust-level-3 reporter's report weighs 2."""
    await _published(post_id, member.id)
    try:
        async with atomic():
            await Report.create(
                post_id=post_id,
                reporter=member,
                reason=reason,
                note=text.clean_text(note or "")[:200] or None,
                created_at=c.clock.now(),
            )
            weight = REPORT_WEIGHT[await trust_level_of(member, c.clock.now())]
            await Post.filter(id=post_id).update(report_count=F("report_count") + weight)
            threshold = (await current_programme_rules()).reports_to_hide
            hidden = await Post.filter(
                id=post_id, status=PostStatus.PUBLISHED, report_count__gte=threshold
            ).update(status=PostStatus.HIDDEN)
            if hidden:
                await AuditLogEntry.create(
                    actor=member,
                    action="AUTO_HIDE",
                    target_type="POST",
                    target_id=post_id,
                    reason=f"{threshold} 位邻居举报",
                    created_at=c.clock.now(),
                )
    except IntegrityError as error:
        raise AlreadyReportedError() from error
    return await Post.get(id=post_id)
