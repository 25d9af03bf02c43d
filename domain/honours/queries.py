"""Reads of honours: who qualifies for each rule badge, a member's trust facts, badges and
public profile, and the badge list with holders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.functions import Count, Sum
from tortoise.queryset import QuerySet

from domain.campaigns.models import Campaign, CampaignEntry
from domain.columns import column
from domain.events.models import EventRegistration, RegistrationStatus
from domain.honours import rules
from domain.honours.models import BadgeAward
from domain.identity.models import Member
from domain.points.models import CheckIn
from domain.posts.models import Post, PostKind, PostStatus, Report
from domain.posts.queries import visible_to
from domain.referrals.models import Referral, ReferralStatus


def _of(query: QuerySet[Any], field: str, member_id: int | None) -> QuerySet[Any]:
    return query.filter(**{field: member_id}) if member_id is not None else query


async def _having(query: QuerySet[Any], field: str, at_least: int) -> list[int]:
    grouped = query.annotate(n=Count("id")).group_by(field).filter(n__gte=at_least)
    return sorted({int(v) for v in await column(grouped, field)})


async def _first_recipe(member_id: int | None) -> list[int]:
    query = Post.filter(kind=PostKind.RECIPE, published_at__isnull=False)
    return sorted(set(await column(_of(query, "author_id", member_id), "author_id")))


async def _featured(member_id: int | None) -> list[int]:
    query = _of(Post.filter(featured=True), "author_id", member_id)
    return await _having(query, "author_id", rules.FEATURED_POSTS_NEEDED)


async def _streak(member_id: int | None) -> list[int]:
    query = CheckIn.filter(streak__gte=rules.STREAK_DAYS_NEEDED)
    return sorted(set(await column(_of(query, "member_id", member_id), "member_id")))


async def _campaign_winner(member_id: int | None) -> list[int]:
    winners = await column(Campaign.filter(winner_entry_id__isnull=False), "winner_entry_id")
    query = _of(CampaignEntry.filter(id__in=winners), "proposer_id", member_id)
    return sorted(set(await column(query, "proposer_id"))) if winners else []


async def _event_regular(member_id: int | None) -> list[int]:
    query = EventRegistration.filter(status=RegistrationStatus.CHECKED_IN)
    return await _having(
        _of(query, "member_id", member_id), "member_id", rules.EVENTS_ATTENDED_NEEDED
    )


async def _referral_star(member_id: int | None) -> list[int]:
    query = _of(Referral.filter(status=ReferralStatus.REWARDED), "referrer_id", member_id)
    return await _having(query, "referrer_id", rules.REFERRALS_REWARDED_NEEDED)


async def _koc(member_id: int | None) -> list[int]:
    return sorted(await column(_of(Member.filter(tier="KOC"), "id", member_id), "id"))


# Who meets each rule badge's condition (everyone, or only ``member_id`` when given).
QUALIFIERS: dict[str, Callable[[int | None], Awaitable[list[int]]]] = {
    rules.FIRST_RECIPE: _first_recipe,
    rules.FEATURED_10: _featured,
    rules.STREAK_7: _streak,
    rules.CAMPAIGN_WINNER: _campaign_winner,
    rules.EVENT_REGULAR: _event_regular,
    rules.REFERRAL_STAR: _referral_star,
    rules.KOC_QUARTER: _koc,
}


async def trust_facts(member: Member, now: datetime) -> rules.TrustFacts:
    """What the member's trust level is computed from, in two statements."""
    rows = (
        await Post.filter(author_id=member.id, published_at__isnull=False)
        .annotate(n=Count("id"), likes=Sum("like_count"))
        .values("n", "likes")
    )
    published = int(rows[0]["n"] or 0) if rows else 0
    likes = int(rows[0]["likes"] or 0) if rows else 0
    upheld = len(
        set(
            await column(
                Report.filter(post__author_id=member.id, post__status=PostStatus.HIDDEN),
                "post_id",
            )
        )
    )
    return rules.TrustFacts(now - member.created_at, published, upheld, likes)


async def trust_level_of(member: Member, now: datetime) -> int:
    return rules.trust_level(await trust_facts(member, now))


async def badges_of(member_id: int) -> list[BadgeAward]:
    """The badges the member holds now, oldest first."""
    return await BadgeAward.filter(member_id=member_id, revoked_at__isnull=True).order_by(
        "awarded_at", "id"
    )


async def holds(member_id: int, code: str) -> bool:
    return await BadgeAward.exists(member_id=member_id, code=code, revoked_at__isnull=True)


@dataclass(frozen=True)
class PublicProfile:
    """What anyone may see of a member: never the phone, purchases or tier. ``posts`` is None
    when the profile was read without them (a list of people: ``profile_posts`` reads them)."""

    member_id: int
    display_name: str
    avatar_url: str | None
    estate_name: str | None
    shown_badge: str | None
    badges: list[BadgeAward]
    posts: list[Post] | None


PROFILE_POSTS = 20


async def profile_posts(member_id: int, viewer_id: int | None) -> list[Post]:
    """The member's latest published posts as ``viewer_id`` sees them: the posts of private
    groups the viewer is not a member of are left out (``visibility``)."""
    published = Post.filter(author_id=member_id, status=PostStatus.PUBLISHED)
    return (
        await visible_to(published, viewer_id).order_by("-published_at", "-id").limit(PROFILE_POSTS)
    )


async def public_profile(member_id: int, viewer_id: int | None) -> PublicProfile | None:
    """One member's profile with their latest posts, as ``viewer_id`` sees them."""
    profiles = await public_profiles([member_id])
    if member_id not in profiles:
        return None
    profile = profiles[member_id]
    posts = await profile_posts(member_id, viewer_id)
    return PublicProfile(
        profile.member_id,
        profile.display_name,
        profile.avatar_url,
        profile.estate_name,
        profile.shown_badge,
        profile.badges,
        posts,
    )


async def public_profiles(member_ids: list[int]) -> dict[int, PublicProfile]:
    """Several members' profiles without their posts, in two statements whatever their number:
    the members with their estates, then the badges they hold."""
    if not member_ids:
        return {}
    members = await Member.filter(id__in=member_ids).select_related("estate")
    awards = await BadgeAward.filter(
        member_id__in=[m.id for m in members], revoked_at__isnull=True
    ).order_by("awarded_at", "id")
    held: dict[int, list[BadgeAward]] = {m.id: [] for m in members}
    for award in awards:
        held[award.member_id].append(award)
    return {
        m.id: PublicProfile(
            member_id=m.id,
            display_name=m.display_name,
            avatar_url=m.avatar_url,
            estate_name=m.estate.name if m.estate else None,
            shown_badge=m.shown_badge,
            badges=held[m.id],
            posts=None,
        )
        for m in members
    }


@dataclass(frozen=True)
class Holder:
    member_id: int
    display_name: str
    awarded_at: datetime
    reason: str
    manual: bool


async def holders_by_badge() -> dict[str, list[Holder]]:
    """Every catalogue badge with its current holders, earliest award first."""
    rows = await (
        BadgeAward.filter(revoked_at__isnull=True)
        .select_related("member")
        .order_by("code", "awarded_at", "id")
    )
    out: dict[str, list[Holder]] = {code: [] for code in rules.CATALOGUE}
    for row in rows:
        holder = Holder(
            row.member_id, row.member.display_name, row.awarded_at, row.reason, row.manual
        )
        out.setdefault(row.code, []).append(holder)
    return out
