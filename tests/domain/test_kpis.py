"""Every KPI on a small world worked out by hand (dates in Shanghai time).

Estate 阳光花园 (A), period November 2026:
  m1 joined 2026-01-10; bought ¥100 on 09-15 and ¥50 on 11-05; published a post on 11-08;
     earned +100 for referring m2 on 11-12; answered NPS 10.
  m2 joined 11-03 invited by m1; bought ¥80 on 11-10; earned +100 as the invitee; NPS 9.
  m3 joined 11-20; no purchase; liked m1's post on 11-21; NPS 3.
  m4 joined 2025-06-01; bought ¥300 on 2026-03-01; nothing since.
Estate 绿地小区 (B): m5 joined 11-02, bought ¥20 on 11-12. Spend: A ¥300, B ¥100 in November.
Tiers as last computed: m1 KOC, m2 POTENTIAL, m3 NEWCOMER, m4 DORMANT, m5 POTENTIAL.

For A in November:
  members = m1..m4 = 4
  monthly active (11-01..11-30) = m1 (bought, posted), m2 (bought), m3 (liked) = 3
  repurchase = buyers m1, m2; of them bought in 08-03..10-31: m1 → 1/2 = 0.5
  average LTV = (15,000 + 8,000 + 30,000) cents / 4 = 13,250 cents
  new members = m2, m3; with an inviter: m2 → referral share 1/2 = 0.5
  CAC = (30,000 cents spend + 200 referral points × 1 cent) / 2 new = 15,100 cents
  NPS = promoters {10, 9} 2, detractors {3} 1, answers 3 → 100 × 1/3 = 33.3
  posts published = 1; tier shares 1/4 each of KOC, POTENTIAL, NEWCOMER, DORMANT.
For all estates: members 5, new members m2, m3, m5 → referral share 1/3; CAC (40,000 + 200) / 3
  = 13,400 cents; LTV (53,000 + 2,000) / 5 = 11,000 cents; repurchase 1/3.
October (the previous 30 days, 10-02..10-31) for A: no buyers → repurchase 0; members m1, m4.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from domain.clock import SHANGHAI
from domain.collaborators import Collaborators
from domain.identity.models import Estate, Member, Role
from domain.kpis import metrics
from domain.kpis.dashboard import dashboard, kpis, month_periods
from domain.kpis.metrics import Period, Scope
from domain.points.models import LedgerEntry, LedgerReason
from domain.posts.models import Post, PostKind, PostLike, PostStatus
from domain.purchases.models import Purchase
from domain.segments.models import AcquisitionSpend, NpsResponse
from domain.segments.rfm import Tier
from tests.factories import CLOCK_START, make_member

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def at(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 12, 0, tzinfo=SHANGHAI)


async def joined(member: Member, when: datetime, **extra: object) -> Member:
    await Member.filter(id=member.id).update(created_at=when, **extra)
    return await Member.get(id=member.id)


async def bought(member: Member, cents: int, when: datetime) -> None:
    await Purchase.create(
        order_id=f"o-{member.id}-{when:%m%d}",
        member_id=member.id,
        amount_cents=cents,
        purchased_at=when,
        items=[],
        source="API",
        batch="fixture",
        created_at=when,
    )


async def referral_points(member: Member, when: datetime) -> None:
    await LedgerEntry.create(
        member_id=member.id,
        amount=100,
        balance_after=100,
        reason=LedgerReason.REFERRAL,
        description="邀请邻居",
        idempotency_key=f"referral:{member.id}:fixture",
        created_at=when,
    )


@pytest.fixture
async def world(collaborators: Collaborators) -> dict[str, Any]:
    return await build_world()


async def build_world() -> dict[str, Any]:
    """The world of the module docstring; the admin joined in 2025 (estate A)."""
    a = await Estate.create(name="阳光花园", city="上海", district="浦东", created_at=CLOCK_START)
    b = await Estate.create(name="绿地小区", city="上海", district="闵行", created_at=CLOCK_START)
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN), estate=a)
    await joined(admin, at(1, 1, 2025))
    m1 = await joined(await make_member(estate=a), at(1, 10), tier=Tier.KOC.value)
    m2 = await joined(
        await make_member(estate=a), at(11, 3), referred_by_id=m1.id, tier=Tier.POTENTIAL.value
    )
    m3 = await joined(await make_member(estate=a), at(11, 20), tier=Tier.NEWCOMER.value)
    m4 = await joined(await make_member(estate=a), at(6, 1, 2025), tier=Tier.DORMANT.value)
    m5 = await joined(await make_member(estate=b), at(11, 2), tier=Tier.POTENTIAL.value)
    await bought(m1, 10_000, at(9, 15))
    await bought(m1, 5_000, at(11, 5))
    await bought(m2, 8_000, at(11, 10))
    await bought(m4, 30_000, at(3, 1))
    await bought(m5, 2_000, at(11, 12))
    post = await Post.create(
        author_id=m1.id,
        kind=PostKind.TIP,
        title="阳台小番茄",
        body="每天浇一次水。",
        body_html="<p>每天浇一次水。</p>",
        excerpt="每天浇一次水。",
        status=PostStatus.PUBLISHED,
        created_at=at(11, 8),
        published_at=at(11, 8),
        like_count=1,
    )
    await PostLike.create(post=post, member_id=m3.id, created_at=at(11, 21))
    await referral_points(m1, at(11, 12))
    await referral_points(m2, at(11, 12))
    for member, score in ((m1, 10), (m2, 9), (m3, 3)):
        await NpsResponse.create(
            member_id=member.id, quarter="2026Q4", score=score, created_at=at(11, 25)
        )
    for estate, cents in ((a, 30_000), (b, 10_000)):
        await AcquisitionSpend.create(
            estate=estate,
            spent_on=date(2026, 11, 1),
            amount_cents=cents,
            note="试吃装",
            recorded_by_id=admin.id,
            created_at=at(11, 1),
        )
    return {"a": a, "b": b, "admin": admin}


async def test_every_kpi_of_one_estate_matches_the_hand_computation(
    world: dict[str, Any],
) -> None:
    estate = world["a"]
    assert isinstance(estate, Estate)
    # The admin (joined 2025, estate A) is a member too: add one to the hand counts of members.
    found = await kpis(Scope(estate_id=estate.id), NOVEMBER)

    assert found.members == 4 + 1
    assert found.monthly_active_members == 3
    assert found.repurchase_rate == 0.5
    assert found.average_ltv_cents == round(53_000 / 5)
    assert found.new_members == 2 and found.referral_share == 0.5
    assert found.cac_cents == 15_100
    assert found.nps == 33.3
    assert found.posts_published == 1


async def test_all_estates_and_the_previous_period(world: dict[str, Any]) -> None:
    everywhere = await kpis(Scope(), NOVEMBER)
    assert everywhere.members == 5 + 1
    assert everywhere.new_members == 3 and everywhere.referral_share == pytest.approx(1 / 3)
    assert everywhere.cac_cents == 13_400
    assert everywhere.average_ltv_cents == round(55_000 / 6)
    assert everywhere.repurchase_rate == pytest.approx(1 / 3)

    estate = world["a"]
    assert isinstance(estate, Estate)
    october = await kpis(Scope(estate_id=estate.id), NOVEMBER.previous())
    assert NOVEMBER.previous() == Period(date(2026, 10, 2), date(2026, 10, 31))
    assert october.repurchase_rate == 0.0 and october.members == 2 + 1
    assert october.nps is None and october.cac_cents is None


async def test_tier_shares_and_the_dashboard_series(world: dict[str, Any]) -> None:
    estate = world["a"]
    assert isinstance(estate, Estate)
    counts = await metrics.tier_counts(Scope(estate_id=estate.id))
    assert counts == {
        Tier.KOC: 1,
        Tier.HIGH_VALUE: 0,
        Tier.POTENTIAL: 1,
        Tier.DORMANT: 1,
        Tier.NEWCOMER: 1,
    }
    board = await dashboard(Scope(estate_id=estate.id), NOVEMBER)
    assert board.tier_share(Tier.KOC) == 0.25
    assert [p.month for p in board.months][-3:] == [
        date(2026, 9, 1),
        date(2026, 10, 1),
        date(2026, 11, 1),
    ]
    november = board.months[-1]
    assert (november.active_members, november.buyers, november.repurchase_rate) == (3, 2, 0.5)
    september = board.months[-3]
    assert (september.buyers, september.repurchase_rate) == (1, 0.0)
    assert board.posts_per_group == []  # the one post is in no group


def test_twelve_months_end_with_the_period() -> None:
    months = month_periods(date(2026, 3, 31))
    assert len(months) == 12
    assert months[0] == Period(date(2025, 4, 1), date(2025, 4, 30))
    assert months[-2] == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert months[-1] == Period(date(2026, 3, 1), date(2026, 3, 31))
