"""Each notification kind a member's action causes, performed through GraphQL as the clients send
it: exactly one notification for exactly the right members, none for whoever acted, and each
recipient's own inbox (`viewer.notifications`, `unreadNotificationCount`) says it.

Kinds no API action causes are left to tests/domain/test_notification_triggers.py, which runs the
due jobs with the injected clock: POINTS_EXPIRING (the expiry reminders), POINTS_ARRIVED (purchase
points released after the return window), PICKUP_REMINDER (a redemption still waiting after three
days), EVENT_REMINDER (24 h and 2 h before), DIGEST (members away for a week), and TIER_UP (the
nightly recompute, or the admin's button on the portal's dashboard: no mutation recomputes tiers).
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.campaigns.models import CampaignEntry
from domain.collaborators import Collaborators
from domain.events.models import EventRegistration
from domain.groups.models import GroupHost
from domain.identity.models import Member, Role
from domain.notifications.models import Notification, NotificationKind
from domain.posts.models import Post, PostStatus
from tests.api.test_campaigns_api import cid, eid
from tests.api.test_campaigns_more_api import proposing_campaign
from tests.api.test_events_api import eid as event_id
from tests.api.test_identity_api import op, register
from tests.api.test_points_api import ADMIN, token_for
from tests.api.test_posts_api import make_post, pid
from tests.api.test_purchases_api import purchase, record
from tests.api.test_rewards_api import funded_member, make_reward, redeem
from tests.conftest import GraphQLClient
from tests.domain.campaign_helpers import voter, voting_campaign
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.domain.test_posts import veteran
from tests.factories import make_estate, make_member
from web.ids import encode_id

K = NotificationKind
TITLE = "阳台番茄大丰收"
STORY = {"kind": "STORY", "title": TITLE, "body": "今年第一次在阳台种番茄，收获满满。"}


async def told_exactly(kind: NotificationKind, members: list[Member]) -> list[Notification]:
    """The ``kind`` rows, after asserting they are one per member of ``members`` and no more."""
    rows = await Notification.filter(kind=kind).order_by("recipient_id", "id")
    assert [r.recipient_id for r in rows] == sorted(m.id for m in members)
    return list(rows)


async def heard(
    gql: GraphQLClient, c: Collaborators, member: Member, kind: NotificationKind
) -> list[dict[str, Any]]:
    """What ``member``'s inbox shows of ``kind`` through GraphQL; the bell counts it unread."""
    body = await gql(op("Notifications"), {"first": 10}, await token_for(c, member))
    viewer = body["data"]["viewer"]
    nodes = [edge["node"] for edge in viewer["notifications"]["edges"]]
    assert viewer["unreadNotificationCount"] == sum(1 for n in nodes if n["readAt"] is None)
    return [n for n in nodes if n["kind"] == kind.value]


async def text_heard(
    gql: GraphQLClient, c: Collaborators, member: Member, kind: NotificationKind
) -> str:
    (node,) = await heard(gql, c, member, kind)
    text: str = node["text"]
    return text


def ok(body: dict[str, Any], field: str) -> dict[str, Any]:
    result: dict[str, Any] = body["data"][field]
    assert result["__typename"].endswith("Success"), result
    return result


# Posts


async def test_comments_tell_the_author_and_earlier_commenters_once_each_and_not_the_commenter(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    author = await make_member(display_name="阿花")
    post = await make_post(c, author, TITLE)
    first, second = await make_member(display_name="小王"), await make_member(display_name="小李")
    third = await make_member(display_name="老张")
    for member, body in [
        (first, "看起来好好吃"),
        (author, "谢谢"),
        (second, "求种子链接"),
        (third, "我也想要"),
    ]:
        sent = await gql(
            op("AddComment"), {"postId": pid(post), "body": body}, await token_for(c, member)
        )
        ok(sent, "addComment")
    (comment,) = await told_exactly(K.COMMENT, [author])
    assert (comment.actor_id, comment.actor_count) == (third.id, 3)
    assert await text_heard(gql, c, author, K.COMMENT) == f"老张等3人评论了你的《{TITLE}》"
    replies = await told_exactly(K.REPLY, [first, second])
    assert [(r.actor_id, r.actor_count) for r in replies] == [(third.id, 3), (third.id, 1)]
    assert await text_heard(gql, c, first, K.REPLY) == f"老张等3人在《{TITLE}》中回复了你"
    assert await text_heard(gql, c, second, K.REPLY) == f"老张在《{TITLE}》中回复了你"
    assert await heard(gql, c, third, K.COMMENT) == await heard(gql, c, third, K.REPLY) == []


async def test_the_first_like_tells_the_author_once_and_the_next_likes_are_no_milestone(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    author = await make_member(display_name="阿花")
    post = await make_post(c, author, TITLE)
    fans = [await make_member(display_name=name) for name in ("小王", "小李")]
    for member in [*fans, author]:  # the author's own like tells no one either
        liked = await gql(op("LikePost"), {"postId": pid(post)}, await token_for(c, member))
        ok(liked, "likePost")
    (row,) = await told_exactly(K.LIKE_MILESTONE, [author])
    assert (row.actor_id, row.params["likes"]) == (fans[0].id, 1)
    (node,) = await heard(gql, c, author, K.LIKE_MILESTONE)
    assert (node["text"], node["subjectId"], node["path"]) == (
        f"小王赞了你的《{TITLE}》",
        pid(post),
        f"/posts/{post.id}",
    )
    for fan in fans:
        assert await heard(gql, c, fan, K.LIKE_MILESTONE) == []


@pytest.mark.parametrize(
    ("action", "status", "kind", "text"),
    [
        ("APPROVE", PostStatus.PENDING, K.POST_APPROVED, f"你的《{TITLE}》已通过审核"),
        ("REJECT", PostStatus.PENDING, K.POST_REJECTED, f"你的《{TITLE}》未通过审核：图片不清楚"),
        ("FEATURE", PostStatus.PUBLISHED, K.POST_FEATURED, f"你的《{TITLE}》被设为精选"),
    ],
)
async def test_the_moderators_decision_tells_the_author_once_with_the_note(
    gql: GraphQLClient,
    collaborators: Collaborators,
    action: str,
    status: PostStatus,
    kind: NotificationKind,
    text: str,
) -> None:
    c = collaborators
    author = await make_member(display_name="阿花")
    post = await make_post(c, author, TITLE, status=status)
    moderator = await make_member(roles=(Role.RESIDENT, Role.MODERATOR), display_name="版主")
    token = await token_for(c, moderator)
    note = "图片不清楚" if action == "REJECT" else None  # a rejection must say why
    variables = {"postId": pid(post), "action": action, "reason": note}
    ok(await gql(op("ModeratePost"), variables, token), "moderatePost")
    await gql(op("ModeratePost"), variables, token)  # a double click
    (row,) = await told_exactly(kind, [author])
    assert (row.actor_id, row.subject_id, row.params.get("note")) == (moderator.id, post.id, note)
    assert await text_heard(gql, c, author, kind) == text
    assert await heard(gql, c, moderator, kind) == []


async def test_a_post_waiting_for_review_tells_the_groups_hosts_and_the_moderators_once(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    host, co_host, other_host = await make_host(), await make_host("小林"), await make_host("阿May")
    group = await make_group(host)
    await GroupHost.create(group=group, member=co_host, appointed_at=group.created_at)
    await make_group(other_host, "烘焙", "baking")
    moderators = [await make_member(roles=(Role.RESIDENT, Role.MODERATOR)) for _ in range(2)]
    author = await veteran(c)
    await Member.filter(id=author.id).update(display_name="阿花")
    draft = {**STORY, "groupId": encode_id("InterestGroup", group.id)}
    submitted = ok(
        await gql(op("SubmitPost"), {"input": draft}, await token_for(c, author)), "submitPost"
    )
    assert submitted["post"]["status"] == "PENDING"
    rows = await told_exactly(K.HOST_QUEUE_ITEM, [host, co_host, *moderators])
    assert {(r.actor_id, r.subject_id) for r in rows} == {(author.id, (await Post.get()).id)}
    for member in (host, moderators[0]):
        (node,) = await heard(gql, c, member, K.HOST_QUEUE_ITEM)
        assert (node["text"], node["path"]) == (
            f"阿花提交了新内容待审核：《{TITLE}》",
            "/moderation",
        )
    assert await heard(gql, c, author, K.HOST_QUEUE_ITEM) == []


# Rewards and referrals


async def test_a_redemption_tells_its_member_the_pickup_code_once_even_when_replayed(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    member, other = await funded_member(c), await funded_member(c)
    reward = await make_reward(c, "挂耳咖啡")
    token = await token_for(c, member)
    redeemed = ok(await redeem(gql, token, reward, key="ready-key-0001"), "redeemReward")
    ok(await redeem(gql, token, reward, key="ready-key-0001"), "redeemReward")  # a replay
    code = redeemed["redemption"]["pickupCode"]
    (row,) = await told_exactly(K.REDEMPTION_READY, [member])
    assert encode_id("Redemption", row.subject_id or 0) == redeemed["redemption"]["id"]
    (node,) = await heard(gql, c, member, K.REDEMPTION_READY)
    assert (node["text"], node["path"]) == (
        f"你兑换的「挂耳咖啡」可以领取了，取货码 {code}",
        "/redemptions",
    )
    assert await heard(gql, c, other, K.REDEMPTION_READY) == []


async def test_an_invitees_first_recorded_purchase_tells_the_referrer_only_and_once(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    referrer = await make_member(display_name="阿花")
    estate = await make_estate()
    joined = await register(gql, estate.id, displayName="邻居小王", inviteCode=referrer.invite_code)
    assert joined["__typename"] == "AuthSuccess"
    invitee = await Member.get(phone="13812345678")
    admin = await make_member(roles=ADMIN)
    admin_token = await token_for(c, admin)
    for order_id in ("REF-1", "REF-2"):
        recorded = await record(gql, admin_token, [purchase(c, order_id, invitee)])
        assert recorded["recorded"] == 1
    (row,) = await told_exactly(K.REFERRAL_REWARDED, [referrer])
    assert row.actor_id == invitee.id
    assert await text_heard(gql, c, referrer, K.REFERRAL_REWARDED) == (
        "你邀请的邻居小王完成了首单，你获得 100 积分"
    )
    for member in (invitee, admin):
        assert await heard(gql, c, member, K.REFERRAL_REWARDED) == []
    # Purchase points stay pending until the due job releases them: no one hears of them yet.
    assert not await Notification.filter(kind=K.POINTS_ARRIVED).exists()


# Events and campaigns


async def test_cancelling_a_seat_tells_the_promoted_member_with_the_check_in_code(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    event = await make_event(c, None, capacity=1, title="咖啡品鉴会")
    first, second, third = [await make_member() for _ in range(3)]
    registrations = []
    for member in (first, second, third):
        body = await gql(
            op("RegisterForEvent"), {"eventId": event_id(event)}, await token_for(c, member)
        )
        registrations.append((ok(body, "registerForEvent"))["registration"]["id"])
    assert not await Notification.exists()  # a waitlisted seat is news only when it opens
    cancel = {"registrationId": registrations[0]}
    body = await gql(op("CancelEventRegistration"), cancel, await token_for(c, first))
    ok(body, "cancelEventRegistration")
    promoted = await EventRegistration.get(event_id=event.id, member_id=second.id)
    (row,) = await told_exactly(K.WAITLIST_PROMOTED, [second])
    assert row.params["checkInCode"] == promoted.check_in_code is not None
    (node,) = await heard(gql, c, second, K.WAITLIST_PROMOTED)
    assert (node["text"], node["path"]) == (
        f"你已从候补转为正式报名「咖啡品鉴会」，签到码 {promoted.check_in_code}",
        f"/events/{event.id}",
    )
    for member in (first, third):
        assert await heard(gql, c, member, K.WAITLIST_PROMOTED) == []


async def test_cancelling_an_event_tells_its_seat_and_waitlist_holders_in_their_inbox(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    event = await make_event(c, None, capacity=1, title="咖啡品鉴会")
    seated, waiting, stranger = [await make_member() for _ in range(3)]
    for member in (seated, waiting):
        body = await gql(
            op("RegisterForEvent"), {"eventId": event_id(event)}, await token_for(c, member)
        )
        ok(body, "registerForEvent")
    admin = await make_member(roles=ADMIN)
    cancel = {"eventId": event_id(event), "reason": "场地临时维修"}
    body = await gql(op("CancelEvent"), cancel, await token_for(c, admin))
    assert ok(body, "cancelEvent")["registrationsCancelled"] == 2
    await told_exactly(K.EVENT_CANCELLED, [seated, waiting])
    for member in (seated, waiting):
        (node,) = await heard(gql, c, member, K.EVENT_CANCELLED)
        assert (node["text"], node["path"]) == (
            "活动「咖啡品鉴会」已取消：场地临时维修",
            f"/events/{event.id}",
        )
    for member in (stranger, admin):
        assert await heard(gql, c, member, K.EVENT_CANCELLED) == []


async def test_opening_voting_tells_every_member_of_the_estate_once(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    estate, elsewhere = await make_estate(), await make_estate("碧水湾")
    neighbours = [await voter(c, estate=estate) for _ in range(3)]
    stranger = await voter(c, estate=elsewhere)
    campaign = await proposing_campaign(c, estate.id)
    admin = await make_member(roles=ADMIN, estate=estate)  # the actor lives there too
    token = await token_for(c, admin)
    ok(await gql(op("OpenVoting"), {"campaignId": cid(campaign)}, token), "openVoting")
    await gql(op("OpenVoting"), {"campaignId": cid(campaign)}, token)  # already open
    rows = await told_exactly(K.CAMPAIGN_VOTING_OPENED, neighbours)
    assert {r.subject_id for r in rows} == {campaign.id}
    (node,) = await heard(gql, c, neighbours[0], K.CAMPAIGN_VOTING_OPENED)
    assert (node["text"], node["path"]) == (
        "「小区咖啡角命名」开始投票了",
        f"/campaigns/{campaign.id}",
    )
    for member in (stranger, admin):
        assert await heard(gql, c, member, K.CAMPAIGN_VOTING_OPENED) == []


async def test_closing_a_campaign_tells_the_winning_entrys_proposer_only_and_once(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    campaign, entries = await voting_campaign(c)
    loser = await voter(c)
    await CampaignEntry.filter(id=entries[0].id).update(proposer_id=loser.id)
    winner = await Member.get(id=entries[1].proposer_id)
    voters = [await voter(c) for _ in range(2)]
    for member in voters:
        cast = await gql(op("CastVote"), {"entryId": eid(entries[1])}, await token_for(c, member))
        ok(cast, "castVote")
    admin = await make_member(roles=ADMIN)
    token = await token_for(c, admin)
    closed = ok(
        await gql(op("CloseCampaign"), {"campaignId": cid(campaign)}, token), "closeCampaign"
    )
    assert closed["campaign"]["winner"]["id"] == eid(entries[1])
    await gql(op("CloseCampaign"), {"campaignId": cid(campaign)}, token)  # closed already
    (row,) = await told_exactly(K.CAMPAIGN_WON, [winner])
    assert (row.subject_id, row.params["entryId"]) == (campaign.id, entries[1].id)
    assert await text_heard(gql, c, winner, K.CAMPAIGN_WON) == "恭喜！你在「咖啡豆命名大赛」中获胜"
    for member in (loser, admin, *voters):
        assert await heard(gql, c, member, K.CAMPAIGN_WON) == []
