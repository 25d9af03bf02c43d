"""Each notification kind, from the action that causes it (through the public service or the
due jobs) to exactly one notification for exactly the right members, and none for the actor."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from domain.campaigns import services as campaigns
from domain.campaigns.models import CampaignKind
from domain.clock import SHANGHAI, FrozenClock
from domain.collaborators import Collaborators
from domain.events import admin as events_admin
from domain.events import services as events
from domain.events.models import EventRegistration
from domain.groups.models import GroupHost
from domain.identity.models import Member, Role
from domain.jobs import run_due_jobs
from domain.notifications.models import Notification, NotificationKind
from domain.notifications.text import sentence
from domain.notifications.triggers import VOTING_OPENED_TASK, tell_voting_opened
from domain.points import jobs as points_jobs
from domain.points import queries as points_queries
from domain.points.services import award_points
from domain.posts import queries as post_queries
from domain.posts import services as posts
from domain.purchases.services import record_purchases
from domain.rewards import services as rewards
from domain.segments.recompute import recompute_tiers
from domain.segments.rfm import TIER_ORDER, Tier, is_upward
from tests.domain.campaign_helpers import admin, voter, voting_campaign
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.domain.points_helpers import fund, make_reward
from tests.domain.purchase_helpers import make_admin, order, refer
from tests.domain.test_posts import story, veteran
from tests.domain.test_tiers import town  # noqa: F401 (the fixture)
from tests.factories import make_estate, make_member

Row = tuple[int, NotificationKind, int | None]


async def told(kind: NotificationKind) -> list[Notification]:
    return list(await Notification.filter(kind=kind).order_by("recipient_id", "id"))


async def recipients(kind: NotificationKind) -> list[int]:
    return [n.recipient_id for n in await told(kind)]


async def moderator() -> Member:
    return await make_member(roles=(Role.RESIDENT, Role.MODERATOR), display_name="版主")


async def published(c: Collaborators, author: Member | None = None) -> tuple[Member, int]:
    author = author or await veteran(c)
    post = await posts.submit_post(c, author, story())
    await posts.moderate_post(c, await moderator(), post.id, "APPROVE")
    await Notification.all().delete()  # the approval's own notice is another test's
    return author, post.id


# Posts


async def test_earlier_commenters_hear_of_later_comments_as_one_row_per_post(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    author, post_id = await published(c)
    first, second, third = [await veteran(c) for _ in range(3)]
    await posts.add_comment(c, first, post_id, "看起来好好吃")
    await posts.add_comment(c, author, post_id, "谢谢")  # the author's answer is news to first
    await posts.add_comment(c, second, post_id, "求种子链接")
    await posts.add_comment(c, third, post_id, "我也想要")
    rows = await told(NotificationKind.REPLY)
    assert [(r.recipient_id, r.actor_id, r.actor_count) for r in rows] == [
        (first.id, third.id, 3),
        (second.id, third.id, 1),
    ]
    # The author hears of comments as comments on their post, never as replies.
    assert author.id not in await recipients(NotificationKind.REPLY)
    assert await recipients(NotificationKind.COMMENT) == [author.id]


async def test_likes_tell_the_author_at_one_ten_and_a_hundred_not_at_every_like(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    author, post_id = await published(c)
    fans = [await make_member() for _ in range(11)]
    await posts.like_post(c, fans[0], post_id)
    (row,) = await told(NotificationKind.LIKE_MILESTONE)
    assert (row.recipient_id, row.actor_id, row.params["likes"]) == (author.id, fans[0].id, 1)
    await Notification.filter(id=row.id).update(read_at=c.clock.now())
    for fan in fans[1:9]:
        await posts.like_post(c, fan, post_id)
    assert len(await told(NotificationKind.LIKE_MILESTONE)) == 1  # 2..9 likes: nothing
    await posts.like_post(c, fans[9], post_id)
    await posts.like_post(c, fans[10], post_id)
    newest = (await told(NotificationKind.LIKE_MILESTONE))[-1]
    assert (newest.actor_id, newest.params["likes"], newest.read_at) == (fans[9].id, 10, None)
    await posts.like_post(c, author, post_id)  # the author's own like tells no one
    # Reaching ten again after unlikes is not news.
    for member in (author, fans[10], fans[9]):
        await posts.unlike_post(c, member, post_id)
    await posts.like_post(c, fans[9], post_id)
    again = await post_queries.find_readable_post(author, post_id)
    assert again is not None and again.like_count == 10
    assert len(await told(NotificationKind.LIKE_MILESTONE)) == 2


async def test_a_hundred_like_burst_leaves_one_unread_row_at_a_hundred(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    author, post_id = await published(c)
    fans = [await make_member() for _ in range(100)]
    await asyncio.gather(*(posts.like_post(c, fan, post_id) for fan in fans))
    (row,) = await told(NotificationKind.LIKE_MILESTONE)
    assert (row.recipient_id, row.read_at, row.params["likes"]) == (author.id, None, 100)
    # The milestones told before the hundredth's folded into it; one whose listener ran after
    # it (they race) was outdone and dropped, never written over it.
    assert 1 <= row.actor_count <= 3


@pytest.mark.parametrize(
    ("action", "kind"),
    [
        ("APPROVE", NotificationKind.POST_APPROVED),
        ("REJECT", NotificationKind.POST_REJECTED),
    ],
)
async def test_the_author_hears_the_moderators_decision_with_the_note(
    collaborators: Collaborators, action: str, kind: NotificationKind
) -> None:
    c = collaborators
    author, mod = await veteran(c), await moderator()
    post = await posts.submit_post(c, author, story())
    await posts.moderate_post(c, mod, post.id, action, "图片不清楚" if action == "REJECT" else None)
    await posts.moderate_post(c, mod, post.id, action, "图片不清楚")  # a double click
    (row,) = await told(kind)
    assert (row.recipient_id, row.actor_id, row.subject_id) == (author.id, mod.id, post.id)
    assert row.params.get("note") == ("图片不清楚" if action == "REJECT" else None)


async def test_a_featured_post_tells_its_author_once(collaborators: Collaborators) -> None:
    c = collaborators
    author, post_id = await published(c)
    mod = await moderator()
    await posts.moderate_post(c, mod, post_id, "FEATURE")
    await posts.moderate_post(c, mod, post_id, "FEATURE")
    assert await recipients(NotificationKind.POST_FEATURED) == [author.id]


async def test_a_queued_post_tells_the_groups_hosts_and_the_moderators_one_row_per_queue(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    host, co_host, other_host = await make_host(), await make_host("小林"), await make_host("阿May")
    group = await make_group(host)
    await GroupHost.create(group=group, member=co_host, appointed_at=group.created_at)
    await make_group(other_host, "烘焙", "baking")
    mods = [await moderator(), await moderator()]
    authors = [await make_member() for _ in range(2)]
    for author in authors:
        draft = posts.PostDraft(story().kind, story().title, story().body, group_id=group.id)
        await posts.submit_post(c, author, draft)
    rows = await told(NotificationKind.HOST_QUEUE_ITEM)
    expected = sorted([host.id, co_host.id] + [m.id for m in mods])
    assert [r.recipient_id for r in rows] == expected
    assert {r.actor_count for r in rows} == {2} and {r.actor_id for r in rows} == {authors[1].id}


# Points, rewards, referrals, tiers


async def test_released_purchase_points_tell_their_member(collaborators: Collaborators) -> None:
    c = collaborators
    member, other = await make_member(), await make_member()
    await award_points(c, member.id, "purchase", "order:1", amount=88)
    await run_due_jobs(c, c.clock.now() + timedelta(days=14))
    assert await told(NotificationKind.POINTS_ARRIVED) == []
    await run_due_jobs(c, c.clock.now() + timedelta(days=15))
    await run_due_jobs(c, c.clock.now() + timedelta(days=16))
    (row,) = await told(NotificationKind.POINTS_ARRIVED)
    assert (row.recipient_id, row.params) == (member.id, {"amount": 88})
    assert said(row) == "88 积分已到账"
    assert other.id not in await recipients(NotificationKind.POINTS_ARRIVED)


async def test_each_recorded_expiry_reminder_becomes_one_notice_ten_days_ahead(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    member = await make_member()
    await make_member()
    await fund(c, member, 100)
    summary = await points_queries.points_summary(member.id)
    assert summary.next_expiry is not None
    expiry = summary.next_expiry.expires_at
    assert await points_jobs.record_expiry_reminders(expiry - timedelta(days=11), c) == 0
    assert await told(NotificationKind.POINTS_EXPIRING) == []
    assert await points_jobs.record_expiry_reminders(expiry - timedelta(days=9), c) == 1
    assert await points_jobs.record_expiry_reminders(expiry - timedelta(days=8), c) == 0
    (row,) = await told(NotificationKind.POINTS_EXPIRING)
    assert (row.recipient_id, row.params["amount"]) == (member.id, 100)
    assert row.params["expiresAt"] == expiry.isoformat()
    day = expiry.astimezone(SHANGHAI)
    assert said(row) == f"你有 100 积分将于 {day.month}月{day.day}日 过期"


async def test_a_redemption_tells_its_member_it_is_ready_with_the_pickup_code(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    member = await make_member()
    await fund(c, member, 100)
    reward = await make_reward(c)
    redemption = await rewards.redeem_reward(c, member, reward.id, 1, "ready-key-1")
    await rewards.redeem_reward(c, member, reward.id, 1, "ready-key-1")  # a replay
    (row,) = await told(NotificationKind.REDEMPTION_READY)
    assert (row.recipient_id, row.subject_type, row.subject_id) == (
        member.id,
        "Redemption",
        redemption.id,
    )
    assert row.params["pickupCode"] == redemption.pickup_code
    assert said(row) == f"你兑换的「{reward.name}」可以领取了，取货码 {redemption.pickup_code}"


async def test_an_uncollected_redemption_is_reminded_once_after_three_days(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    member, picked = await make_member(), await make_member()
    for m in (member, picked):
        await fund(c, m, 100, ref=f"fund-{m.id}")
    reward = await make_reward(c)
    waiting = await rewards.redeem_reward(c, member, reward.id, 1, "pickup-key-1")
    done = await rewards.redeem_reward(c, picked, reward.id, 1, "pickup-key-2")
    await rewards.fulfil_redemption(c, await make_member(roles=(Role.HOST,)), done.pickup_code)
    clock.advance(days=2, hours=23)
    await run_due_jobs(c)
    assert await told(NotificationKind.PICKUP_REMINDER) == []
    for _ in range(3):  # hourly runs keep finding it
        clock.advance(hours=1)
        await run_due_jobs(c)
    (row,) = await told(NotificationKind.PICKUP_REMINDER)
    assert (row.recipient_id, row.subject_id) == (member.id, waiting.id)
    assert row.params["pickupCode"] == waiting.pickup_code
    assert said(row) == f"别忘了领取「{reward.name}」，取货码 {waiting.pickup_code}"


async def test_a_qualified_referral_tells_the_referrer_only(collaborators: Collaborators) -> None:
    c = collaborators
    referrer, invitee = await make_member(), await make_member()
    await refer(c, referrer, invitee)
    await record_purchases(c, await make_admin(), [order(c, "REF-1", invitee)])
    await record_purchases(c, await make_admin(), [order(c, "REF-2", invitee)])
    (row,) = await told(NotificationKind.REFERRAL_REWARDED)
    assert (row.recipient_id, row.actor_id) == (referrer.id, invitee.id)


def said(row: Notification) -> str:
    """The row's sentence as the inbox shows it (the words read the listener's parameters)."""
    return sentence(row.kind, row.params, None, row.actor_count)


def test_tiers_are_ordered_once_and_only_a_higher_one_is_up() -> None:
    assert set(TIER_ORDER) == set(Tier)
    assert is_upward("POTENTIAL", "KOC") and is_upward("DORMANT", "NEWCOMER")
    assert not is_upward("KOC", "DORMANT") and not is_upward(None, "KOC")
    assert not is_upward("KOC", "KOC")


async def test_only_members_moving_up_a_tier_are_told(
    collaborators: Collaborators,
    town: dict[str, Member],  # noqa: F811
) -> None:
    await Member.filter(id=town["buyer20"].id).update(tier=Tier.POTENTIAL.value)  # → KOC: up
    await Member.filter(id=town["buyer1"].id).update(tier=Tier.KOC.value)  # → POTENTIAL: down
    await recompute_tiers(collaborators)
    (row,) = await told(NotificationKind.TIER_UP)
    assert (row.recipient_id, row.params) == (
        town["buyer20"].id,
        {"from": "POTENTIAL", "to": "KOC"},
    )
    assert said(row) == "恭喜升级为KOC 达人"


# Events and campaigns


async def test_a_promoted_member_hears_of_the_seat_with_the_check_in_code(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    event = await make_event(c, None, capacity=1)
    first, second, third = [await make_member() for _ in range(3)]
    seat = await events.register_for_event(c, first, event.id)
    await events.register_for_event(c, second, event.id)
    await events.register_for_event(c, third, event.id)
    await events.cancel_registration(c, first, seat.id)
    promoted = await EventRegistration.get(event_id=event.id, member_id=second.id)
    (row,) = await told(NotificationKind.WAITLIST_PROMOTED)
    assert (row.recipient_id, row.subject_type, row.subject_id) == (second.id, "Event", event.id)
    assert row.params["checkInCode"] == promoted.check_in_code
    assert said(row) == f"你已从候补转为正式报名「{event.title}」，签到码 {promoted.check_in_code}"


async def test_cancelling_an_event_tells_every_seat_and_waitlist_holder_with_the_reason(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    event = await make_event(c, None, capacity=1)
    organiser = await make_admin()
    seated, waiting, gone, stranger = [await make_member() for _ in range(4)]
    await events.register_for_event(c, seated, event.id)
    await events.register_for_event(c, waiting, event.id)
    mine = await events.register_for_event(c, gone, event.id)
    await events.cancel_registration(c, gone, mine.id)  # cancelled before: not told again
    await events_admin.cancel_event(c, organiser, event.id, "场地临时维修")
    rows = await told(NotificationKind.EVENT_CANCELLED)
    assert sorted(r.recipient_id for r in rows) == sorted([seated.id, waiting.id])
    assert stranger.id not in {r.recipient_id for r in rows}
    assert {(r.subject_type, r.subject_id) for r in rows} == {("Event", event.id)}
    assert {said(r) for r in rows} == {f"活动「{event.title}」已取消：场地临时维修"}
    # A second cancel changes nothing and tells no one twice.
    await events_admin.cancel_event(c, organiser, event.id, "另一个原因")
    assert len(await told(NotificationKind.EVENT_CANCELLED)) == 2


async def test_a_cancellation_rolled_back_tells_no_one(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = collaborators
    event = await make_event(c, None)
    holder = await make_member()
    await events.register_for_event(c, holder, event.id)

    async def audit_down(**_: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(events_admin, "record_change", audit_down)
    with pytest.raises(RuntimeError):
        await events_admin.cancel_event(c, await make_admin(), event.id, "场地临时维修")
    assert await told(NotificationKind.EVENT_CANCELLED) == []
    seat = await EventRegistration.get(event_id=event.id, member_id=holder.id)
    assert seat.status != "CANCELLED"


async def test_seat_holders_are_reminded_a_day_and_two_hours_before_once_each(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    event = await make_event(c, None, capacity=1, starts_in=timedelta(hours=30))
    seated, waiting = await make_member(), await make_member()
    await events.register_for_event(c, seated, event.id)
    await events.register_for_event(c, waiting, event.id)
    windows: list[Any] = []
    for _ in range(30):  # hourly runs until the start
        await run_due_jobs(c)
        windows.append([r.params["window"] for r in await told(NotificationKind.EVENT_REMINDER)])
        clock.advance(hours=1)
    rows = await told(NotificationKind.EVENT_REMINDER)
    assert [(r.recipient_id, r.params["window"]) for r in rows] == [
        (seated.id, "24h"),
        (seated.id, "2h"),
    ]
    assert windows[5] == [] and windows[6] == ["24h"] and windows[28] == ["24h", "2h"]
    assert [said(r) for r in rows] == [f"活动「{event.title}」{h}小时后开始" for h in (24, 2)]


async def test_opening_voting_now_tells_every_member_of_the_estate_once(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    estate, elsewhere = await make_estate(), await make_estate("碧水湾")
    neighbours = [await voter(c, estate=estate) for _ in range(3)]
    await voter(c, estate=elsewhere)
    operator = await admin(c)
    new = campaigns.NewCampaign(
        kind=CampaignKind.NAMING,
        title="小区咖啡角命名",
        description="给咖啡角起个名字",
        voting_starts_at=c.clock.now() + timedelta(days=3),
        voting_ends_at=c.clock.now() + timedelta(days=5),
        estate_id=estate.id,
    )
    campaign = await campaigns.create_campaign(c, operator, new)
    await campaigns.open_voting(c, operator, campaign.id)
    clock.advance(hours=1)
    await run_due_jobs(c)  # the job finds voting open too: no one is told twice
    assert await recipients(NotificationKind.CAMPAIGN_VOTING_OPENED) == sorted(
        n.id for n in neighbours
    )


async def test_with_a_job_queue_the_estate_is_told_by_the_worker_not_in_the_request(
    collaborators: Collaborators,
) -> None:
    """openVoting answers at once: the listener queues the fan-out, the worker's task writes it."""
    kicked: list[tuple[str, tuple[int | str, ...]]] = []

    class Queue:
        async def kick(self, task_name: str, *args: int | str) -> None:
            kicked.append((task_name, args))

    c = replace(collaborators, jobs=Queue())
    estate = await make_estate()
    neighbours = [await voter(c, estate=estate) for _ in range(2)]
    operator = await admin(c)
    new = campaigns.NewCampaign(
        kind=CampaignKind.NAMING,
        title="小区咖啡角命名",
        description="给咖啡角起个名字",
        voting_starts_at=c.clock.now() + timedelta(days=3),
        voting_ends_at=c.clock.now() + timedelta(days=5),
        estate_id=estate.id,
    )
    campaign = await campaigns.create_campaign(c, operator, new)
    await campaigns.open_voting(c, operator, campaign.id)
    assert kicked == [(VOTING_OPENED_TASK, (campaign.id, operator.id))]
    assert await recipients(NotificationKind.CAMPAIGN_VOTING_OPENED) == []
    told = await tell_voting_opened(c, campaign.id, operator.id)
    assert sorted(told) == sorted(n.id for n in neighbours)
    assert await tell_voting_opened(c, campaign.id) == []  # a second run tells no one again


async def test_a_campaign_whose_voting_starts_is_announced_by_the_due_jobs_once(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    estate = await make_estate()
    campaign, _ = await voting_campaign(c, estate=estate)
    neighbour = await voter(c, estate=estate)
    await run_due_jobs(c)
    clock.advance(hours=1)
    await run_due_jobs(c)
    (row,) = await told(NotificationKind.CAMPAIGN_VOTING_OPENED)
    assert (row.recipient_id, row.subject_id) == (neighbour.id, campaign.id)


async def test_the_winning_entrys_proposer_hears_they_won(collaborators: Collaborators) -> None:
    c = collaborators
    campaign, entries = await voting_campaign(c)
    for _ in range(2):
        await campaigns.cast_vote(c, await voter(c), entries[1].id)
    await campaigns.close_campaign(c, campaign.id, await admin(c))
    await campaigns.close_campaign(c, campaign.id, await admin(c))
    (row,) = await told(NotificationKind.CAMPAIGN_WON)
    assert (row.recipient_id, row.subject_id) == (entries[1].proposer_id, campaign.id)
    assert row.params["entryId"] == entries[1].id
