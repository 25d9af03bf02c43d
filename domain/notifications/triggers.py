"""Who hears of what: each listener turns a fact of another area into notices for the members
who must hear of it. The areas announce facts and know nothing of notifications."""

from __future__ import annotations

from domain.collaborators import Collaborators
from domain.facts import listens_to
from domain.notifications.models import NotificationKind
from domain.notifications.services import Notice, Subject, notify
from domain.posts.facts import CommentAdded
from domain.posts.models import Post


@listens_to(CommentAdded)
async def comment_on_my_post(c: Collaborators, fact: CommentAdded) -> None:
    """The post's author hears of comments while the earlier ones are unread as one row."""
    post = await Post.get_or_none(id=fact.post_id).only("id", "author_id", "title")
    if post is None:
        return
    notice = Notice(
        NotificationKind.COMMENT,
        subject=Subject("Post", post.id),
        actor_id=fact.author_id,
        params={"title": post.title, "commentId": fact.comment_id},
        group_key=f"comment:post:{post.id}",
    )
    await notify(c, [post.author_id], notice)
