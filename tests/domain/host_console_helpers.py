"""A small hand-made world for the host console and the member's standing."""

from __future__ import annotations

from datetime import timedelta

from domain.collaborators import Collaborators
from domain.groups.models import GroupMembership, InterestGroup
from domain.identity.models import Member
from domain.posts.models import Post, PostKind, PostStatus
from domain.purchases.models import Purchase
from domain.segments.models import TierChange


async def join(c: Collaborators, group: InterestGroup, *members: Member) -> None:
    for member in members:
        await GroupMembership.create(group=group, member=member, joined_at=c.clock.now())
    await InterestGroup.filter(id=group.id).update(member_count=len(members))


async def buys(c: Collaborators, member: Member, times: int, cents: int, days_ago: int) -> None:
    """``times`` purchases of ``cents``, the latest ``days_ago`` days ago."""
    for n in range(times):
        when = c.clock.now() - timedelta(days=days_ago + n)
        await Purchase.create(
            order_id=f"h-{member.id}-{days_ago}-{n}",
            member_id=member.id,
            amount_cents=cents,
            purchased_at=when,
            items=[],
            source="API",
            batch="host",
            created_at=when,
        )


async def post_in(c: Collaborators, group: InterestGroup, author: Member, status: str) -> Post:
    when = c.clock.now() - timedelta(days=1)
    published = status in (PostStatus.PUBLISHED, PostStatus.HIDDEN)
    return await Post.create(
        author_id=author.id,
        group_id=group.id,
        kind=PostKind.TIP,
        title="本周团购清单",
        body="牛奶鸡蛋和青菜。",
        body_html="<p>牛奶鸡蛋和青菜。</p>",
        excerpt="牛奶鸡蛋和青菜。",
        status=status,
        created_at=when,
        published_at=when if published else None,
    )


async def moved(
    c: Collaborators, member: Member, to_tier: str, days_ago: int, from_tier: str | None = None
) -> None:
    """A tier change ``days_ago`` days ago; the member's tier becomes ``to_tier``."""
    await TierChange.create(
        member_id=member.id,
        from_tier=from_tier,
        to_tier=to_tier,
        recency_days=200,
        frequency=1,
        monetary_cents=1000,
        r=1,
        f=1,
        m=1,
        score=3,
        computed_at=c.clock.now() - timedelta(days=days_ago),
    )
    await Member.filter(id=member.id).update(tier=to_tier)
