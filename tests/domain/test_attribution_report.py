"""The attribution report over stored posts, product tags, exposures and purchases: the worked
example of ``domain/attribution/rules.py`` gives the same figures from the database, whatever the
member and key chunk sizes, by post, product, group and host.

The example's posts are placed in groups: P2 in 咖啡 (G1, hosted by H1), P1 and P3 in 烘焙
(G2, hosted by H1 and co-host H2). Then, by the rules' definitions:

- G1 = P2: last-touch 100.00, linear 75.00, orders 1, buyers {1}, viewers {1, 4}.
- G2 = P1 + P3: last-touch 0 + 30.00, linear 25.00 + 30.00 = 55.00, orders 0 + 1, buyers {3}
  (P1 has no last-touch buyer), viewers {1, 2} ∪ {3} = 3.
- H1 = G1 + G2: 130.00 / 130.00, orders 2, buyers {1, 3}, viewers {1, 2, 3, 4}.
- H2 = G2.
- Products: BEAN 50.00 (orders ½, buyers {1}, viewers of P1 or P2 {1, 2, 4}), MUG 50.00 (½,
  {1}, viewers of P2 {1, 4}), FLOUR 30.00 (1, {3}, {3}); BEAN before MUG on the tie by SKU.

The host console's figure for G2 alone reads only the members who saw G2's posts, yet member 1's
BEAN still goes last-touch to P2 (G1), as in the full report."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest

from domain.attribution import report
from domain.attribution.report import (
    Dimension,
    attribution_by_post,
    attribution_report,
    groups_attributed_gmv,
)
from domain.clock import SHANGHAI
from domain.collaborators import Collaborators
from domain.exposures.models import ExposureSource, PostExposure
from domain.groups.models import GroupHost, InterestGroup
from domain.identity.models import Member
from domain.posts.models import Post, PostKind
from domain.products.models import PostProduct, Product
from domain.purchases.models import Purchase
from tests.api.test_posts_api import make_post
from tests.domain.events_helpers import make_group, make_host
from tests.factories import make_member

DAY0 = datetime(2026, 11, 1, tzinfo=UTC)


def day(n: float) -> datetime:
    return DAY0 + timedelta(days=n)


async def seen(member: Member, post: Post, at: datetime) -> None:
    await PostExposure.create(
        member=member,
        post=post,
        day=at.astimezone(SHANGHAI).date(),
        source=ExposureSource.FEED,
        seen_at=at,
    )


async def bought(member: Member, at: datetime, amount_fen: int, items: list[str]) -> None:
    await Purchase.create(
        order_id=f"O-{member.id}-{at.timestamp()}",
        member=member,
        amount_cents=amount_fen,
        purchased_at=at,
        items=items,
        source="CSV",
        batch="test",
        created_at=at,
    )


async def worked_example(
    c: Collaborators, groups: tuple[InterestGroup | None, InterestGroup | None] = (None, None)
) -> tuple[Post, Post, Post]:
    author = await make_member()
    now = c.clock.now()
    g1, g2 = groups
    products = {
        sku: await Product.create(sku=sku, name=sku, price_fen=1000, created_at=now, updated_at=now)
        for sku in ("BEAN", "MUG", "FLOUR")
    }
    p1, p2, p3 = [
        await make_post(c, author, title, group=group)
        for title, group in (("手冲入门", g2), ("咖啡杯推荐", g1), ("面包", g2))
    ]
    for position, (post, sku) in enumerate(
        ((p1, "BEAN"), (p2, "BEAN"), (p2, "MUG"), (p3, "FLOUR"))
    ):
        await PostProduct.create(post=post, product=products[sku], position=position % 2)
    m1, m2, m3, m4 = [await make_member() for _ in range(4)]
    await seen(m1, p1, day(0))
    await seen(m1, p2, day(2))
    await seen(m2, p1, day(0))
    await seen(m3, p3, day(1))
    await seen(m4, p2, day(5))
    await bought(m1, day(3), 100_00, ["bean", "MUG"])  # SKUs compare without case
    await bought(m2, day(9), 40_00, ["BEAN"])
    await bought(m3, day(1.5), 30_00, ["FLOUR"])
    return p1, p2, p3


@pytest.mark.parametrize("chunk", [1000, 1])
async def test_the_worked_example_from_the_database(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(report, "MEMBER_CHUNK", chunk)
    monkeypatch.setattr(report, "KEY_CHUNK", chunk)
    p1, p2, p3 = await worked_example(collaborators)
    rows = await attribution_by_post(date(2026, 11, 1), date(2026, 11, 30))
    assert [
        (r.key, r.gmv_last_touch_fen, r.gmv_linear_fen, r.orders, r.buyers, r.viewers) for r in rows
    ] == [
        (p2.id, 100_00, 75_00, Fraction(1), 1, 2),
        (p3.id, 30_00, 30_00, Fraction(1), 1, 1),
        (p1.id, 0, 25_00, Fraction(0), 0, 2),
    ]
    assert [r.conversion_rate for r in rows] == [0.5, 1.0, 0.0]
    assert rows[0].label == "咖啡杯推荐"


async def test_a_period_without_the_orders_credits_nothing(collaborators: Collaborators) -> None:
    await worked_example(collaborators)
    assert await attribution_by_post(date(2026, 12, 1), date(2026, 12, 31)) == []


async def groups_and_hosts(c: Collaborators) -> tuple[InterestGroup, InterestGroup, int, int]:
    h1, h2 = await make_host("阿哲"), await make_host("小林")
    g1 = await make_group(h1, "咖啡", "coffee")
    g2 = await make_group(h1, "烘焙", "baking")
    await GroupHost.create(group=g2, member=h2, appointed_at=g2.created_at)
    await worked_example(c, (g1, g2))
    return g1, g2, h1.id, h2.id


def figures(rows: list[report.AttributionRow]) -> list[tuple[object, ...]]:
    return [
        (r.key, r.gmv_last_touch_fen, r.gmv_linear_fen, r.orders, r.buyers, r.viewers) for r in rows
    ]


@pytest.mark.parametrize("chunk", [1000, 1])
async def test_by_group_host_and_product(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(report, "MEMBER_CHUNK", chunk)
    monkeypatch.setattr(report, "KEY_CHUNK", chunk)
    g1, g2, h1, h2 = await groups_and_hosts(collaborators)
    november = (date(2026, 11, 1), date(2026, 11, 30))
    groups = await attribution_report(*november, Dimension.GROUP)
    assert figures(groups) == [
        (g1.id, 100_00, 75_00, Fraction(1), 1, 2),
        (g2.id, 30_00, 55_00, Fraction(1), 1, 3),
    ]
    assert [(r.label, r.slug) for r in groups] == [("咖啡", "coffee"), ("烘焙", "baking")]
    assert figures(await attribution_report(*november, Dimension.HOST)) == [
        (h1, 130_00, 130_00, Fraction(2), 2, 4),
        (h2, 30_00, 55_00, Fraction(1), 1, 3),
    ]
    products = await attribution_report(*november, Dimension.PRODUCT)
    assert figures(products) == [
        ("BEAN", 50_00, 50_00, Fraction(1, 2), 1, 3),
        ("MUG", 50_00, 50_00, Fraction(1, 2), 1, 2),
        ("FLOUR", 30_00, 30_00, Fraction(1), 1, 1),
    ]
    assert products[0].conversion_rate == pytest.approx(1 / 3)
    assert len(await attribution_report(*november, Dimension.PRODUCT, limit=1)) == 1


async def test_the_host_consoles_figure_equals_the_reports_group_row(
    collaborators: Collaborators,
) -> None:
    g1, g2, _, _ = await groups_and_hosts(collaborators)
    november = (date(2026, 11, 1), date(2026, 11, 30))
    full = {r.key: r for r in await attribution_report(*november, Dimension.GROUP)}
    assert await groups_attributed_gmv([g2.id], *november) == {g2.id: full[g2.id]}
    assert await groups_attributed_gmv([g1.id, g2.id], *november) == full
    assert await groups_attributed_gmv([g1.id], date(2026, 12, 1), date(2026, 12, 31)) == {}


async def test_post_rows_of_one_kind(collaborators: Collaborators) -> None:
    p1, _p2, p3 = await worked_example(collaborators)
    await Post.filter(id__in=[p1.id, p3.id]).update(kind=PostKind.RECIPE)
    november = (date(2026, 11, 1), date(2026, 11, 30))
    recipes = await attribution_by_post(*november, kind=PostKind.RECIPE)
    assert [(r.key, r.gmv_last_touch_fen, r.gmv_linear_fen) for r in recipes] == [
        (p3.id, 30_00, 30_00),
        (p1.id, 0, 25_00),  # its linear share, whatever kind the post seen after it was
    ]
    assert await attribution_by_post(*november, kind=PostKind.PHOTO) == []


async def test_a_buyer_who_saw_the_post_before_the_period_counts_among_its_viewers(
    collaborators: Collaborators,
) -> None:
    """From 4 November: member 1's order (4 Nov) counts, the sightings behind it (1 and 3 Nov)
    fall before the period; the viewers reach back 7 days, so P2 converts 1 of {1, 4}, never
    1 of {4} (100 % of members who are not the buyer)."""
    p1, p2, _ = await worked_example(collaborators)
    rows = await attribution_by_post(date(2026, 11, 4), date(2026, 11, 30))
    assert [(r.key, r.gmv_last_touch_fen, r.gmv_linear_fen, r.buyers, r.viewers) for r in rows] == [
        (p2.id, 100_00, 75_00, 1, 2),
        (p1.id, 0, 25_00, 0, 2),
    ]
    assert all(r.conversion_rate <= 1 for r in rows)
