"""Demo campaigns: an open naming contest for 隅田川's new single-origin bean with a dozen
proposals and votes under way, and the closed 「最美春日」 photo contest with its winner. Votes
go through the same service as the app, so ballots, tallies and points are all true."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from demo.activity import around_at, last_seen, moment_between
from domain.campaigns import services
from domain.campaigns.errors import NoVotesLeftError
from domain.campaigns.models import Campaign, CampaignEntry, CampaignKind, EntryStatus
from domain.campaigns.rules import MIN_ACCOUNT_AGE
from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.errors import DomainError
from domain.identity.models import Member, Role
from domain.identity.suspensions import is_suspended
from domain.posts.models import Post, PostKind, PostStatus

BEAN_NAMES = [
    ("晨雾耶加", "像清晨江边的雾，花香很轻"),
    ("川上柑橘", "柑橘调明显，又是隅田川的豆子"),
    ("小满", "刚刚好的酸甜，不多不少"),
    ("邻里第一杯", "每个早上和邻居分享的第一杯"),
    ("春江花月", "喝起来像读一首诗"),
    ("栀子白", "浅烘的白花香"),
    ("橙光", "明亮的果酸"),
    ("慢慢", "手冲要慢慢来"),
    ("好天气", "喝完心情像晴天"),
    ("一町", "日语里一条街的意思，也是我们小区"),
    ("蜜语", "尾韵有蜂蜜甜"),
    ("青柠船", "柠檬酸质，配上江上的船"),
]
PENDING_NAMES: list[tuple[str, str | None]] = [("咖啡咖啡", None), ("豆豆", "简单好记")]


def _eligible(members: list[Member], at: datetime) -> list[Member]:
    return [m for m in members if not is_suspended(m, at) and at - m.created_at >= MIN_ACCOUNT_AGE]


async def _vote_for(
    c: Collaborators,
    rng: random.Random,
    voters: list[Member],
    entries: list[int],
    weights: list[float],
    opened: datetime,
) -> int:
    """Each voter votes at a moment between ``opened`` and when they were last seen."""
    counted = 0
    now = c.clock.now()
    moments = {m.id: min(now, moment_between(rng, m, opened, now)) for m in voters}
    for member in sorted(voters, key=lambda m: moments[m.id]):
        at = replace(c, clock=FrozenClock(moments[member.id]))
        for entry_id in set(rng.choices(entries, weights=weights, k=rng.randint(1, 3))):
            try:
                await services.cast_vote(at, member, entry_id)
                counted += 1
            except NoVotesLeftError:
                break
            except DomainError:
                continue
    return counted


async def _naming_contest(
    c: Collaborators, rng: random.Random, admin: Member, members: list[Member]
) -> tuple[Campaign, int]:
    now = c.clock.now()
    campaign = await services.create_campaign(
        c,
        admin,
        services.NewCampaign(
            kind=CampaignKind.NAMING,
            title="隅田川新豆命名大赛",
            description="隅田川咖啡本季新到一支单一产区豆子（埃塞俄比亚古吉，浅烘，柑橘与白花香）。"
            "请邻居们给它起个名字！每人 3 票，获胜名字将印在包装上，提名人获得 200 积分。",
            proposal_starts_at=now - timedelta(days=14),
            proposal_ends_at=now - timedelta(days=6),
            voting_starts_at=now - timedelta(days=6),
            voting_ends_at=now + timedelta(days=5),
        ),
    )
    opened = now - timedelta(days=14)
    around = [m for m in members if around_at(m, max(opened, m.created_at), now)]
    proposers = rng.sample(around, len(BEAN_NAMES) + len(PENDING_NAMES))
    entry_ids = []
    for n, ((title, why), proposer) in enumerate(zip(BEAN_NAMES, proposers, strict=False)):
        entry = await CampaignEntry.create(
            campaign=campaign,
            proposer=proposer,
            title=title,
            description=why,
            status=EntryStatus.APPROVED,
            created_at=now - timedelta(days=13, hours=-n * 7),
        )
        entry_ids.append(entry.id)
    for (name, reason), proposer in zip(PENDING_NAMES, proposers[len(BEAN_NAMES) :], strict=True):
        await CampaignEntry.create(
            campaign=campaign,
            proposer=proposer,
            title=name,
            description=reason,
            status=EntryStatus.PENDING,
            created_at=now - timedelta(days=7),
        )
    weights = [rng.uniform(0.3, 3.0) for _ in entry_ids]
    starts = now - timedelta(days=6)
    voters = [m for m in _eligible(members, starts) if last_seen(m, now) > starts]
    voters = rng.sample(voters, min(90, len(voters)))
    return campaign, await _vote_for(c, rng, voters, entry_ids, weights, starts)


async def _spring_photo_contest(
    c: Collaborators, rng: random.Random, admin: Member, members: list[Member]
) -> tuple[Campaign, int]:
    now = c.clock.now()
    spring_year = now.year if now.month >= 5 else now.year - 1
    starts = datetime(spring_year, 4, 1, 2, 0, tzinfo=UTC)
    voting = replace(c, clock=FrozenClock(starts + timedelta(days=14)))
    campaign = await services.create_campaign(
        c,
        admin,
        services.NewCampaign(
            kind=CampaignKind.PHOTO,
            title="最美春日",
            description="晒出你镜头里的小区春天：花、树、阳台和邻居的笑脸。"
            "票数最高的照片获得 200 积分。",
            proposal_starts_at=starts,
            proposal_ends_at=starts + timedelta(days=10),
            voting_starts_at=starts + timedelta(days=10),
            voting_ends_at=starts + timedelta(days=20),
            hide_results=True,
        ),
    )
    photos = await Post.filter(kind=PostKind.PHOTO, status=PostStatus.PUBLISHED).order_by("id")
    chosen: dict[int, Post] = {}
    for post in photos:
        chosen.setdefault(post.author_id, post)
    entry_ids = []
    for n, post in enumerate(list(chosen.values())[:8]):
        entry = await CampaignEntry.create(
            campaign=campaign,
            proposer_id=post.author_id,
            title=post.title[:40],
            post=post,
            status=EntryStatus.APPROVED,
            created_at=starts + timedelta(days=1, hours=n * 5),
        )
        entry_ids.append(entry.id)
    counted = 0
    if entry_ids:
        weights = [rng.uniform(0.3, 3.0) for _ in entry_ids]
        at = voting.clock.now()
        around = [m for m in _eligible(members, at) if around_at(m, at, now)]
        voters = rng.sample(around, min(60, len(around)))
        counted = await _vote_for(voting, rng, voters, entry_ids, weights, at)
    closing = replace(c, clock=FrozenClock(starts + timedelta(days=20)))
    await services.close_campaign(closing, campaign.id)
    return campaign, counted


async def seed_campaigns_demo(c: Collaborators, seed: int = 20261121) -> dict[str, int]:
    """Runs after the members and posts exist; returns what it made."""
    rng = random.Random(seed)  # noqa: S311 -- demo data, not security
    members = await Member.all().order_by("id")
    admin = next(m for m in members if m.has_role(Role.ADMIN))
    residents = [m for m in members if not m.has_role(Role.ADMIN)]
    _, naming_votes = await _naming_contest(c, rng, admin, residents)
    _, photo_votes = await _spring_photo_contest(c, rng, admin, residents)
    return {"campaigns": 2, "votes": naming_votes + photo_votes}
