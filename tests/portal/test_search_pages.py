"""Search in the portal: the header's box, results as you type, the results page with its
filters and pages, and the empty page's hot searches."""

from __future__ import annotations

import httpx

from domain.collaborators import Collaborators
from domain.posts.models import PostKind
from tests.domain.search_helpers import author, publish
from tests.domain.test_groups import make_group
from tests.factories import make_estate, make_member
from tests.portal.test_points_pages import HTMX, log_in


async def test_the_header_has_a_search_box_that_asks_as_you_type(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    writer = await author(collaborators)
    await publish(collaborators, writer, "今天的晚饭", "今天做了番茄炒蛋，超下饭")
    home = await client.get("/")
    assert 'action="/search"' in home.text and 'hx-get="/search/suggest"' in home.text
    assert "input changed delay:300ms" in home.text
    typed = await client.get("/search/suggest", params={"q": "番茄炒蛋"}, headers=HTMX)
    assert typed.status_code == 200
    assert "今天的晚饭" in typed.text and "<html" not in typed.text
    nothing = await client.get("/search/suggest", params={"q": "红烧肉"}, headers=HTMX)
    assert "<li>" not in nothing.text
    empty = await client.get("/search")  # typing is not searching: no hot searches yet
    assert "本周热搜" not in empty.text


async def test_results_are_marked_escaped_and_filtered_by_kind(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    writer = await author(collaborators)
    await publish(collaborators, writer, "番茄炒蛋的做法", "<script>x</script>番茄炒蛋")
    await publish(collaborators, writer, "小技巧一则", "番茄炒蛋要先炒蛋", kind=PostKind.TIP)
    found = await client.get("/search", params={"q": "番茄炒蛋"})
    assert found.status_code == 200
    assert "<mark>番茄炒蛋</mark>的做法" in found.text
    assert "<script>x" not in found.text and "&lt;script&gt;x" in found.text
    tips = await client.get("/search", params={"q": "番茄炒蛋", "kind": "TIP"})
    assert "小技巧一则" in tips.text and "的做法" not in tips.text


async def test_pages_follow_and_estate_only_posts_stay_with_their_estate(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    home, other = await make_estate("翠湖花园"), await make_estate("绿地小区")
    private = await make_group(collaborators, await make_member(estate=home), "翠湖种菜", home)
    for n in range(11):
        if n % 4 == 0:  # five posts a minute at most for one author
            writer = await author(collaborators)
        await publish(collaborators, writer, f"番茄第{n:02d}篇", "今年的番茄都熟了")
    await publish(collaborators, writer, "番茄在小区", "今年的番茄都熟了", group=private)
    first = await client.get("/search", params={"q": "番茄"})
    assert "在小区" not in first.text and "翠湖种菜" not in first.text
    assert "第10篇" in first.text and "第00篇" not in first.text
    after = first.text.split('hx-get="')[-1].split('"')[0].replace("&amp;", "&")
    more = await client.get(after, headers=HTMX)
    assert "第00篇" in more.text and "<html" not in more.text
    await log_in(client, await make_member(estate=home))
    mine = await client.get("/search", params={"q": "番茄", "group": str(private.id)})
    assert "在小区" in mine.text and "第00篇" not in mine.text
    await log_in(client, await make_member(estate=other))
    theirs = await client.get("/search", params={"q": "番茄", "group": str(private.id)})
    assert "在小区" not in theirs.text and "翠湖种菜" not in theirs.text


async def test_an_empty_search_suggests_the_weeks_hot_searches(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    writer = await author(collaborators)
    await publish(collaborators, writer, "今天的晚饭", "今天做了番茄炒蛋，超下饭")
    await client.get("/search", params={"q": "番茄炒蛋"})
    empty = await client.get("/search")
    assert "本周热搜" in empty.text and "番茄炒蛋</a>" in empty.text
    refused = await client.get("/search", params={"q": "番" * 41})
    assert refused.status_code == 200 and "搜索词最多 40 个字" in refused.text
