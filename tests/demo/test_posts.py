"""The demo's posts: counts as documented, counters equal their rows, safe HTML, a moderation
queue, and points for publishing that reconcile."""

from __future__ import annotations

import time

from tortoise.functions import Count

from demo import residents
from demo.groups import seed_groups_demo
from demo.posts import PENDING_POSTS, seed_posts_demo
from domain.collaborators import Collaborators
from domain.columns import column
from domain.media.models import Image
from domain.points.models import LedgerEntry
from domain.points.reconcile import reconcile
from domain.posts.models import (
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
)


async def _rows_per_post(model: type[PostLike] | type[Comment] | type[Report]) -> dict[int, int]:
    rows = await model.all().group_by("post_id").annotate(n=Count("id")).values_list("post_id", "n")
    return {int(post_id): int(n) for post_id, n in rows}


async def test_the_demo_has_500_posts_whose_counters_match_and_which_reconcile(
    collaborators: Collaborators,
) -> None:
    await residents.seed_demo(collaborators.clock)
    await seed_groups_demo()
    started = time.perf_counter()
    made = await seed_posts_demo(collaborators)
    print(f"seed_posts_demo: {time.perf_counter() - started:.2f}s {made}")

    assert made["posts"] == 500 == await Post.all().count()
    assert await Post.filter(group_id__isnull=True).count() == 0
    assert made["pending"] == PENDING_POSTS == await Post.filter(status=PostStatus.PENDING).count()
    assert await Post.filter(status=PostStatus.REJECTED, moderation_note__isnull=False).count() > 3
    assert await Post.filter(status=PostStatus.HIDDEN, report_count=3).count() >= 3
    assert await Post.filter(status=PostStatus.PUBLISHED).count() > 400
    assert await Post.filter(featured=True, status=PostStatus.PUBLISHED).count() > 10
    for kind in PostKind:
        assert await Post.filter(kind=kind).count() > 30, kind
    recipes = await Post.filter(kind=PostKind.RECIPE).count()
    assert recipes == await RecipeDetails.all().count() > 100
    assert await RecipeStep.all().count() > 2 * recipes
    assert await RecipeIngredient.all().count() > 2 * recipes
    # Drawn photos stored as uploads: renditions and an average colour, most recipes with a cover.
    assert 100 <= await Image.all().count() <= 300
    assert not await Image.filter(rendition_widths__isnull=True).exists()
    assert not await Image.filter(average_color__isnull=True).exists()
    covered = set(await column(PostImage.filter(position=0), "post_id"))
    recipe_ids = await column(Post.filter(kind=PostKind.RECIPE), "id")
    assert len(covered & set(recipe_ids)) > 0.6 * len(recipe_ids)
    photos = await column(Post.filter(kind=PostKind.PHOTO), "id")
    with_images = set(await column(PostImage.all(), "post_id"))
    assert set(photos) <= with_images
    assert made["likes"] == await PostLike.all().count() > 4000
    assert made["comments"] == await Comment.all().count() > 1000
    assert made["reports"] == await Report.all().count() > 12

    likes, comments, reports = (
        await _rows_per_post(PostLike),
        await _rows_per_post(Comment),
        await _rows_per_post(Report),
    )
    posts = await Post.all()
    for post in posts:
        assert post.like_count == likes.get(post.id, 0), post.id
        assert post.comment_count == comments.get(post.id, 0), post.id
        assert post.report_count == reports.get(post.id, 0), post.id
        assert post.published_at is None or post.published_at >= post.created_at
        assert post.created_at <= collaborators.clock.now()
        if post.status == PostStatus.PUBLISHED:
            assert "<script" not in post.body_html and post.body_html.startswith("<")
    # Likes skew towards featured posts and recipes.
    featured = [p.like_count for p in posts if p.featured]
    stories = [p.like_count for p in posts if p.kind == PostKind.STORY and not p.featured]
    assert sum(featured) / len(featured) > 2 * sum(stories) / len(stories)

    published = await Post.filter(published_at__isnull=False).count()
    assert (
        await LedgerEntry.filter(idempotency_key__startswith="recipe_published:").count()
        + (await LedgerEntry.filter(idempotency_key__startswith="post_published:").count())
        == published
    )
    report = await reconcile()
    assert report.clean, report.mismatches
