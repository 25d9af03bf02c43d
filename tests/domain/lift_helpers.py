"""The worked example of ``domain/lift/rules.py`` as stored members: posters in July 2026 against
members who did not post, with what each bought from 1 August to 29 October (the 90 days), plus
members the report must leave out and rows just outside every boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count

from domain.clock import SHANGHAI
from domain.identity.models import Estate, Member, Role
from domain.posts.models import Post, PostKind, PostStatus
from domain.privacy.request_models import AccountDeletion, DeletionStatus
from domain.purchases.models import Purchase
from domain.segments.models import TierChange
from tests.factories import make_estate, make_member

FIRST, LAST = date(2026, 7, 1), date(2026, 7, 31)
JOINED = datetime(2026, 5, 1, tzinfo=UTC)
_orders = count(1)


def shanghai(day: str, at: str = "12:00") -> datetime:
    """A Shanghai wall-clock moment, stored as UTC."""
    return datetime.fromisoformat(f"{day}T{at}").replace(tzinfo=SHANGHAI).astimezone(UTC)


async def tier(member: Member, to_tier: str, day: str, at: str = "12:00") -> None:
    await TierChange.create(
        member_id=member.id,
        to_tier=to_tier,
        frequency=1,
        monetary_cents=100,
        r=1,
        f=1,
        m=1,
        score=3,
        computed_at=shanghai(day, at),
    )


async def bought(member: Member, yuan: float, day: str, at: str = "12:00") -> None:
    when = shanghai(day, at)
    await Purchase.create(
        order_id=f"lift-{next(_orders)}",
        member_id=member.id,
        amount_cents=round(yuan * 100),
        purchased_at=when,
        items=[],
        source="API",
        batch="lift",
        created_at=when,
    )


async def posted(
    member: Member, day: str, status: str = PostStatus.PUBLISHED, at: str = "12:00"
) -> Post:
    when = shanghai(day, at)
    published = status in (PostStatus.PUBLISHED, PostStatus.HIDDEN)
    return await Post.create(
        author_id=member.id,
        kind=PostKind.TIP,
        title="团购心得",
        body="今天的鸡蛋很新鲜。",
        body_html="<p>今天的鸡蛋很新鲜。</p>",
        excerpt="今天的鸡蛋很新鲜。",
        status=status,
        created_at=when,
        published_at=when if published else None,
    )


async def resident(estate: Estate, name: str, roles: tuple[Role, ...] = (Role.RESIDENT,)) -> Member:
    return await make_member(display_name=name, estate=estate, joined_at=JOINED, roles=roles)


async def posters_world() -> dict[str, Member]:
    """T1–T4 posted in July, U1–U6 did not (the docstring's members), plus an admin, an erased
    member and a late joiner who posted and bought but are no part of the report."""
    one, two = await make_estate("翠湖花园"), await make_estate("金桥小区")
    m = {
        name: await resident(one, name) for name in ("T1", "T2", "T3", "U1", "U2", "U3", "U4", "U5")
    }
    m |= {name: await resident(two, name) for name in ("T4", "U6")}
    for name in ("T1", "T2", "U1", "U3", "U4"):
        await tier(m[name], "POTENTIAL", "2026-06-01")
    await tier(m["U2"], "DORMANT", "2026-05-10")
    await tier(m["U2"], "POTENTIAL", "2026-06-20")  # the latest before the start wins
    await tier(m["T1"], "KOC", "2026-07-15")  # after the start: not T1's tier for the report
    await tier(m["T3"], "KOC", "2026-06-30", "23:59")  # the last minute before the period
    await tier(m["U5"], "KOC", "2026-06-02")
    await tier(m["T4"], "DORMANT", "2026-06-03")
    # U6 has no tier change: NEWCOMER.

    await posted(m["T1"], "2026-07-10")
    await posted(m["T2"], "2026-07-31", PostStatus.HIDDEN, at="23:30")  # hidden since: counts
    await posted(m["T3"], "2026-07-01", at="00:00")
    await posted(m["T4"], "2026-07-20")
    await posted(m["U1"], "2026-07-12", PostStatus.PENDING)  # never published
    await posted(m["U1"], "2026-07-13", PostStatus.REJECTED)
    await posted(m["U2"], "2026-08-01", at="00:00")  # after the period
    await posted(m["U3"], "2026-06-30", at="23:59")  # before it

    await bought(m["T1"], 50, "2026-08-05")
    await bought(m["T1"], 50, "2026-09-05")
    await bought(m["T2"], 80, "2026-07-31", "23:00")  # in the period, not in the 90 days after
    for yuan in (100, 60, 40):
        await bought(m["T3"], yuan, "2026-08-01", "00:00")
    for day in ("2026-08-02", "2026-08-09", "2026-08-16", "2026-08-23", "2026-08-30"):
        await bought(m["T4"], 100, day)
    await bought(m["U1"], 30, "2026-08-10")
    await bought(m["U1"], 30, "2026-10-01")
    await bought(m["U2"], 20, "2026-09-09")
    await bought(m["U3"], 90, "2026-10-30", "00:00")  # day 91: outside
    await bought(m["U5"], 40, "2026-10-29", "23:59")  # the 90th day's last minute: inside
    for day in ("2026-08-03", "2026-08-04", "2026-08-05", "2026-08-06"):
        await bought(m["U6"], 100, day)

    admin = await resident(one, "运营", roles=(Role.RESIDENT, Role.ADMIN))
    gone = await resident(one, "已注销")
    late = await make_member(
        display_name="新邻居", estate=one, joined_at=shanghai("2026-08-01", "00:00")
    )
    for member in (admin, gone, late):
        await tier(member, "POTENTIAL", "2026-06-01")
        await bought(member, 70, "2026-08-20")
        await bought(member, 70, "2026-08-21")
    await posted(admin, "2026-07-05")
    await posted(gone, "2026-07-05")
    await AccountDeletion.create(
        member_id=gone.id,
        status=DeletionStatus.ERASED,
        keep_posts=True,
        requested_at=JOINED,
        due_at=JOINED,
        erased_at=JOINED,
    )
    return m
