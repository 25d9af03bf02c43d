"""Published posts to search, written through the posting service (so indexed after commit)."""

from __future__ import annotations

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.groups.models import InterestGroup
from domain.identity.models import Member, Role
from domain.posts import services
from domain.posts.models import Post, PostKind
from domain.posts.recipes import RecipeDraft
from tests.domain.test_posts import veteran
from tests.factories import make_member


async def moderator() -> Member:
    return await make_member(roles=(Role.RESIDENT, Role.MODERATOR))


async def publish(
    c: Collaborators,
    author: Member,
    title: str,
    body: str,
    *,
    group: InterestGroup | None = None,
    kind: PostKind = PostKind.STORY,
    recipe: RecipeDraft | None = None,
    approve: bool = True,
) -> Post:
    """A post submitted by ``author`` and, unless ``approve`` is False, approved; the clock
    moves a minute on, past the posting limits."""
    assert isinstance(c.clock, FrozenClock)
    c.clock.advance(minutes=1)
    draft = services.PostDraft(kind, title, body, group.id if group else None, recipe=recipe)
    post = await services.submit_post(c, author, draft)
    if approve:
        post = await services.moderate_post(c, await moderator(), post.id, "APPROVE")
    return post


async def author(c: Collaborators) -> Member:
    return await veteran(c)
