"""A small world for comparing the compiled path with the general one: every viewer the contract
knows (signed out, resident, host, moderator, admin, suspended, a dead token), posts of every
kind and status with ties in time, covers and image lists, likes, hidden comments, recipes with
and without their details, members with and without tier and avatar, an archived group."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx

from asgi import create_app
from domain.campaigns.models import Ballot, Campaign, CampaignEntry, CampaignKind, EntryStatus, Vote
from domain.collaborators import Collaborators
from domain.events.models import Event, EventRegistration
from domain.events.services import cancel_registration, register_for_event
from domain.groups.models import GroupMembership, InterestGroup
from domain.identity.models import Member, MemberInterestTag, Role
from domain.identity.suspensions import suspend_member
from domain.points.models import LedgerEntry
from domain.points.services import award_points, check_in
from domain.posts.models import (
    Comment,
    Post,
    PostKind,
    PostLike,
    PostStatus,
    RecipeDetails,
    RecipeIngredient,
    RecipeStep,
)
from domain.referrals.models import Referral, ReferralStatus
from domain.rewards.models import Redemption, RedemptionStatus, Reward
from domain.rewards.services import NewReward, cancel_redemption, create_reward, redeem_reward
from tests.api.test_groups_api import token_for
from tests.api.test_posts_api import attach_image, make_post
from tests.domain.campaign_helpers import voting_campaign
from tests.domain.events_helpers import make_event
from tests.domain.test_groups import make_group
from tests.factories import make_estate, make_member, make_tag


@dataclass
class World:
    tokens: dict[str, str | None] = field(default_factory=dict)  # viewer name → bearer token
    posts: list[Post] = field(default_factory=list)
    group_ids: list[int] = field(default_factory=list)
    members: dict[str, Member] = field(default_factory=dict)
    ledger_ids: list[int] = field(default_factory=list)
    reward_ids: list[int] = field(default_factory=list)
    redemption_ids: list[int] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    campaign_ids: list[int] = field(default_factory=list)


VIEWERS = ("anonymous", "resident", "host", "moderator", "admin", "suspended", "dead token")
STATUSES = [PostStatus.PUBLISHED] * 5 + [PostStatus.PENDING, PostStatus.HIDDEN, PostStatus.REJECTED]


async def build_world(c: Collaborators) -> World:
    world = World()
    roles = {
        "resident": (Role.RESIDENT,),
        "host": (Role.RESIDENT, Role.HOST),
        "moderator": (Role.RESIDENT, Role.MODERATOR),
        "admin": (Role.RESIDENT, Role.ADMIN),
        "suspended": (Role.RESIDENT,),
    }
    for name, granted in roles.items():
        world.members[name] = await make_member(roles=granted, display_name=f"邻居{name}")
    koc = await make_member(display_name="达人小李")
    koc.tier, koc.avatar_url = "KOC", "/media/avatar-koc.jpg"
    await koc.save(update_fields=["tier", "avatar_url"])
    odd = await make_member(display_name="老住户")
    odd.tier = "RETIRED"  # a tier this schema does not know: null on both paths
    await odd.save(update_fields=["tier"])
    open_group = await make_group(c, world.members["host"], "阳台种菜")
    closed = await make_group(c, world.members["admin"], "亲子烘焙")
    closed.archived_at = c.clock.now()
    await closed.save(update_fields=["archived_at"])
    world.group_ids = [open_group.id, closed.id]
    for joiner in ("resident", "suspended"):
        await GroupMembership.create(
            group=open_group, member=world.members[joiner], joined_at=c.clock.now()
        )
    authors = [world.members["resident"], world.members["host"], koc, odd]
    kinds = list(PostKind)
    for n in range(30):
        post = await make_post(
            c,
            authors[n % len(authors)],
            f"第{n}篇邻里分享",
            status=STATUSES[n % len(STATUSES)],
            group=[None, open_group, closed][n % 3],
            kind=kinds[n % len(kinds)],
            featured=n % 7 == 0,
            age_minutes=n // 3,  # three posts share each minute: ties the keyset must break
        )
        world.posts.append(post)
        await _decorate(c, world, post, n)
    await suspend_member(
        c,
        world.members["admin"],
        world.members["suspended"].id,
        "发布广告",
        c.clock.now() + timedelta(days=3),
    )
    await _points_and_profile(c, world)
    await _referrals(c, world)
    await _mall(c, world)
    await _events(c, world)
    await _campaigns(c, world)
    world.tokens = {"anonymous": None, "dead token": "not-a-live-token"}
    for name, member in world.members.items():
        await member.refresh_from_db()
        world.tokens[name] = await token_for(c, member)
    return world


async def _decorate(c: Collaborators, world: World, post: Post, n: int) -> None:
    for position in range(n % 4):
        await attach_image(c, post, position)
    for name in ("resident", "suspended", "host")[: n % 4]:
        await PostLike.create(post=post, member=world.members[name], created_at=c.clock.now())
    for i in range(n % 5):
        await Comment.create(
            post=post,
            author=world.members["moderator" if i % 2 else "resident"],
            body=f"评论{i}",
            body_html=f"<p>评论{i}</p>",
            hidden=i == 3,
            created_at=c.clock.now() - timedelta(seconds=i),
        )
    if post.kind == PostKind.RECIPE and n % 8 != 0:  # some recipes have no details yet
        await RecipeDetails.create(post=post, servings=n % 5 + 1, minutes=10 + n)
        for position in range(n % 3 + 1):
            await RecipeIngredient.create(
                post=post, position=position, name=f"番茄{position}", amount=f"{position + 1}个"
            )
            await RecipeStep.create(post=post, position=position, text=f"第{position + 1}步")


async def _points_and_profile(c: Collaborators, world: World) -> None:
    """Ledgers of 0 to 60 entries (pages past 50), check-ins, an estate, interest tags."""
    estate = await make_estate()
    tags = [await make_tag(name) for name in ("手冲咖啡", "亲子烘焙", "阳台种菜")]
    for n, (name, awards) in enumerate(
        {"resident": 12, "host": 3, "moderator": 60, "suspended": 2, "admin": 0}.items()
    ):
        member = world.members[name]
        for i in range(awards):
            await award_points(c, member.id, "referral", f"{name}-{i}")
        if n % 2 == 0:
            member.estate_id = estate.id
            await member.save(update_fields=["estate_id"])
            for tag in tags[: n + 1]:
                await MemberInterestTag.create(member=member, tag=tag, created_at=c.clock.now())
        if name in ("resident", "host"):
            await check_in(c, member)
    entries = await LedgerEntry.all().order_by("id")
    world.ledger_ids = [entry.id for entry in entries]


async def _referrals(c: Collaborators, world: World) -> None:
    """推荐之星: the host with two qualified referrals and a pending one, the admin with one."""
    invited = [
        ("host", "resident", True),
        ("host", "moderator", True),
        ("admin", "suspended", True),
        ("host", "admin", False),
    ]
    for referrer, invitee, rewarded in invited:
        await Referral.create(
            referrer=world.members[referrer],
            invitee=world.members[invitee],
            status=ReferralStatus.REWARDED if rewarded else ReferralStatus.PENDING,
            created_at=c.clock.now(),
            rewarded_at=c.clock.now() if rewarded else None,
        )


async def _mall(c: Collaborators, world: World) -> None:
    """Rewards open now, not yet, no longer, retired and switched off, with and without a
    picture and a limit; redemptions reserved, cancelled and fulfilled, several per reward."""
    now = c.clock.now()
    windows: list[dict[str, Any]] = [
        {},
        {"available_from": now - timedelta(days=1)},
        {"available_from": now + timedelta(days=1)},  # not yet
        {"available_until": now + timedelta(days=2), "per_member_limit": 2},
        {"available_until": now},  # closed just now
        {},
        {"per_member_limit": 1},
    ]
    admin = world.members["admin"]
    for n, window in enumerate(windows):
        new = NewReward(
            name=f"好物{n}", description="邻里好物", cost_points=10 + n, stock=9, **window
        )
        reward = await create_reward(c, admin, new)
        reward.image_url = f"/media/reward-{n}.jpg" if n % 2 else None
        reward.active = n != 5
        await reward.save(update_fields=["image_url", "active"])
        world.reward_ids.append(reward.id)
    retired = await create_reward(c, admin, NewReward("旧物", "已下架", 5, 3))
    await Reward.filter(id=retired.id).update(retired_at=now)
    world.reward_ids.append(retired.id)
    redeemed = [("resident", 0, 1), ("resident", 3, 2), ("resident", 0, 2), ("moderator", 6, 1)]
    for n, (name, index, quantity) in enumerate([*redeemed, ("moderator", 1, 3)]):
        member = world.members[name]
        redemption = await redeem_reward(
            c, member, world.reward_ids[index], quantity, f"world-redeem-{n:04d}"
        )
        world.redemption_ids.append(redemption.id)
    await cancel_redemption(c, world.members["resident"], world.redemption_ids[2])
    await Redemption.filter(id=world.redemption_ids[3]).update(
        status=RedemptionStatus.FULFILLED, fulfilled_at=now
    )


async def _events(c: Collaborators, world: World) -> None:
    """Events soon, later, at the same time (ties), under way, over, cancelled, full with a
    waitlist, with and without a group (one archived); registrations of every status."""
    open_group, archived = await InterestGroup.filter(id__in=world.group_ids).order_by("id")
    groups = [open_group, None, archived]
    plans = [(1, 2), (1, 20), (2, 1), (2, 3), (-0.1, 5), (-1, 5), (3, 2), (5, 1)]
    for n, (days, capacity) in enumerate(plans):
        event = await make_event(
            c,
            groups[n % 3],
            capacity=capacity,
            starts_in=timedelta(days=days),
            title=f"活动{n}",
        )
        world.events.append(event)
    cancelled = world.events[6]
    cancelled.cancelled_at, cancelled.cancel_reason = c.clock.now(), "下雨"
    await cancelled.save(update_fields=["cancelled_at", "cancel_reason"])
    registering = ("resident", "host", "moderator", "admin")
    for event in world.events[:4] + world.events[7:]:
        for name in registering[: 2 + event.id % 3]:
            await register_for_event(c, world.members[name], event.id)
    mine = await EventRegistration.filter(member_id=world.members["resident"].id).order_by("id")
    await cancel_registration(c, world.members["resident"], mine[0].id)


async def _campaigns(c: Collaborators, world: World) -> None:
    """Names open for votes (results shown, and hidden), photos closed with a winner (one photo
    hidden since), one not open yet; entries approved, pending and rejected, by several
    proposers; votes and ballots of some viewers."""
    now = c.clock.now()
    shown, names = await voting_campaign(c, entries=4)
    hidden, secret = await voting_campaign(c, entries=2, hide_results=True, votes_per_member=2)
    photos, _ = await voting_campaign(c, entries=0, kind=CampaignKind.PHOTO)
    later, _ = await voting_campaign(c, entries=1)
    await Campaign.filter(id=later.id).update(
        voting_starts_at=now + timedelta(days=2), voting_ends_at=now + timedelta(days=9)
    )
    world.campaign_ids = [shown.id, hidden.id, photos.id, later.id]
    proposed = [("resident", EntryStatus.PENDING), ("host", EntryStatus.REJECTED)]
    proposed += [("resident", EntryStatus.PENDING), ("moderator", EntryStatus.APPROVED)]
    for n, (name, status) in enumerate(proposed):
        await CampaignEntry.create(
            campaign=shown if n < 2 else hidden,
            proposer=world.members[name],
            title=f"提名{n}",
            description=None if n % 2 else "因为好听",
            status=status,
            created_at=now - timedelta(hours=n),
        )
    for n, post in enumerate(p for p in world.posts if p.kind == PostKind.PHOTO):
        entry = await CampaignEntry.create(
            campaign=photos,
            proposer_id=post.author_id,
            title=f"照片{n}",
            post=post,
            status=EntryStatus.APPROVED,
            vote_count=n % 3,
            created_at=now - timedelta(days=1, minutes=n),
        )
        await Campaign.filter(id=photos.id).update(closed_at=now, winner_entry_id=entry.id)
    for entry, voters in [(names[0], ("resident", "host")), (names[2], ("resident",))]:
        await _votes(c, shown, entry, [world.members[v] for v in voters])
    await _votes(c, hidden, secret[1], [world.members["moderator"]])


async def _votes(
    c: Collaborators, campaign: Campaign, entry: CampaignEntry, voters: list[Member]
) -> None:
    for member in voters:
        await Vote.create(campaign=campaign, entry=entry, member=member, created_at=c.clock.now())
        ballot, _ = await Ballot.get_or_create(
            campaign=campaign, member=member, defaults={"votes_left": campaign.votes_per_member}
        )
        await Ballot.filter(id=ballot.id).update(votes_left=ballot.votes_left - 1)
    await CampaignEntry.filter(id=entry.id).update(vote_count=len(voters))


class Paths:
    """The same app twice: compiled plans on, and off (the general path alone)."""

    def __init__(self, c: Collaborators) -> None:
        general = Collaborators(
            c.settings.with_overrides(graphql_compiled=False), c.redis, c.clock, c.wechat
        )
        self.compiled_app = create_app(c.settings, c, manage_stores=False)
        self.general_app = create_app(general.settings, general, manage_stores=False)

    @property
    def executor(self) -> Any:
        route = next(r for r in self.compiled_app.routes if getattr(r, "name", "") == "graphql")
        return route.endpoint.compiled  # type: ignore[attr-defined]

    async def post(self, app: Any, body: dict[str, Any], token: str | None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            return await http.post("/graphql", json=body, headers=headers)

    async def compare(self, body: dict[str, Any], token: str | None) -> bool:
        """Both paths' answers, byte for byte (data, errors, order of keys); whether the compiled
        plan answered (else it fell through to the general path)."""
        served = self.executor.served
        compiled = await self.post(self.compiled_app, body, token)
        answered = self.executor.served > served
        general = await self.post(self.general_app, body, token)
        assert (compiled.status_code, compiled.content) == (general.status_code, general.content)
        return bool(answered)
