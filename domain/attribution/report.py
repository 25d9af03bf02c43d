"""The attribution report over stored data: purchases in a period credited to the tagged posts
their buyers saw (``domain/attribution/rules.py`` defines every figure).

Memory stays bounded whatever the programme's size: buyers are read in chunks of
``MEMBER_CHUNK`` (their orders in the period and their sightings from ``WINDOW`` before it), and a
post's viewers are counted by the database. Only posts with a product tag can be credited."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

from tortoise.functions import Count

from domain.attribution.rules import WINDOW, Attribution, Order, Sighting, attribute
from domain.clock import SHANGHAI
from domain.columns import column
from domain.exposures.models import PostExposure
from domain.posts.models import Post
from domain.products.models import PostProduct
from domain.products.rules import clean_sku, looks_like_sku
from domain.purchases.models import Purchase

MEMBER_CHUNK = 1000


@dataclass(frozen=True)
class PostAttribution:
    """One post's row: GMV in fen under both models, buyers and orders (last-touch), viewers in
    the period, and conversion = last-touch buyers ÷ viewers."""

    post_id: int
    title: str
    group_id: int | None
    gmv_last_touch_fen: int
    gmv_linear_fen: int
    orders: Fraction
    buyers: int
    viewers: int

    @property
    def conversion_rate(self) -> float:
        return self.buyers / self.viewers if self.viewers else 0.0


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The period's ends in UTC (stored times are UTC; SQLite compares them as text)."""
    start = datetime.combine(first, time.min, SHANGHAI).astimezone(UTC)
    return start, datetime.combine(last + timedelta(days=1), time.min, SHANGHAI).astimezone(UTC)


async def _tags() -> dict[int, frozenset[str]]:
    tags: dict[int, set[str]] = defaultdict(set)
    for post_id, sku in await PostProduct.all().values_list("post_id", "product__sku"):
        tags[int(post_id)].add(str(sku))
    return {post_id: frozenset(skus) for post_id, skus in tags.items()}


def _skus(items: list[str]) -> tuple[str, ...]:
    return tuple(clean_sku(item) if looks_like_sku(item) else item for item in items)


async def _attribute_chunk(
    members: list[int],
    start: datetime,
    end: datetime,
    tags: dict[int, frozenset[str]],
    into: Attribution,
) -> None:
    orders = [
        Order(int(pid), int(mid), at, int(amount), _skus(list(items or [])))
        for pid, mid, at, amount, items in await Purchase.filter(
            member_id__in=members, purchased_at__gte=start, purchased_at__lt=end
        ).values_list("id", "member_id", "purchased_at", "amount_cents", "items")
    ]
    sightings = [
        Sighting(int(mid), int(pid), at)
        for mid, pid, at in await PostExposure.filter(
            member_id__in=members,
            post_id__in=list(tags),
            seen_at__gte=start - WINDOW,
            seen_at__lt=end,
        ).values_list("member_id", "post_id", "seen_at")
    ]
    attribute(orders, sightings, tags, into=into)


async def attribution_by_post(first: date, last: date, limit: int = 20) -> list[PostAttribution]:
    """Tagged posts ranked by last-touch GMV of the period's purchases (days in Asia/Shanghai,
    both included), then linear GMV; posts credited nothing are left out."""
    start, end = _bounds(first, last)
    tags = await _tags()
    if not tags:
        return []
    result = Attribution()
    buyers = sorted(
        set(
            await column(
                Purchase.filter(purchased_at__gte=start, purchased_at__lt=end), "member_id"
            )
        )
    )
    for at in range(0, len(buyers), MEMBER_CHUNK):
        await _attribute_chunk(buyers[at : at + MEMBER_CHUNK], start, end, tags, result)
    credited = {
        post_id
        for model in (result.last_touch, result.linear)
        for post_id, credit in model.items()
        if credit.gmv_cents
    }
    if not credited:
        return []
    viewers = dict(
        await PostExposure.filter(post_id__in=list(credited), seen_at__gte=start, seen_at__lt=end)
        .group_by("post_id")
        .annotate(viewers=Count("member_id", distinct=True))
        .values_list("post_id", "viewers")
    )
    posts = {
        int(pid): (str(title), gid)
        for pid, title, gid in await Post.filter(id__in=list(credited)).values_list(
            "id", "title", "group_id"
        )
    }
    rows = [
        PostAttribution(
            post_id=post_id,
            title=posts.get(post_id, ("", None))[0],
            group_id=posts.get(post_id, ("", None))[1],
            gmv_last_touch_fen=round(result.last_touch[post_id].gmv_cents),
            gmv_linear_fen=round(result.linear[post_id].gmv_cents),
            orders=result.last_touch[post_id].orders,
            buyers=len(result.last_touch[post_id].buyers),
            viewers=int(viewers.get(post_id, 0)),
        )
        for post_id in credited
    ]
    rows.sort(key=lambda r: (-r.gmv_last_touch_fen, -r.gmv_linear_fen, r.post_id))
    return rows[:limit]
