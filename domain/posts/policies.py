"""Who may read and moderate which post."""

from __future__ import annotations

from domain.groups.policies import can_moderate_group
from domain.identity.models import Member, Role
from domain.posts.models import Post, PostStatus

STAFF_ROLES = (Role.MODERATOR, Role.ADMIN, Role.HOST)  # who reads the queue and the audit log


def may_moderate(viewer: Member | None, post: Post) -> bool:
    """Staff who may moderate the post's group. ``post`` comes from a posts query for this viewer
    (``post.group`` loaded, and its ``viewer_hosts`` column: whether the viewer hosts the group)."""
    if viewer is None:
        return False
    return can_moderate_group(viewer, post.group, bool(getattr(post, "viewer_hosts", False)))


def may_see_moderation(viewer: Member | None, post: Post) -> bool:
    """The moderation note is for the author and the post's moderators."""
    return viewer is not None and (viewer.id == post.author_id or may_moderate(viewer, post))


def in_reach(viewer: Member | None, post: Post) -> bool:
    """``visibility.VISIBLE_TO_VIEWER`` for a post read with its group and the viewer's
    ``viewer_joined`` column: a private group's posts are for its members only."""
    if post.group is None or not post.group.private:
        return True
    return viewer is not None and bool(getattr(post, "viewer_joined", False))


def may_read(viewer: Member | None, post: Post) -> bool:
    """Published posts for everyone who may read their group's posts (a private group's: its
    members); any post for its author and its moderators."""
    published = post.status == PostStatus.PUBLISHED and in_reach(viewer, post)
    return published or may_see_moderation(viewer, post)
