"""Search on a real database (SQLite's FTS5 by default, PostgreSQL's tsvector under
TEST_DATABASE_URL): Chinese words found inside text, and only what the searcher may read."""

from __future__ import annotations

import pytest
from tortoise import connections

from domain.collaborators import Collaborators
from domain.errors import InvalidInputError
from domain.posts import services
from domain.posts.models import Post, PostKind
from domain.posts.recipes import RecipeDraft
from domain.search.hot import hot_searches
from domain.search.index import reindex
from domain.search.models import SearchDocument
from domain.search.queries import search_posts
from tests.domain.search_helpers import author, moderator, publish
from tests.domain.test_groups import make_group
from tests.factories import make_estate, make_member


async def found(c: Collaborators, query: str, **kw: object) -> list[str]:
    viewer = kw.pop("viewer", None)
    hits = await search_posts(c, viewer, query, **kw)  # type: ignore[arg-type]
    return [hit.card.post.title for hit in hits]


async def test_a_dish_is_found_inside_a_sentence(collaborators: Collaborators) -> None:
    writer = await author(collaborators)
    await publish(collaborators, writer, "今天的晚饭", "今天做了番茄炒蛋，超下饭")
    await publish(collaborators, writer, "周末去哪儿", "周末去公园散步了一圈")
    assert await found(collaborators, "番茄炒蛋") == ["今天的晚饭"]
    assert await found(collaborators, "下饭") == ["今天的晚饭"]
    assert await found(collaborators, "红烧肉") == []


async def test_every_word_must_be_found_and_recipe_parts_count(
    collaborators: Collaborators,
) -> None:
    writer = await author(collaborators)
    recipe = RecipeDraft(2, 20, [("空气炸锅", "1台"), ("鸡翅", "8个")], ["鸡翅腌好放进去"])
    await publish(
        collaborators, writer, "懒人鸡翅", "很简单，十分钟就好", kind=PostKind.RECIPE, recipe=recipe
    )
    await publish(collaborators, writer, "阳台的番茄红了", "阳台种菜的第二年了")
    await publish(collaborators, writer, "去买番茄了", "菜场的番茄今天便宜")
    assert await found(collaborators, "空气炸锅") == ["懒人鸡翅"]
    assert await found(collaborators, "阳台 番茄") == ["阳台的番茄红了"]
    assert await found(collaborators, "番茄", kind=PostKind.RECIPE) == []


async def test_pending_and_hidden_posts_are_never_found(collaborators: Collaborators) -> None:
    writer = await author(collaborators)
    await publish(collaborators, writer, "等待审核的", "番茄炒蛋还在等待审核", approve=False)
    shown = await publish(collaborators, writer, "已经发布的", "番茄炒蛋上桌了，真香啊")
    assert await found(collaborators, "番茄炒蛋") == ["已经发布的"]
    await services.moderate_post(collaborators, await moderator(), shown.id, "HIDE")
    assert await found(collaborators, "番茄炒蛋") == []
    # Deleted: the document goes with the post.
    await Post.filter(id=shown.id).delete()
    assert not await SearchDocument.exists(post_id=shown.id)


async def test_estate_only_content_is_for_its_estate(collaborators: Collaborators) -> None:
    home, other = await make_estate("翠湖花园"), await make_estate("绿地小区")
    host = await make_member(estate=home)
    private = await make_group(collaborators, host, "翠湖种菜", estate=home)
    writer = await author(collaborators)
    await publish(collaborators, writer, "小区里的番茄", "今年的番茄都熟了", group=private)
    await publish(collaborators, writer, "公开的番茄", "今年的番茄都熟了")
    neighbour, stranger = await make_member(estate=home), await make_member(estate=other)
    assert sorted(await found(collaborators, "番茄", viewer=neighbour)) == [
        "公开的番茄",
        "小区里的番茄",
    ]
    assert await found(collaborators, "番茄", viewer=stranger) == ["公开的番茄"]
    assert await found(collaborators, "番茄") == ["公开的番茄"]
    assert await found(collaborators, "番茄", viewer=neighbour, group_id=private.id) == [
        "小区里的番茄"
    ]


async def test_title_matches_and_featured_posts_come_first_then_newest(
    collaborators: Collaborators,
) -> None:
    writer = await author(collaborators)
    older = await publish(collaborators, writer, "番茄炒蛋", "家常味道，十分钟")
    await publish(collaborators, writer, "晚饭吃什么", "晚饭吃了番茄炒蛋")
    await publish(collaborators, writer, "午饭吃什么", "午饭也是番茄炒蛋")
    assert await found(collaborators, "番茄炒蛋") == ["番茄炒蛋", "午饭吃什么", "晚饭吃什么"]
    await services.moderate_post(collaborators, await moderator(), older.id, "FEATURE")
    newer_title = await publish(collaborators, writer, "番茄炒蛋第二版", "这一版更好吃一些")
    assert await found(collaborators, "番茄炒蛋") == [
        "番茄炒蛋",
        newer_title.title,
        "午饭吃什么",
        "晚饭吃什么",
    ]


async def test_pages_follow_each_other_without_repeats(collaborators: Collaborators) -> None:
    writer = await author(collaborators)
    for n in range(5):
        await publish(
            collaborators,
            writer,
            f"第{n}顿晚饭",
            "晚饭还是番茄炒蛋" if n % 2 else "今天又是番茄炒蛋",
        )
    seen: list[str] = []
    after = None
    while True:
        hits = await search_posts(collaborators, None, "番茄炒蛋", after=after, first=2)
        seen += [h.card.post.title for h in hits[:2]]
        if len(hits) <= 2:
            break
        after = hits[1].key
    assert seen == [f"第{n}顿晚饭" for n in reversed(range(5))]


@pytest.mark.parametrize("size", [1, 2, 3])
async def test_pages_cross_the_score_bands_in_order(
    collaborators: Collaborators, size: int
) -> None:
    """Two posts in each score band (title hit and featured, title hit, featured, neither),
    published so that the bands interleave in time: any page size reads the one order."""
    judge = await moderator()
    titles = {}
    for n in range(8):
        title_hit, featured = n % 4 < 2, n % 2 == 0
        title = f"番茄炒蛋第{n}版" if title_hit else f"第{n}顿晚饭"
        post = await publish(collaborators, await author(collaborators), title, "晚饭还是番茄炒蛋")
        if featured:
            await services.moderate_post(collaborators, judge, post.id, "FEATURE")
        titles[n] = title
    expected = [titles[n] for n in (4, 0, 5, 1, 6, 2, 7, 3)]
    assert await found(collaborators, "番茄炒蛋", first=20) == expected
    seen: list[str] = []
    after = None
    for _ in range(len(expected) + 1):  # a page that repeats itself must not loop forever
        hits = await search_posts(collaborators, None, "番茄炒蛋", after=after, first=size)
        seen += [h.card.post.title for h in hits[:size]]
        if len(hits) <= size:
            break
        after = hits[size - 1].key
    assert seen == expected


async def test_highlights_escape_the_text_then_mark_the_words(
    collaborators: Collaborators,
) -> None:
    writer = await author(collaborators)
    await publish(collaborators, writer, "番茄<b>炒蛋</b>", "<script>x</script>番茄炒蛋")
    (hit,) = await search_posts(collaborators, None, "番茄")
    assert "<script>" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html
    assert "<mark>番茄</mark>" in hit.snippet_html
    assert hit.title_html.startswith("<mark>番茄</mark>&lt;b&gt;")


async def test_empty_or_too_long_queries_are_refused(collaborators: Collaborators) -> None:
    for query in ("", "  ，。 ", "番" * 41):
        with pytest.raises(InvalidInputError):
            await search_posts(collaborators, None, query)


async def test_reindex_rebuilds_lost_documents_and_searches_are_counted(
    collaborators: Collaborators,
) -> None:
    writer = await author(collaborators)
    await publish(collaborators, writer, "今天的晚饭", "今天做了番茄炒蛋，超下饭")
    await SearchDocument.all().delete()
    assert await found(collaborators, "番茄炒蛋") == []
    seen: list[tuple[int, int]] = []
    assert await reindex(collaborators, lambda done, total: seen.append((done, total))) == 1
    assert seen == [(1, 1)]
    assert await found(collaborators, "番茄炒蛋") == ["今天的晚饭"]
    assert await hot_searches(collaborators) == ["番茄炒蛋"]


@pytest.mark.postgres_only
async def test_reindex_leaves_the_planner_fresh_statistics_of_the_index(
    collaborators: Collaborators,
) -> None:
    """The planner picks between the newest posts and the word indexes by how common a word
    is: a rebuild that left the statistics of an empty index made it scan 100,000 documents."""
    writer = await author(collaborators)
    await publish(collaborators, writer, "今天的晚饭", "今天做了番茄炒蛋，超下饭")
    conn = connections.get("default")
    analysed = "SELECT pg_stat_get_analyze_count('search_document'::regclass) AS n"
    before = (await conn.execute_query_dict(analysed))[0]["n"]
    await reindex(collaborators)
    assert (await conn.execute_query_dict(analysed))[0]["n"] == before + 1
