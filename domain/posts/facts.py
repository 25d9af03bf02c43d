"""Facts of the posts area, announced after commit (see domain.facts)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.facts import Fact


@dataclass(frozen=True)
class CommentAdded(Fact):
    post_id: int
    comment_id: int
    author_id: int


@dataclass(frozen=True)
class PostLiked(Fact):
    """``like_count`` is the count this like made, as the counter's own update returned it:
    concurrent likes each see a different number, so every count is seen by exactly one like."""

    post_id: int
    member_id: int
    like_count: int
    author_id: int
    title: str


@dataclass(frozen=True)
class PostModerated(Fact):
    post_id: int
    actor_id: int
    action: str  # APPROVE, REJECT, FEATURE... (posts.services._TRANSITIONS)
    note: str | None


@dataclass(frozen=True)
class PostQueued(Fact):
    """A post entered the moderation queue (PENDING)."""

    post_id: int
    author_id: int
    group_id: int | None


@dataclass(frozen=True)
class PostPublished(Fact):
    """A trusted author's post was published at once, without the queue."""

    post_id: int
    author_id: int
