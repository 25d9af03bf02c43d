"""Keeping the index current: a post's document is written after the commit that made or changed
the post (``index_after_commit``), and ``reindex`` rebuilds every document (``linli reindex``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tortoise import connections

from domain.aftercommit import after_commit, atomic
from domain.collaborators import Collaborators
from domain.columns import column
from domain.posts.models import Post, RecipeIngredient, RecipeStep
from domain.search.models import SearchDocument
from domain.search.segment import index_words

BATCH = 500
Progress = Callable[[int, int], Awaitable[None] | None]


def _body_text(post: Post, ingredients: list[str], steps: list[str]) -> str:
    group = post.group.name if post.group is not None else ""
    return " ".join([post.body, *ingredients, *steps, group])


async def _documents(c: Collaborators, posts: list[Post]) -> list[SearchDocument]:
    ids = [p.id for p in posts]
    ingredients: dict[int, list[str]] = {}
    for ingredient in await RecipeIngredient.filter(post_id__in=ids).order_by("position"):
        ingredients.setdefault(ingredient.post_id, []).append(ingredient.name)
    steps: dict[int, list[str]] = {}
    for step in await RecipeStep.filter(post_id__in=ids).order_by("position"):
        steps.setdefault(step.post_id, []).append(step.text)
    now = c.clock.now()
    return [
        SearchDocument(
            post_id=p.id,
            title_words=index_words(p.title),
            body_words=index_words(_body_text(p, ingredients.get(p.id, []), steps.get(p.id, []))),
            indexed_at=now,
        )
        for p in posts
    ]


async def index_posts(c: Collaborators, post_ids: list[int]) -> int:
    """(Re)write the documents of these posts; posts gone since are left out (their documents
    went with them)."""
    posts = list(await Post.filter(id__in=post_ids).select_related("group").order_by("id"))
    documents = await _documents(c, posts)
    async with atomic():
        await SearchDocument.filter(post_id__in=[p.id for p in posts]).delete()
        await SearchDocument.bulk_create(documents)
    return len(documents)


def index_after_commit(c: Collaborators, post_id: int) -> None:
    """Inside the transaction that writes a post: its document follows once it commits (a
    failure is logged; ``linli reindex`` repairs it)."""

    async def index() -> None:
        await index_posts(c, [post_id])

    after_commit(index, index)  # indexing reads the post as committed, or finds none


async def reindex(c: Collaborators, progress: Progress | None = None) -> int:
    """Every post's document, rewritten in batches of ``BATCH`` posts by id; then, on
    PostgreSQL, the index's statistics are read afresh: the planner chooses between reading the
    newest posts and the word indexes from how common each word is, and statistics of the
    index before the rebuild (empty, after a migration) made it scan 100,000 documents for a
    common word."""
    total = await Post.all().count()
    done, last_id = 0, 0
    while True:
        ids = await column(Post.filter(id__gt=last_id).order_by("id").limit(BATCH), "id")
        if not ids:
            if connections.get("default").capabilities.dialect == "postgres":
                await connections.get("default").execute_script('ANALYZE "search_document"')
            return done
        done += await index_posts(c, ids)
        last_id = ids[-1]
        if progress is not None:
            reported = progress(done, total)
            if reported is not None:
                await reported
