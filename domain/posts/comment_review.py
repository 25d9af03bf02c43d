"""Comments the safety checks held: the moderators' queue of them, and the decision on each.

A held comment is stored hidden with its safety flag and does not count on its post; approving
shows it and counts it, rejecting leaves it hidden. Either way it leaves the queue, keeps its
flag, and the decision is in the audit log."""

from __future__ import annotations

from tortoise.expressions import F, Subquery

from domain.aftercommit import atomic
from domain.collaborators import Collaborators
from domain.errors import NotFoundError, PermissionDeniedError
from domain.groups.policies import may_moderate_group
from domain.identity.models import Member
from domain.posts.errors import InvalidTransitionError
from domain.posts.models import AuditLogEntry, Comment, Post
from domain.posts.policies import STAFF_ROLES
from domain.posts.queries import moderated_by

ACTIONS = {"APPROVE": "COMMENT_APPROVE", "REJECT": "COMMENT_REJECT"}
TARGET_TYPE = "COMMENT"


def _awaiting_review() -> dict[str, object]:
    return {"safety_flag__isnull": False, "reviewed_at__isnull": True}


async def comments_awaiting_review(
    actor: Member, after_id: int | None, first: int
) -> list[Comment]:
    """Held comments on posts in the groups ``actor`` may moderate, oldest first, with their
    author and post; ``first + 1`` of them."""
    if not any(actor.has_role(role) for role in STAFF_ROLES):
        return []
    posts = Subquery(Post.filter(moderated_by(actor)).values("id"))
    query = Comment.filter(post_id__in=posts, **_awaiting_review())
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    rows = await query.order_by("id").limit(first + 1).select_related("author", "post")
    return list(rows)


async def review_comment(c: Collaborators, actor: Member, comment_id: int, action: str) -> Comment:
    """APPROVE shows the comment and counts it on its post; REJECT keeps it hidden. Idempotent:
    a double click finds it already decided the same way and changes nothing more. Returns the
    comment with its author and post."""
    if not any(actor.has_role(role) for role in STAFF_ROLES):
        raise PermissionDeniedError()
    comment = await Comment.get_or_none(id=comment_id, safety_flag__isnull=False).select_related(
        "post__group"
    )
    if comment is None or not await may_moderate_group(actor, comment.post.group):
        raise NotFoundError()  # another group's comment looks like no comment at all
    if action not in ACTIONS:
        raise InvalidTransitionError()
    approve = action == "APPROVE"
    async with atomic():
        decided = await Comment.filter(id=comment_id, **_awaiting_review()).update(
            reviewed_at=c.clock.now(), hidden=not approve
        )
        if not decided:
            await comment.refresh_from_db()
            if comment.hidden != approve:
                return await _decided(comment_id)  # already decided this way
            raise InvalidTransitionError()
        if approve:
            await Post.filter(id=comment.post_id).update(comment_count=F("comment_count") + 1)
        await AuditLogEntry.create(
            actor=actor,
            action=ACTIONS[action],
            target_type=TARGET_TYPE,
            target_id=comment_id,
            reason=comment.safety_flag,
            created_at=c.clock.now(),
        )
    return await _decided(comment_id)


async def _decided(comment_id: int) -> Comment:
    """The comment as decided, with its author and post, as the queue shows it."""
    return await Comment.get(id=comment_id).select_related("author", "post")
