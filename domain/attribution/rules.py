"""Which posts sold what: purchases credited to the posts their buyers saw, as pure rules.

Definitions (each figure of the attribution report is one of these):

- A **sighting** is a member having seen a post at a moment (an exposure: the first time that
  member saw it that day).
- An order's **value for a SKU** is the order's amount divided equally among its items (the
  mall's import carries no line prices): an order of 90.00 yuan with items A, B, C is worth 30.00
  to A.
- A post **touched** an order's SKU when the post is tagged with that SKU and the buyer saw the
  post within ``WINDOW`` (7 days) before the order: ``seen_at <= purchased_at <= seen_at + 7 d``.
- **Last-touch**: the SKU's value goes wholly to the touching post seen last (on a tie, the post
  with the larger id). **Linear**: it is split equally among the distinct touching posts.
- A post's **GMV** is the sum of the values credited to it; its **orders** the sum of the shares
  of orders credited (an order split between two posts counts ½ to each); its **buyers** the
  distinct members with any credit to it; its **conversion rate** buyers ÷ viewers, the distinct
  members who saw it from ``WINDOW`` before the period's start to its end — the sightings that
  can be credited with the period's orders, so every buyer is a viewer and the rate is at most 1
  (0 when nobody saw it).

Worked example (the test ``tests/domain/test_attribution_rules.py`` checks these exact values).
Posts: P1 tagged {BEAN}, P2 tagged {BEAN, MUG}, P3 tagged {FLOUR}. Day 0 is 2026-11-01 00:00 UTC.

- Member 1 saw P1 on day 0 and P2 on day 2, and ordered (BEAN, MUG) for 100.00 on day 3. BEAN is
  worth 50.00, MUG 50.00. BEAN was touched by P1 (3 d before) and P2 (1 d): last-touch gives
  P2 50.00, linear 25.00 each. MUG was touched by P2 only: 50.00 to P2 either way.
- Member 2 saw P1 on day 0 and ordered (BEAN) for 40.00 on day 9: 9 d > 7 d, no credit.
- Member 3 saw P3 on day 1 and ordered (FLOUR) for 30.00 on day 1, twelve hours after the
  sighting: 30.00 to P3 either way.
- Member 4 saw P2 on day 5 and bought nothing.

Last-touch: P1 0.00 (0 orders, 0 buyers, viewers {1, 2}: conversion 0/2); P2 100.00 (orders
1 = ½ + ½ — one order's BEAN and MUG shares; buyers {1}; viewers {1, 4}: 1/2); P3 30.00 (1 order,
buyers {3}, viewers {3}: 1/1).
Linear: P1 25.00 (orders ¼: half of the order's BEAN half; buyers {1}; conversion 1/2); P2 75.00
(orders ¾; buyers {1}; 1/2); P3 30.00 (1; {3}; 1/1). Either way the credited GMV is 130.00 of
the 170.00 ordered: member 2's order was not touched within the window.

A **product**'s credit is what its SKU earned for any post: a touched SKU's value goes wholly to
posts under both models, so a product has one GMV. In the example BEAN 50.00 (orders ½, buyers
{1}), MUG 50.00 (½, {1}), FLOUR 30.00 (1, {3}); its viewers are the members who saw any post
tagged with it (BEAN {1, 2, 4}: conversion 1/3).

A **group**'s or a **host**'s credit is the sum of the credits of the posts shared in the group
(in the groups they host): GMV and orders add up, buyers are the distinct members across those
posts, viewers the distinct members who saw any of them. A group run by two hosts counts fully for
each, so hosts' figures are not to be added together."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction

WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Sighting:
    member_id: int
    post_id: int
    seen_at: datetime


@dataclass(frozen=True)
class Order:
    purchase_id: int
    member_id: int
    purchased_at: datetime
    amount_cents: int
    skus: tuple[str, ...]


@dataclass
class PostCredit:
    """What one post is credited with under one model."""

    gmv_cents: Fraction = Fraction(0)
    orders: Fraction = Fraction(0)
    buyers: set[int] = field(default_factory=set)
    viewers: set[int] = field(default_factory=set)

    @property
    def conversion_rate(self) -> float:
        return len(self.buyers) / len(self.viewers) if self.viewers else 0.0


@dataclass
class Attribution:
    last_touch: dict[int, PostCredit] = field(default_factory=lambda: defaultdict(PostCredit))
    linear: dict[int, PostCredit] = field(default_factory=lambda: defaultdict(PostCredit))
    products: dict[str, PostCredit] = field(default_factory=lambda: defaultdict(PostCredit))

    def credited_gmv_cents(self, model: str) -> Fraction:
        credits: dict[int, PostCredit] = getattr(self, model)
        return sum((credit.gmv_cents for credit in credits.values()), Fraction(0))


def _touching(
    order: Order, sku: str, seen: list[Sighting], tags: Mapping[int, frozenset[str]]
) -> list[Sighting]:
    return [
        s
        for s in seen
        if sku in tags.get(s.post_id, frozenset())
        and s.seen_at <= order.purchased_at <= s.seen_at + WINDOW
    ]


def attribute(
    orders: Iterable[Order],
    sightings: Iterable[Sighting],
    tags: Mapping[int, frozenset[str]],
    into: Attribution | None = None,
    count_viewers: bool = True,
) -> Attribution:
    """Credit ``orders`` to the tagged posts their buyers saw (both models). ``into`` lets a
    caller stream members in chunks: each chunk's orders and sightings add to the same result.
    ``count_viewers`` False leaves the posts' viewers empty: a report over stored data counts
    them in the database rather than hold a set per post of every member who saw it."""
    result = into or Attribution()
    by_member: dict[int, list[Sighting]] = defaultdict(list)
    for sighting in sightings:
        by_member[sighting.member_id].append(sighting)
        if count_viewers:
            for model in (result.last_touch, result.linear):
                model[sighting.post_id].viewers.add(sighting.member_id)
    for order in orders:
        if not order.skus:
            continue
        share = Fraction(order.amount_cents, len(order.skus))
        order_share = Fraction(1, len(order.skus))
        for sku in order.skus:
            touching = _touching(order, sku, by_member.get(order.member_id, []), tags)
            if not touching:
                continue
            _credit(result.products[sku], order, share, order_share)
            last = max(touching, key=lambda s: (s.seen_at, s.post_id))
            _credit(result.last_touch[last.post_id], order, share, order_share)
            posts = sorted({s.post_id for s in touching})
            for post_id in posts:
                part = Fraction(1, len(posts))
                _credit(result.linear[post_id], order, share * part, order_share * part)
    return result


def _credit(credit: PostCredit, order: Order, value: Fraction, orders: Fraction) -> None:
    credit.gmv_cents += value
    credit.orders += orders
    credit.buyers.add(order.member_id)
