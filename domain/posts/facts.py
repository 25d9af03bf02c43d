"""Facts of the posts area, announced after commit (see domain.facts)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.facts import Fact


@dataclass(frozen=True)
class CommentAdded(Fact):
    post_id: int
    comment_id: int
    author_id: int
