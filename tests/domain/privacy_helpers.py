"""A member with something in every category Linli keeps, some of it from last month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.campaigns import services as campaigns
from domain.collaborators import Collaborators
from domain.events import services as events
from domain.exposures import services as exposures
from domain.exposures.models import ExposureSource
from domain.identity.models import Member, MemberInterestTag, WechatIdentity
from domain.notifications.models import Notification, NotificationKind
from domain.posts.drafts import save_share_draft
from domain.posts.models import Comment, Post, PostKind, PostLike, PostStatus
from domain.purchases.services import record_batch
from domain.rewards import services as rewards
from tests.domain.campaign_helpers import voter, voting_campaign
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.domain.points_helpers import fund, make_reward
from tests.domain.purchase_helpers import order, refer
from tests.factories import make_estate, make_member, make_tag

PHONE = "13912345678"
NAME = "隐私测试张三"
OPENID = "o-privacy-openid-0001"
UNIONID = "u-privacy-unionid-0001"


@dataclass
class World:
    member: Member
    neighbour: Member
    own_post: Post


async def lived_in(c: Collaborators) -> World:
    """``member`` has a profile with a tag and a WeChat identity, a post published last month
    (liked and commented on by a neighbour), a comment, a like, a vote, points, a redemption, an
    event registration, a referral each way, a purchase with pending points, a notification, an
    unfinished share draft and a neighbour's post seen last month."""
    now = c.clock.now()
    estate = await make_estate()
    member = await voter(c, age=timedelta(days=60), estate=estate)
    member.phone, member.display_name = PHONE, NAME
    await member.save(update_fields=["phone", "display_name"])
    neighbour = await make_member(estate=estate, display_name="隔壁老李")
    await MemberInterestTag.create(member=member, tag=await make_tag("烘焙"), created_at=now)
    await WechatIdentity.create(
        openid=OPENID, unionid=UNIONID, session_key="k", member=member, created_at=now,
        updated_at=now,
    )  # fmt: skip
    last_month = now - timedelta(days=35)
    own_post = await Post.create(
        author=member, kind=PostKind.STORY, title="我家的酸面包", body="发酵两天",
        body_html="<p>发酵两天</p>", excerpt="发酵两天", status=PostStatus.PUBLISHED,
        created_at=last_month, published_at=last_month, like_count=1, comment_count=1,
    )  # fmt: skip
    other_post = await Post.create(
        author=neighbour, kind=PostKind.TIP, title="收纳小妙招", body="用挂钩",
        body_html="<p>用挂钩</p>", excerpt="用挂钩", status=PostStatus.PUBLISHED,
        created_at=last_month, published_at=last_month, like_count=1, comment_count=1,
    )  # fmt: skip
    seen = exposures.PastSighting(member.id, other_post.id, ExposureSource.FEED, last_month)
    await exposures.record_past(c, [seen])
    await exposures.flush(c)
    await save_share_draft(c, member, {"values": {"title": "周末想做的贝果"}})
    await PostLike.create(post=other_post, member=member, created_at=last_month)
    await PostLike.create(post=own_post, member=neighbour, created_at=last_month)
    await Comment.create(
        post=other_post, author=member, body="学到了", body_html="学到了", created_at=last_month
    )
    await Comment.create(
        post=own_post, author=neighbour, body="好香", body_html="好香", created_at=last_month
    )
    _, entries = await voting_campaign(c)
    await campaigns.cast_vote(c, member, entries[0].id)
    await fund(c, member, 200)
    reward = await make_reward(c, cost=30)
    await rewards.redeem_reward(c, member, reward.id, 1, "privacy-redeem-1")
    event = await make_event(c, await make_group(await make_host()))
    await events.register_for_event(c, member, event.id)
    await refer(c, member, await make_member(estate=estate, display_name="新邻居"))
    await refer(c, neighbour, member)
    await record_batch(c, [order(c, "PRIV-ORDER-1", member, 8_800)], "API")
    await Notification.create(
        recipient=member, kind=NotificationKind.POINTS_ARRIVED, params={"points": 200},
        created_at=now, updated_at=now,
    )  # fmt: skip
    await Notification.create(
        recipient=neighbour, actor=member, kind=NotificationKind.REFERRAL_REWARDED,
        params={"inviteeName": NAME, "points": 50}, created_at=now, updated_at=now,
    )  # fmt: skip
    return World(await Member.get(id=member.id), neighbour, own_post)
