"""The operator dashboard: the period's KPIs beside the previous period's, twelve months of
active members and repurchase, tier distribution and posts per group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.functions import Count

from domain.kpis import metrics
from domain.kpis.metrics import Period, Scope, ratio
from domain.posts.models import Post, PostStatus
from domain.segments.rfm import Tier


@dataclass(frozen=True)
class Kpis:
    members: int
    monthly_active_members: int
    repurchase_rate: float
    average_ltv_cents: int
    cac_cents: int | None
    nps: float | None
    referral_share: float
    posts_published: int
    new_members: int


@dataclass(frozen=True)
class MonthPoint:
    month: date  # the first day
    active_members: int
    repurchase_rate: float
    buyers: int


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    period: Period
    current: Kpis
    previous: Kpis
    months: list[MonthPoint]
    tiers: dict[Tier, int]
    posts_per_group: list[tuple[str, int]]

    def tier_share(self, tier: Tier) -> float:
        return ratio(self.tiers.get(tier, 0), sum(self.tiers.values()))


async def kpis(scope: Scope, period: Period) -> Kpis:
    again, buyers = await metrics.repurchase(scope, period)
    joined, referred = await metrics.new_members(scope, period)
    return Kpis(
        members=await metrics.members(scope, period),
        monthly_active_members=await metrics.monthly_active_members(scope, period),
        repurchase_rate=ratio(again, buyers),
        average_ltv_cents=await metrics.average_ltv_cents(scope, period),
        cac_cents=await metrics.cac_cents(scope, period),
        nps=await metrics.nps(scope, period),
        referral_share=ratio(referred, joined),
        posts_published=await metrics.posts_published(scope, period),
        new_members=joined,
    )


def month_periods(last_day: date, count: int = 12) -> list[Period]:
    """``count`` calendar months ending with the month of ``last_day``, oldest first."""
    periods = []
    first = last_day.replace(day=1)
    for _ in range(count):
        next_month = (first + timedelta(days=32)).replace(day=1)
        periods.append(Period(first, next_month - timedelta(days=1)))
        first = (first - timedelta(days=1)).replace(day=1)
    return periods[::-1]


async def month_point(scope: Scope, period: Period) -> MonthPoint:
    again, buyers = await metrics.repurchase(scope, period)
    return MonthPoint(
        month=period.first,
        active_members=await metrics.monthly_active_members(scope, period),
        repurchase_rate=ratio(again, buyers),
        buyers=buyers,
    )


async def posts_per_group(scope: Scope, period: Period) -> list[tuple[str, int]]:
    posts = Post.filter(
        status__in=[PostStatus.PUBLISHED, PostStatus.HIDDEN],
        published_at__gte=period.start,
        published_at__lt=period.end,
        group_id__isnull=False,
    )
    if scope.group_id is not None:
        posts = posts.filter(group_id=scope.group_id)
    elif scope.estate_id is not None:
        posts = posts.filter(author_id__in=scope.member_ids())
    rows = (
        await posts.group_by("group__name")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("group__name", "n")
    )
    return [(str(name), int(n)) for name, n in rows]


async def dashboard(scope: Scope, period: Period) -> Dashboard:
    current = await kpis(scope, period)
    previous = await kpis(scope, period.previous())
    months = [await month_point(scope, p) for p in month_periods(period.last)]
    return Dashboard(
        scope=scope,
        period=period,
        current=current,
        previous=previous,
        months=months,
        tiers=await metrics.tier_counts(scope),
        posts_per_group=await posts_per_group(scope, period),
    )
