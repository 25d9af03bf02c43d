"""Operator KPIs, each defined as in the product specification and computed in SQL (counts, sums
and IN-subqueries that the database evaluates; Python only divides).

A period is a pair of Shanghai dates, both included; ``Scope`` narrows members to an estate or to
a group's members (a group also narrows posts to the group's own). Definitions:

- members: members who had joined by the end of the period;
- monthly active members: members with any activity in the 30 days up to the end of the period
  (logged in, published a post, liked, commented, voted, checked in, bought);
- repurchase rate: the period's buyers who had also bought in the 90 days before the period starts
  ÷ the period's buyers (a month's rate when the period is a month);
- average LTV: everything members bought from joining to the end of the period ÷ members;
- CAC: (acquisition spend recorded in the period + referral points awarded in the period at ¥0.01
  each) ÷ members who joined in the period;
- NPS: % of the period's answers at 9-10 minus % at 0-6 (None without answers);
- referral share: members who joined in the period with an inviter ÷ members who joined in it;
- posts published: posts first published in the period;
- tier shares: members of each tier now ÷ members.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count, Sum
from tortoise.queryset import QuerySet

from domain.campaigns.models import Vote
from domain.clock import SHANGHAI
from domain.groups.models import GroupMembership
from domain.identity.models import Member
from domain.points.models import CheckIn, LedgerEntry, LedgerReason
from domain.posts.models import Comment, Post, PostLike, PostStatus
from domain.purchases.models import Purchase
from domain.segments.models import AcquisitionSpend, NpsResponse
from domain.segments.rfm import Tier

ACTIVE_DAYS = 30
REPURCHASE_LOOKBACK_DAYS = 90
REFERRAL_POINT_CENTS = 1  # a referral point costs the brand ¥0.01


@dataclass(frozen=True)
class Scope:
    estate_id: int | None = None
    group_id: int | None = None

    def members(self) -> Q:
        q = Q()
        if self.estate_id is not None:
            q &= Q(estate_id=self.estate_id)
        if self.group_id is not None:
            q &= Q(
                id__in=Subquery(GroupMembership.filter(group_id=self.group_id).values("member_id"))
            )
        return q

    def member_ids(self) -> Subquery:
        return Subquery(Member.filter(self.members()).values("id"))


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    # The longest range a dashboard reads, the same for the portal and GraphQL: one year of days
    # (a leap year's included), the span its daily charts are drawn for.
    MAX_DAYS: ClassVar[int] = 366

    @property
    def too_long(self) -> bool:
        return (self.last - self.first).days + 1 > self.MAX_DAYS

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), SHANGHAI)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return datetime.combine(self.last + timedelta(days=1), time(), SHANGHAI)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))


async def _total(query: QuerySet[Any], column: str) -> int:
    """SUM(column) over ``query`` (0 when it has no rows), in the database."""
    rows = await query.annotate(total=Sum(column)).values("total")
    return int(rows[0]["total"] or 0) if rows else 0


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


async def members(scope: Scope, period: Period) -> int:
    return await Member.filter(scope.members(), created_at__lt=period.end).count()


async def monthly_active_members(scope: Scope, period: Period) -> int:
    since, until = period.end - timedelta(days=ACTIVE_DAYS), period.end

    def within(field: str) -> dict[str, Any]:
        return {f"{field}__gte": since, f"{field}__lt": until}

    sources = [
        Post.filter(**within("published_at")).values("author_id"),
        PostLike.filter(**within("created_at")).values("member_id"),
        Comment.filter(**within("created_at")).values("author_id"),
        Vote.filter(**within("created_at")).values("member_id"),
        CheckIn.filter(**within("created_at")).values("member_id"),
        Purchase.filter(**within("purchased_at")).values("member_id"),
    ]
    active = Q(**within("last_seen_at"))
    for source in sources:
        active |= Q(id__in=Subquery(source))
    return await Member.filter(scope.members(), active, created_at__lt=until).count()


async def repurchase(scope: Scope, period: Period) -> tuple[int, int]:
    """(buyers of the period who had also bought in the 90 days before it, buyers)."""
    in_period = Purchase.filter(purchased_at__gte=period.start, purchased_at__lt=period.end)
    before = Purchase.filter(
        purchased_at__gte=period.start - timedelta(days=REPURCHASE_LOOKBACK_DAYS),
        purchased_at__lt=period.start,
    )
    buyers = Member.filter(scope.members(), id__in=Subquery(in_period.values("member_id")))
    again = await buyers.filter(id__in=Subquery(before.values("member_id"))).count()
    return again, await buyers.count()


async def average_ltv_cents(scope: Scope, period: Period) -> int:
    count = await members(scope, period)
    total = await _total(
        Purchase.filter(member_id__in=scope.member_ids(), purchased_at__lt=period.end),
        "amount_cents",
    )
    return round(total / count) if count else 0


async def new_members(scope: Scope, period: Period) -> tuple[int, int]:
    """(members who joined in the period, of whom with an inviter)."""
    joined = Member.filter(scope.members(), created_at__gte=period.start, created_at__lt=period.end)
    return await joined.count(), await joined.filter(referred_by_id__isnull=False).count()


async def cac_cents(scope: Scope, period: Period) -> int | None:
    """Acquisition cost per new member; None when nobody joined."""
    joined, _ = await new_members(scope, period)
    spend = AcquisitionSpend.filter(spent_on__gte=period.first, spent_on__lte=period.last)
    if scope.estate_id is not None:
        spend = spend.filter(estate_id=scope.estate_id)
    spent = await _total(spend, "amount_cents")
    points = await _total(
        LedgerEntry.filter(
            member_id__in=scope.member_ids(),
            reason=LedgerReason.REFERRAL,
            created_at__gte=period.start,
            created_at__lt=period.end,
        ),
        "amount",
    )
    cost = spent + points * REFERRAL_POINT_CENTS
    return round(cost / joined) if joined else None


async def nps(scope: Scope, period: Period) -> float | None:
    answers = NpsResponse.filter(
        member_id__in=scope.member_ids(),
        created_at__gte=period.start,
        created_at__lt=period.end,
    )
    total = await answers.count()
    if not total:
        return None
    promoters = await answers.filter(score__gte=9).count()
    detractors = await answers.filter(score__lte=6).count()
    return round(100 * (promoters - detractors) / total, 1)


async def posts_published(scope: Scope, period: Period) -> int:
    posts = Post.filter(
        status__in=[PostStatus.PUBLISHED, PostStatus.HIDDEN],
        published_at__gte=period.start,
        published_at__lt=period.end,
    )
    if scope.group_id is not None:
        posts = posts.filter(group_id=scope.group_id)
    elif scope.estate_id is not None:
        posts = posts.filter(author_id__in=scope.member_ids())
    return await posts.count()


async def tier_counts(scope: Scope) -> dict[Tier, int]:
    rows = (
        await Member.filter(scope.members(), tier__isnull=False)
        .group_by("tier")
        .annotate(n=Count("id"))
        .values_list("tier", "n")
    )
    found = {Tier(str(tier)): int(n) for tier, n in rows}
    return {tier: found.get(tier, 0) for tier in Tier}
