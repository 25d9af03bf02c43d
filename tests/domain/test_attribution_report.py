"""The attribution report over stored posts, product tags, exposures and purchases: the worked
example of ``domain/attribution/rules.py`` gives the same figures from the database, whatever the
member chunk size."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest

from domain.attribution import report
from domain.attribution.report import attribution_by_post
from domain.clock import SHANGHAI
from domain.collaborators import Collaborators
from domain.exposures.models import ExposureSource, PostExposure
from domain.identity.models import Member
from domain.posts.models import Post
from domain.products.models import PostProduct, Product
from domain.purchases.models import Purchase
from tests.api.test_posts_api import make_post
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


async def worked_example(c: Collaborators) -> tuple[Post, Post, Post]:
    author = await make_member()
    now = c.clock.now()
    products = {
        sku: await Product.create(sku=sku, name=sku, price_fen=1000, created_at=now, updated_at=now)
        for sku in ("BEAN", "MUG", "FLOUR")
    }
    p1, p2, p3 = [await make_post(c, author, title) for title in ("手冲入门", "咖啡杯推荐", "面包")]
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
    p1, p2, p3 = await worked_example(collaborators)
    rows = await attribution_by_post(date(2026, 11, 1), date(2026, 11, 30))
    assert [
        (r.post_id, r.gmv_last_touch_fen, r.gmv_linear_fen, r.orders, r.buyers, r.viewers)
        for r in rows
    ] == [
        (p2.id, 100_00, 75_00, Fraction(1), 1, 2),
        (p3.id, 30_00, 30_00, Fraction(1), 1, 1),
        (p1.id, 0, 25_00, Fraction(0), 0, 2),
    ]
    assert [r.conversion_rate for r in rows] == [0.5, 1.0, 0.0]
    assert rows[0].title == "咖啡杯推荐"


async def test_a_period_without_the_orders_credits_nothing(collaborators: Collaborators) -> None:
    await worked_example(collaborators)
    assert await attribution_by_post(date(2026, 12, 1), date(2026, 12, 31)) == []
