"""Demo purchases and referrals: a year of group-buying orders with a realistic skew (a few heavy
buyers, many occasional ones, some lapsed for more than 180 days, some who never bought), and the
referral rows of members who joined with an invite code — some rewarded by a first purchase, some
still waiting. Orders go through ``record_purchases`` week by week as the mall would send them,
so every point is a ledger entry and ``linli reconcile`` stays clean. Points of orders older than
the 15-day after-sales window are released by the due-jobs run every app process kicks at start-up
(one transaction per lot, a few seconds for the demo), not here, so seeding stays quick.

About one order in seven also carries one of the brand's catalogue SKUs (what posts are tagged
with), drawn from a second seeded stream so the rest of the orders do not change with it."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta

from demo.activity import last_seen
from demo.residents import DEMO_RESIDENT_PHONE
from domain.clock import SHANGHAI, FrozenClock
from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.purchases.rules import PurchaseRow
from domain.purchases.services import record_purchases
from domain.referrals.models import Referral

YEAR = timedelta(days=365)
LAPSED_AFTER = timedelta(days=180)
# Orders in a year (fewer when the member was around for less of it), by buyer segment.
SEGMENTS: dict[str, tuple[int, int]] = {
    "heavy": (24, 40),
    "regular": (8, 16),
    "occasional": (1, 5),
    "lapsed": (1, 4),
    "never": (0, 0),
}
# The group-buying partners' goods, by name as the mall exports them.
PRODUCTS = (
    "东北黑木耳 250g",
    "潮汕牛肉丸 500g",
    "东北五常大米 5kg",
    "赣南脐橙 5kg",
    "有机小番茄 1kg",
    "新西兰奇异果 12个",
    "低温鲜牛奶 950ml",
    "全麦吐司",
    "冷冻虾仁 500g",
    "宝宝辅食米粉",
    "猫砂 10L",
    "洗衣凝珠 52颗",
    "厨房纸巾 6卷",
    "云南高山蓝莓 4盒",
)
# The brand's own products (``demo.products``) by catalogue SKU, in about one order in seven:
# the ones posts are tagged with, so the dashboard can credit such orders to the posts their
# buyers saw. Coffee, flour and eggs sell more than seeds and soil.
BRAND_SHARE = 0.15
BRAND_SKUS = {
    "COF-GE-10": 5,
    "COF-YJ-200": 3,
    "FLR-ORG-1K": 4,
    "EGG-30": 5,
    "SOIL-10L": 1,
    "SEED-TOM-01": 1,
}
_WEEK = timedelta(days=7)


def _amount(rng: random.Random, heavy: bool) -> int:
    """Community group-buying baskets: mostly ¥30–¥150, a long tail of big family orders."""
    median = 9000 if heavy else 6000
    return max(990, min(80_000, int(rng.lognormvariate(math.log(median), 0.6))))


# Segment weights by how lately the member was last seen: who still opens the app buys most.
_SEGMENTS_BY_RECENCY: tuple[tuple[timedelta, dict[str, float]], ...] = (
    (timedelta(days=30), {"heavy": 0.22, "regular": 0.40, "occasional": 0.28, "never": 0.10}),
    (LAPSED_AFTER, {"heavy": 0.02, "regular": 0.22, "occasional": 0.48, "never": 0.28}),
    (timedelta.max, {"lapsed": 0.72, "never": 0.28}),
)


def _segment(rng: random.Random, member: Member, now: datetime) -> tuple[str, tuple[int, int]]:
    away = now - last_seen(member, now)
    weights = next(w for limit, w in _SEGMENTS_BY_RECENCY if away <= limit)
    name = rng.choices(list(weights), list(weights.values()))[0]
    return name, SEGMENTS[name]


def _times(
    rng: random.Random, segment: str, count: int, member: Member, now: datetime
) -> list[datetime]:
    """Orders while the member was around: none after they were last seen."""
    start = max(member.created_at, now - YEAR)
    end = last_seen(member, now)
    if segment == "lapsed":
        end = min(end, now - LAPSED_AFTER - timedelta(days=1))
    if end <= start:
        return []
    span = (end - start).total_seconds()
    return sorted(start + timedelta(seconds=rng.uniform(0, span)) for _ in range(count))


def _with_brand_products(rng: random.Random, basket: list[str]) -> list[str]:
    """Some orders also carry one of the brand's products (drawn apart from the rest of the
    order, so the orders' times and amounts stay the same whatever the catalogue)."""
    if rng.random() >= BRAND_SHARE:
        return basket
    return [*basket, *rng.choices(list(BRAND_SKUS), list(BRAND_SKUS.values()))]


def _plan_orders(
    rng: random.Random,
    brand: random.Random,
    residents: list[Member],
    now: datetime,
    buyers: set[int],
) -> list[PurchaseRow]:
    rows: list[PurchaseRow] = []
    for member in residents:
        segment, (low, high) = _segment(rng, member, now)
        if member.id in buyers and segment in ("never", "lapsed"):
            segment, (low, high) = "occasional", (1, 3)
        count = rng.randint(low, high)
        for at in _times(rng, segment, count, member, now):
            basket = rng.sample(PRODUCTS, rng.randint(1, 4))
            rows.append(
                PurchaseRow(
                    line=len(rows),
                    order_id=f"YM{at.astimezone(SHANGHAI):%Y%m%d}{len(rows):06d}",
                    amount_cents=_amount(rng, segment == "heavy"),
                    purchased_at=at,
                    member_id=member.id,
                    items=_with_brand_products(brand, basket),
                    # Collected at the buyer's estate's pickup point: it verifies them there.
                    pickup_estate=str(member.estate_id) if member.estate_id else None,
                )
            )
    return rows


async def _invite_for_the_demo_resident(
    rng: random.Random, members: list[Member]
) -> tuple[set[int], int | None]:
    """The README's resident invited three later neighbours: two have bought, one has not."""
    resident = next((m for m in members if m.phone == DEMO_RESIDENT_PHONE), None)
    if resident is None:
        return set(), None
    later = [
        m
        for m in members
        if m.created_at > resident.created_at and m.referred_by_id is None and not m.roles[1:]
    ]
    chosen = rng.sample(later, min(3, len(later)))
    for member in chosen:
        member.referred_by_id = resident.id
        await Member.filter(id=member.id).update(referred_by_id=resident.id)
    return {m.id for m in chosen[:2]}, chosen[2].id if len(chosen) > 2 else None


async def seed_purchases_demo(c: Collaborators, seed: int = 20261121) -> dict[str, int]:
    """Runs after the members exist; returns what it made."""
    rng = random.Random(seed)  # noqa: S311 -- demo data, not security
    now = c.clock.now()
    members = list(await Member.all().order_by("id"))
    admin = next(m for m in members if m.has_role(Role.ADMIN))
    staff = (Role.ADMIN, Role.MODERATOR)
    residents = [m for m in members if not any(m.has_role(r) for r in staff)]
    buyers, waiting = await _invite_for_the_demo_resident(rng, members)
    invited = [m for m in members if m.referred_by_id is not None]
    await Referral.bulk_create(
        [
            Referral(referrer_id=m.referred_by_id, invitee_id=m.id, created_at=m.created_at)
            for m in invited
        ],
        batch_size=50,
    )
    # The brand's products come from a stream of their own, so the other orders (and the tiers
    # they make) are the same with or without them.
    brand = random.Random(seed + 1)  # noqa: S311 -- demo data, not security
    planned = _plan_orders(rng, brand, residents, now, buyers)
    rows = [r for r in planned if r.member_id != waiting]
    weeks: dict[int, list[PurchaseRow]] = defaultdict(list)
    for row in rows:
        weeks[int((row.purchased_at - (now - YEAR)) / _WEEK)].append(row)
    recorded = points = rewarded = 0
    for week in sorted(weeks):
        # The mall sends each week's orders at the week's end (or now, for this week).
        sent_at = min(now, now - YEAR + (week + 1) * _WEEK)
        summary = await record_purchases(replace(c, clock=FrozenClock(sent_at)), admin, weeks[week])
        recorded += summary.recorded
        points += summary.points
        rewarded += summary.referrals_rewarded
    return {
        "purchases": recorded,
        "buyers": len({r.member_id for r in rows}),
        "points": points,
        "referrals": len(invited),
        "rewarded": rewarded,
    }
