"""The tier job over real rows: tiers per the RFM rules, a history row for every change and none
for members who stay, the run recorded with its cuts, bounded batches."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from domain.clock import SHANGHAI, FrozenClock
from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.posts.models import Post, PostKind, PostStatus
from domain.purchases.models import Purchase
from domain.segments import tiers
from domain.segments.models import TierChange, TierRun
from domain.segments.recompute import recompute_tiers, recompute_tiers_if_due
from domain.segments.rfm import Tier
from tests.factories import make_member


async def member_aged(c: Collaborators, days: int) -> Member:
    member = await make_member()
    await Member.filter(id=member.id).update(created_at=c.clock.now() - timedelta(days=days))
    return await Member.get(id=member.id)


async def buys(c: Collaborators, member: Member, times: int, cents: int, days_ago: int) -> None:
    for n in range(times):
        when = c.clock.now() - timedelta(days=days_ago + n)
        await Purchase.create(
            order_id=f"t-{member.id}-{days_ago}-{n}",
            member_id=member.id,
            amount_cents=cents,
            purchased_at=when,
            items=[],
            source="API",
            batch="tiers",
            created_at=when,
        )


async def publishes(c: Collaborators, member: Member) -> None:
    when = c.clock.now() - timedelta(days=5)
    await Post.create(
        author_id=member.id,
        kind=PostKind.TIP,
        title="每周囤货清单",
        body="牛奶鸡蛋和青菜。",
        body_html="<p>牛奶鸡蛋和青菜。</p>",
        excerpt="牛奶鸡蛋和青菜。",
        status=PostStatus.PUBLISHED,
        created_at=when,
        published_at=when,
    )


@pytest.fixture
async def town(collaborators: Collaborators) -> dict[str, Member]:
    """Twenty buyers with rising spend (the last is the biggest and posts), a lapsed buyer, a
    newcomer without purchases and an old member who never bought."""
    c = collaborators
    found: dict[str, Member] = {}
    for n in range(1, 21):
        buyer = await member_aged(c, 400)
        await buys(c, buyer, times=n, cents=1_000 * n, days_ago=21 - n)
        found[f"buyer{n}"] = buyer
    await publishes(c, found["buyer20"])
    found["lapsed"] = await member_aged(c, 400)
    await buys(c, found["lapsed"], times=5, cents=50_000, days_ago=200)
    found["newcomer"] = await member_aged(c, 3)
    found["never"] = await member_aged(c, 90)
    return found


async def tier_of(member: Member) -> str | None:
    return (await Member.get(id=member.id)).tier


async def test_tiers_follow_the_rules_and_every_change_has_its_history_row(
    collaborators: Collaborators, town: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tiers, "BATCH", 7)  # several batches, including a partial last one
    seen: list[tuple[int, int]] = []

    run = await recompute_tiers(collaborators, lambda done, total: seen.append((done, total)))

    assert await tier_of(town["buyer20"]) == Tier.KOC
    assert await tier_of(town["buyer19"]) == Tier.HIGH_VALUE  # top scores, no post
    assert await tier_of(town["buyer1"]) == Tier.POTENTIAL
    assert await tier_of(town["lapsed"]) == Tier.DORMANT
    assert await tier_of(town["never"]) == Tier.DORMANT
    assert await tier_of(town["newcomer"]) == Tier.NEWCOMER
    assert run.members == 23 and run.changed == 23  # every tier was null before
    assert await TierChange.all().count() == 23
    koc = await TierChange.get(member_id=town["buyer20"].id)
    assert (koc.from_tier, koc.to_tier, koc.frequency) == (None, "KOC", 20)
    assert koc.score == koc.r + koc.f + koc.m == 15
    assert [done for done, _ in seen] == [7, 14, 21, 23] and {t for _, t in seen} == {23}
    record = await TierRun.get()
    assert record.members == 23 and record.changed == 23 and record.shares["KOC"] == 1
    assert tiers.cuts_from_record(record.cuts) == run.cuts

    again = await recompute_tiers(collaborators)
    assert again.changed == 0 and await TierChange.all().count() == 23


async def test_a_member_who_stops_buying_moves_and_the_move_is_recorded(
    collaborators: Collaborators, clock: FrozenClock, town: dict[str, Member]
) -> None:
    await recompute_tiers(collaborators)
    clock.advance(days=200)

    await recompute_tiers(collaborators)

    move = await TierChange.filter(member_id=town["buyer20"].id).order_by("-id").first()
    assert move is not None and (move.from_tier, move.to_tier) == ("KOC", "DORMANT")
    assert move.recency_days is not None and move.recency_days >= 200
    assert await tier_of(town["newcomer"]) == Tier.DORMANT  # 203 days without a purchase
    assert await TierRun.all().count() == 2


async def test_the_nightly_run_is_due_once_a_night_and_at_once_when_never_run(
    collaborators: Collaborators, town: dict[str, Member]
) -> None:
    noon = datetime(2026, 11, 21, 12, 0, tzinfo=SHANGHAI)
    assert await recompute_tiers_if_due(collaborators, noon) == 23  # never computed: now
    assert await recompute_tiers_if_due(collaborators, noon + timedelta(hours=1)) == 0
    night = datetime(2026, 11, 22, 3, 0, tzinfo=SHANGHAI)
    assert await recompute_tiers_if_due(collaborators, night - timedelta(hours=2)) == 0  # 01:00
    await recompute_tiers_if_due(collaborators, night)  # 03:00, 15 h later: too soon
    assert await TierRun.all().count() == 1
    await recompute_tiers_if_due(collaborators, night + timedelta(days=1))
    runs = await TierRun.all().order_by("id")
    assert [r.trigger for r in runs] == ["NIGHTLY", "NIGHTLY"]
