"""Demo points and mall: ten rewards (some nearly gone), check-in streaks, operator bonuses and
redemptions — all written through the real services, so ``linli reconcile`` passes on the demo."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, time, timedelta

from demo.activity import last_seen
from demo.photos import Album
from domain.clock import SHANGHAI, FrozenClock
from domain.collaborators import Collaborators
from domain.errors import DomainError
from domain.identity.models import Member, Role
from domain.points.services import adjust_points, check_in
from domain.rewards.models import Reward
from domain.rewards.services import cancel_redemption, redeem_reward
from settings import Limits

# (name, description, cost, stock, per-member limit)
DEMO_REWARDS: tuple[tuple[str, str, int, int, int | None], ...] = (
    ("隅田川挂耳咖啡（10包）", "本月新品单一产地豆，挂耳装，办公室也能喝到手冲。", 120, 40, 2),
    ("隅田川咖啡豆 200g", "埃塞俄比亚耶加雪菲，浅烘，花香柑橘调。", 300, 3, 1),
    ("邻里帆布袋", "小区市集同款，印着「邻里」两个字。", 80, 60, 3),
    ("亲子烘焙课名额", "周六下午两点，社区活动室，含材料，限一大一小。", 500, 2, 1),
    ("阳台种菜种子包", "樱桃番茄、罗勒、小葱三合一，附种植卡片。", 60, 80, None),
    ("冷萃咖啡杯", "双层玻璃，可放冰箱。", 260, 12, 1),
    ("社区团购满减券 ¥10", "下单满 ¥59 可用，30 天有效。", 100, 200, 5),
    ("手冲入门课名额", "主理人阿哲手把手教，含一杯现冲。", 400, 1, 1),
    ("宠物零食试吃装", "冻干鸡肉粒，小区宠物友好群推荐。", 90, 30, 2),
    ("周末露营装备借用券", "借用天幕 + 折叠桌椅一个周末。", 350, 5, 1),
)

# What each reward's photo shows, in DEMO_REWARDS' order (a group's theme in ``demo.photos``).
_REWARD_PHOTOS = (
    "手冲咖啡",
    "手冲咖啡",
    "邻里读书会",
    "亲子烘焙",
    "阳台种菜",
    "手冲咖啡",
    "家常菜研究所",
    "手冲咖啡",
    "宠物友好",
    "周末露营",
)


async def seed_points_demo(c: Collaborators, seed: int = 20261121) -> dict[str, int]:
    """Runs after the members exist; returns what it made."""
    rng = random.Random(seed)  # noqa: S311 -- demo data, not security
    now = c.clock.now()
    members = await Member.all().order_by("id")
    admin = next(m for m in members if m.has_role(Role.ADMIN))
    album = Album(c.images, random.Random(rng.randrange(2**32)))  # noqa: S311 -- demo data
    created = now - timedelta(days=60)
    rewards = []
    for (name, text, cost, stock, limit), theme in zip(DEMO_REWARDS, _REWARD_PHOTOS, strict=True):
        # The operator photographed each reward and uploaded it, as on the reward form.
        photo = await album.upload(admin.id, theme, created)
        reward = await Reward.create(
            name=name,
            description=text,
            image_url=c.images.url(photo.storage_key),
            cost_points=cost,
            stock=stock,
            initial_stock=stock,
            per_member_limit=limit,
            created_at=created,
        )
        rewards.append(reward)
    residents = [m for m in members if not m.has_role(Role.ADMIN)]
    unthrottled = replace(
        c, settings=replace(c.settings, limits=Limits(redemptions_per_minute=10**6))
    )
    # Early members thanked by the operator: most of those still around, and others.
    around = [m for m in residents if last_seen(m, now) >= now - timedelta(days=30)]
    others = [m for m in residents if m not in around]
    rewarded = rng.sample(around, min(40, len(around)))
    rewarded += rng.sample(others, 80 - len(rewarded))
    bonuses = await _operator_bonuses(unthrottled, admin, rewarded, rng)
    # Check-ins are daily visits: made by residents who still open the app.
    regulars = [m for m in residents if last_seen(m, now) >= now - timedelta(days=3)]
    check_ins = await _check_in_streaks(
        unthrottled, rng.sample(regulars, min(20, len(regulars))), rng
    )
    # Redeeming is done in the app today: by the rewarded residents who still open it.
    month_ago = now - timedelta(days=30)
    redeemers = [m for m in rewarded if last_seen(m, now) >= month_ago] or rewarded
    redeemed = await _redemptions(unthrottled, redeemers, rewards, rng)
    return {
        "rewards": len(rewards),
        "bonuses": bonuses,
        "check_ins": check_ins,
        "redeemed": redeemed,
    }


async def _operator_bonuses(
    c: Collaborators, admin: Member, members: list[Member], rng: random.Random
) -> int:
    for member in members:
        amount = rng.choice((100, 150, 200, 300, 500, 800))
        await adjust_points(
            c, admin, member.id, amount, "老邻居回馈：社群早期成员", f"demo-bonus-{member.id}"
        )
    return len(members)


async def _check_in_streaks(c: Collaborators, members: list[Member], rng: random.Random) -> int:
    """Each member checked in on some of the last 14 days (a few kept a full week), in the
    daytime of each Shanghai calendar day, whatever the hour the demo is seeded at."""
    first_day = c.clock.today() - timedelta(days=14)
    start = datetime.combine(first_day, time(0), tzinfo=SHANGHAI)
    done = 0
    for member in members:
        days = sorted(rng.sample(range(14), rng.randint(3, 12)))
        for day in days:
            clock = FrozenClock(start + timedelta(days=day, hours=rng.randint(7, 21)))
            if clock.now() > last_seen(member, c.clock.now()):
                break  # not after the member was last seen
            await check_in(replace(c, clock=clock), member)
            done += 1
    return done


async def _redemptions(
    c: Collaborators, members: list[Member], rewards: list[Reward], rng: random.Random
) -> int:
    """Members with points redeem something; one in five changes their mind and cancels."""
    made = 0
    for member in rng.sample(members, min(60, len(members))):
        reward = rng.choice(rewards)
        try:
            redemption = await redeem_reward(c, member, reward.id, 1, f"demo-redeem-{member.id}")
        except DomainError:
            continue  # not enough points, sold out or over the limit: as in real life
        made += 1
        if rng.random() < 0.2:
            await cancel_redemption(c, member, redemption.id)
    return made
