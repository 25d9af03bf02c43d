"""Property: any sequence of earn / redeem / cancel / restock / release / expire steps keeps every
invariant that ``linli reconcile`` checks, after every step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redis.asyncio import Redis

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.errors import DomainError
from domain.identity.models import Member, Role
from domain.identity.wechat import WechatClient
from domain.points import jobs
from domain.points.models import PointsAccount
from domain.points.reconcile import reconcile
from domain.points.services import award_points
from domain.rewards import services as rewards
from domain.rewards.models import Redemption, RedemptionStatus, Reward
from settings import Limits, Settings
from tests.factories import make_member
from tests.stores import truncate_all

STEPS = st.one_of(
    st.tuples(st.just("earn"), st.integers(1, 120)),
    st.tuples(st.just("earn_capped"), st.integers(1, 60)),
    st.tuples(st.just("earn_pending"), st.integers(1, 200)),
    st.tuples(st.just("redeem"), st.integers(1, 3)),
    st.tuples(st.just("cancel"), st.integers(0, 5)),
    st.tuples(st.just("restock"), st.integers(1, 4)),
    st.tuples(st.just("advance_days"), st.integers(1, 400)),
)


@dataclass(frozen=True)
class _World:
    c: Collaborators
    clock: FrozenClock
    admin: Member
    member: Member
    reward: Reward


async def _apply(world: _World, step: tuple[str, int], n: int) -> None:
    kind, value = step
    c, member, reward = world.c, world.member, world.reward
    if kind == "earn":
        await award_points(c, member.id, "campaign_won", f"s{n}", amount=value)
    elif kind == "earn_capped":
        await award_points(c, member.id, "post_published", f"s{n}", amount=value)
    elif kind == "earn_pending":
        await award_points(c, member.id, "purchase", f"s{n}", amount=value)
    elif kind == "redeem":
        await rewards.redeem_reward(c, member, reward.id, value, f"prop-key-{n:05d}")
    elif kind == "cancel":
        live = await Redemption.filter(status=RedemptionStatus.RESERVED).order_by("id")
        if live:
            await rewards.cancel_redemption(c, member, live[value % len(live)].id)
    elif kind == "restock":
        await rewards.restock_reward(c, world.admin, reward.id, value)
    else:
        world.clock.advance(days=value)
        now = world.clock.now()
        await jobs.release_pending_points(now)
        await jobs.expire_points(now)


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(steps=st.lists(STEPS, min_size=1, max_size=12))
async def test_every_invariant_holds_after_every_step(
    steps: list[tuple[str, int]], settings: Settings, redis: Redis, database_url: str
) -> None:
    await truncate_all()
    limits = Limits(redemptions_per_minute=100_000)
    clock = FrozenClock(datetime(2026, 11, 21, 2, 0, tzinfo=UTC))
    c = Collaborators(
        Settings(**{**settings.__dict__, "limits": limits}),
        redis,
        clock,
        WechatClient(settings.wechat_base_url, "", ""),
    )
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    world = _World(
        c,
        clock,
        admin,
        member=await make_member(),
        reward=await rewards.create_reward(c, admin, rewards.NewReward("咖啡豆", "200 克", 40, 3)),
    )
    for n, step in enumerate(steps):
        try:
            await _apply(world, step, n)
        except DomainError:
            pass  # refusals are fine; they must change nothing, which reconcile checks
        report = await reconcile()
        assert report.clean, (step, report.mismatches)
        account = await PointsAccount.get_or_none(member_id=world.member.id)
        assert account is None or (account.balance >= 0 and account.pending >= 0)
    clock.advance(days=timedelta(days=800).days)
    await jobs.release_pending_points(clock.now())
    await jobs.expire_points(clock.now())
    assert (await reconcile()).clean
