"""The demo's sightings: members still around saw recent and liked posts over the last three
months, and the dashboard's 种草带货 table credits some posts with the brand's orders that
followed, at conversion rates well below everyone who saw them."""

from __future__ import annotations

from datetime import timedelta

from demo import residents
from demo.activity import around_at
from demo.exposures import DAYS, seed_exposures_demo
from demo.groups import seed_groups_demo
from demo.posts import seed_posts_demo
from demo.products import DEMO_PRODUCTS, seed_products_demo
from demo.purchases import seed_purchases_demo
from domain.attribution.report import attribution_by_post
from domain.clock import SHANGHAI
from domain.collaborators import Collaborators
from domain.exposures.models import PostExposure
from domain.identity.models import Member
from domain.points.reconcile import reconcile
from domain.posts.models import Post, PostKind
from domain.purchases.models import Purchase


async def test_the_demo_credits_a_few_posts_a_month_with_modest_conversion(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    await residents.seed_demo(c.clock)
    await seed_groups_demo()
    await seed_purchases_demo(c)
    await seed_posts_demo(c)
    await seed_products_demo(c)
    made = await seed_exposures_demo(c)
    now = c.clock.now()

    rows = await PostExposure.all().values_list("member_id", "post_id", "seen_at", "day")
    assert made["exposures"] == len(rows) > 5000
    members = {m.id: m for m in await Member.all()}
    posts = dict(await Post.all().values_list("id", "published_at"))
    authors = dict(await Post.all().values_list("id", "author_id"))
    for member_id, post_id, seen_at, day in rows:
        assert now - timedelta(days=DAYS + 1) <= seen_at <= now
        assert around_at(members[member_id], seen_at, now)  # only members still around
        assert posts[post_id] is not None and posts[post_id] <= seen_at
        assert authors[post_id] != member_id
        assert day == seen_at.astimezone(SHANGHAI).date()
    # Readers are more than the month's few dozen active members, fewer than everyone.
    assert 60 <= made["viewers"] < len(members) // 2

    skus = {sku for sku, *_ in DEMO_PRODUCTS}
    orders = await Purchase.all().values_list("items", flat=True)
    branded = sum(1 for items in orders if skus & set(items or []))
    assert 0.1 * len(orders) < branded < 0.35 * len(orders)

    today = now.astimezone(SHANGHAI).date()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    for first, last in ((last_month, this_month - timedelta(days=1)), (this_month, today)):
        table = await attribution_by_post(first, last, limit=100)
        assert 5 <= len(table) <= 25, (first, len(table))
        assert sum(row.gmv_last_touch_fen for row in table) > 200_00
        # Buyers are a minority of those who saw a post (a post seen by one or two members in
        # the period may convert one of them, as in any small sample).
        seen = [row for row in table if row.viewers >= 10]
        assert len(seen) >= 3 and all(row.conversion_rate < 0.5 for row in seen), table
        assert sum(row.buyers for row in table) < sum(row.viewers for row in table) / 5
        # The dashboard's recipe table has rows too.
        assert await attribution_by_post(first, last, kind=PostKind.RECIPE), first
    assert (await reconcile()).clean
