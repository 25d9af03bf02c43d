"""The feed's next-page fragment is the same for every viewer, so it is kept a few seconds in
Redis: a repeat asks no SQL, odd spellings of the same page share one entry, and the whole page
(no htmx) is never kept."""

from __future__ import annotations

import re

import httpx
from redis.asyncio import Redis

from domain.collaborators import Collaborators
from domain.posts.models import Post, PostKind
from portal.fragment_cache import PREFIX, TTL_SECONDS
from tests.portal.test_points_pages import HTMX, log_in
from tests.portal.test_posts_pages import published, veteran
from tests.sqlcount import count_sql


async def test_a_repeated_fragment_asks_no_sql_and_is_the_same_for_every_viewer(
    client: httpx.AsyncClient, collaborators: Collaborators, redis: Redis
) -> None:
    for n in range(12):
        await published(collaborators, await veteran(collaborators), title=f"第{n}篇阳台日记")
    first = await client.get("/")
    url = re.search(r'hx-get="(/feed\?after=[^"]+)"', first.text).group(1).replace("&amp;", "&")  # type: ignore[union-attr]

    with count_sql() as cold:
        anonymous = await client.get(url, headers=HTMX)
    assert anonymous.status_code == 200 and "<html" not in anonymous.text
    assert len(cold) > 0
    keys = await redis.keys(PREFIX + "*")
    assert len(keys) == 1
    assert 0 < await redis.ttl(keys[0]) <= TTL_SECONDS

    # Counters change, the kept fragment is served until it expires: no SQL at all.
    await Post.all().update(like_count=99)
    with count_sql() as warm:
        again = await client.get(url + "&utm=x", headers=HTMX)
    assert warm == []
    assert again.text == anonymous.text
    # The signed-in read afresh: a member of a private group reads posts the others do not.
    await log_in(client, await veteran(collaborators))
    signed_in = await client.get(url, headers=HTMX)
    assert "99" in signed_in.text
    await redis.delete(*keys)
    fresh = await client.get(url, headers=HTMX)
    assert "99" in fresh.text and fresh.text != anonymous.text


async def test_the_whole_page_and_other_filters_are_not_served_from_the_kept_fragment(
    client: httpx.AsyncClient, collaborators: Collaborators, redis: Redis
) -> None:
    await published(
        collaborators, await veteran(collaborators), title="番茄炒蛋", kind=PostKind.RECIPE
    )
    await published(collaborators, await veteran(collaborators), title="楼下的桂花开了")
    everything = await client.get("/feed", headers=HTMX)
    recipes = await client.get("/feed?kind=RECIPE", headers=HTMX)
    assert "楼下的桂花开了" in everything.text and "楼下的桂花开了" not in recipes.text
    assert len(await redis.keys(PREFIX + "*")) == 2
    whole = await client.get("/feed")
    assert "<html" in whole.text
    assert len(await redis.keys(PREFIX + "*")) == 2
