"""Who hears of what: each listener turns a fact of another area into notices for the members
who must hear of it. The areas announce facts and know nothing of notifications.

Facts the due jobs hear again on every run (an event starting soon, a pickup still waiting,
voting open) are told once per member: their listener leaves out whoever has the notice already."""

from __future__ import annotations

import logging

from domain.campaigns.facts import CampaignWon, VotingOpened
from domain.campaigns.models import Campaign
from domain.collaborators import Collaborators
from domain.columns import column
from domain.events.facts import EventCancelled, EventStartingSoon, WaitlistPromoted
from domain.events.models import Event
from domain.facts import listens_to
from domain.groups.models import GroupHost, GroupMembership, InterestGroup
from domain.identity.models import Member, Role
from domain.identity.roles import members_with_role
from domain.notifications.models import Notification, NotificationKind
from domain.notifications.services import Notice, Subject, notices_about, notify
from domain.points.facts import PointsExpiring, PointsReleased
from domain.posts.facts import CommentAdded, PostLiked, PostModerated, PostQueued
from domain.posts.models import Comment, Post
from domain.referrals.facts import ReferralRewarded
from domain.rewards.facts import PickupWaiting, RedemptionReserved
from domain.segments.facts import TierChanged
from domain.segments.rfm import is_upward

LIKE_MILESTONES = (1, 10, 100)
log = logging.getLogger("linli.notifications.triggers")
_MODERATED = {
    "APPROVE": NotificationKind.POST_APPROVED,
    "REJECT": NotificationKind.POST_REJECTED,
    "FEATURE": NotificationKind.POST_FEATURED,
}


async def _told_already(kind: NotificationKind, subject: Subject) -> set[int]:
    """The members holding a ``kind`` notice about ``subject`` (read or not)."""
    return set(await column(notices_about(kind, subject), "recipient_id"))


# Posts


@listens_to(CommentAdded)
async def comment_on_my_post(c: Collaborators, fact: CommentAdded) -> None:
    """The post's author hears of comments while the earlier ones are unread as one row."""
    post = await Post.get_or_none(id=fact.post_id).only("id", "author_id", "title")
    if post is None:
        return
    notice = Notice(
        NotificationKind.COMMENT,
        subject=Subject("Post", post.id),
        actor_id=fact.author_id,
        params={"title": post.title, "commentId": fact.comment_id},
        group_key=f"comment:post:{post.id}",
    )
    await notify(c, [post.author_id], notice)


@listens_to(CommentAdded)
async def reply_to_earlier_commenters(c: Collaborators, fact: CommentAdded) -> None:
    """Members who commented on the post before hear of the comments after theirs (one row per
    post while unread); the author hears of them as comments on their post instead."""
    post = await Post.get_or_none(id=fact.post_id).only("id", "author_id", "title", "group_id")
    if post is None:
        return
    earlier = await column(
        Comment.filter(post_id=post.id, id__lt=fact.comment_id)
        .exclude(author_id=post.author_id)
        .distinct(),
        "author_id",
    )
    if post.group_id is not None and await InterestGroup.exists(id=post.group_id, private=True):
        # A private group's post: only those still members hear of it (not who left or was removed).
        still = GroupMembership.filter(group_id=post.group_id, member_id__in=earlier)
        earlier = await column(still, "member_id")
    notice = Notice(
        NotificationKind.REPLY,
        subject=Subject("Post", post.id),
        actor_id=fact.author_id,
        params={"title": post.title, "commentId": fact.comment_id},
        group_key=f"reply:post:{post.id}",
    )
    await notify(c, earlier, notice)


@listens_to(PostLiked)
async def like_milestone(c: Collaborators, fact: PostLiked) -> None:
    """The author hears when the post reaches 1, 10 and 100 likes, as one row per post while
    unread. Each count is made by exactly one like (the counter's update returned it), so no
    other like reads anything; a count reached again after unlikes is not told twice, and of a
    burst's milestones told out of order a lower one never replaces a higher (``rising``)."""
    if fact.like_count not in LIKE_MILESTONES:
        return
    notice = Notice(
        NotificationKind.LIKE_MILESTONE,
        subject=Subject("Post", fact.post_id),
        actor_id=fact.member_id,
        params={"title": fact.title, "likes": fact.like_count},
        group_key=f"likes:post:{fact.post_id}",
        rising="likes",
    )
    await notify(c, [fact.author_id], notice)


@listens_to(PostModerated)
async def moderation_outcome(c: Collaborators, fact: PostModerated) -> None:
    """The author hears their post was approved, rejected (with the note) or featured."""
    kind = _MODERATED.get(fact.action)
    post = await Post.get_or_none(id=fact.post_id).only("id", "author_id", "title")
    if kind is None or post is None:
        return
    params: dict[str, object] = {"title": post.title}
    if fact.note:
        params["note"] = fact.note
    notice = Notice(kind, subject=Subject("Post", post.id), actor_id=fact.actor_id, params=params)
    await notify(c, [post.author_id], notice)


@listens_to(PostQueued)
async def host_queue_item(c: Collaborators, fact: PostQueued) -> None:
    """A post waiting for review: the group's hosts (one row per group's queue while unread) and
    the moderators (one row for the whole queue)."""
    post = await Post.get_or_none(id=fact.post_id).only("id", "title")
    if post is None:
        return
    moderators = set(await column(members_with_role(Role.MODERATOR), "id"))
    hosts: set[int] = set()
    if fact.group_id is not None:
        hosting = await column(GroupHost.filter(group_id=fact.group_id), "member_id")
        hosts = set(await _holding(hosting, Role.HOST)) - moderators
    params = {"title": post.title, "groupId": fact.group_id}
    subject = Subject("Post", post.id)
    for members, queue in ((hosts, f"group:{fact.group_id}"), (moderators, "all")):
        notice = Notice(
            NotificationKind.HOST_QUEUE_ITEM,
            subject=subject,
            actor_id=fact.author_id,
            params=params,
            group_key=f"queue:{queue}",
        )
        await notify(c, members, notice)


async def _holding(member_ids: list[int], role: Role) -> list[int]:
    """Of ``member_ids``, those who hold ``role`` now (a revoked HOST role ends the hosting)."""
    if not member_ids:
        return []
    return await column(members_with_role(role).filter(id__in=member_ids), "id")


# Points, rewards, referrals, tiers


@listens_to(PointsReleased)
async def points_arrived(c: Collaborators, fact: PointsReleased) -> None:
    notice = Notice(NotificationKind.POINTS_ARRIVED, params={"amount": fact.amount})
    await notify(c, [fact.member_id], notice)


@listens_to(PointsExpiring)
async def points_expiring(c: Collaborators, fact: PointsExpiring) -> None:
    """Each recorded reminder, once (a second run racing this one folds into the same row)."""
    notice = Notice(
        NotificationKind.POINTS_EXPIRING,
        params={"amount": fact.amount, "expiresAt": fact.expires_at.isoformat()},
        group_key=f"expiring:{fact.reminder_id}",
    )
    await notify(c, [fact.member_id], notice)


@listens_to(RedemptionReserved)
async def redemption_ready(c: Collaborators, fact: RedemptionReserved) -> None:
    notice = Notice(
        NotificationKind.REDEMPTION_READY,
        subject=Subject("Redemption", fact.redemption_id),
        params={
            "rewardName": fact.reward_name,
            "quantity": fact.quantity,
            "pickupCode": fact.pickup_code,
        },
    )
    await notify(c, [fact.member_id], notice)


@listens_to(PickupWaiting)
async def pickup_reminder(c: Collaborators, fact: PickupWaiting) -> None:
    subject = Subject("Redemption", fact.redemption_id)
    if fact.member_id in await _told_already(NotificationKind.PICKUP_REMINDER, subject):
        return
    params = {"rewardName": fact.reward_name, "pickupCode": fact.pickup_code, "days": fact.days}
    notice = Notice(NotificationKind.PICKUP_REMINDER, subject=subject, params=params)
    await notify(c, [fact.member_id], notice)


@listens_to(ReferralRewarded)
async def referral_rewarded(c: Collaborators, fact: ReferralRewarded) -> None:
    name = await column(Member.filter(id=fact.invitee_id), "display_name")
    params = {"inviteeName": name[0] if name else "", "points": fact.points}
    notice = Notice(NotificationKind.REFERRAL_REWARDED, actor_id=fact.invitee_id, params=params)
    await notify(c, [fact.referrer_id], notice)


@listens_to(TierChanged)
async def tier_up(c: Collaborators, fact: TierChanged) -> None:
    """Only a move up is news; a move down is never told."""
    if not is_upward(fact.from_tier, fact.to_tier):
        return
    notice = Notice(NotificationKind.TIER_UP, params={"from": fact.from_tier, "to": fact.to_tier})
    await notify(c, [fact.member_id], notice)


# Events and campaigns


@listens_to(WaitlistPromoted)
async def waitlist_promoted(c: Collaborators, fact: WaitlistPromoted) -> None:
    titles = await column(Event.filter(id=fact.event_id), "title")
    params = {
        "registrationId": fact.registration_id,
        "checkInCode": fact.check_in_code,
        "title": titles[0] if titles else "",
    }
    notice = Notice(
        NotificationKind.WAITLIST_PROMOTED, subject=Subject("Event", fact.event_id), params=params
    )
    await notify(c, [fact.member_id], notice)


@listens_to(EventCancelled)
async def event_cancelled(c: Collaborators, fact: EventCancelled) -> None:
    """Everyone whose seat or waitlist place the cancellation ended, with the organisers' reason."""
    notice = Notice(
        NotificationKind.EVENT_CANCELLED,
        subject=Subject("Event", fact.event_id),
        params={"title": fact.title, "reason": fact.reason},
    )
    await notify(c, fact.member_ids, notice)


@listens_to(EventStartingSoon)
async def event_reminder(c: Collaborators, fact: EventStartingSoon) -> None:
    """Once per member and window (24 h, 2 h): the window is in the group key."""
    key = f"event:{fact.event_id}:{fact.window}"
    told = await column(
        Notification.filter(
            kind=NotificationKind.EVENT_REMINDER,
            group_key=key,
            recipient_id__in=list(fact.member_ids),
        ),
        "recipient_id",
    )
    notice = Notice(
        NotificationKind.EVENT_REMINDER,
        subject=Subject("Event", fact.event_id),
        params={"title": fact.title, "startsAt": fact.starts_at.isoformat(), "window": fact.window},
        group_key=key,
    )
    await notify(c, set(fact.member_ids) - set(told), notice)


VOTING_OPENED_TASK = "tell_voting_opened"


@listens_to(VotingOpened)
async def campaign_voting_opened(c: Collaborators, fact: VotingOpened) -> None:
    """Every member of the campaign's estate (every member for a campaign of all estates): tens
    of thousands of rows, so the worker writes them when there is one (an admin's openVoting
    answers at once); without a queue they are written here."""
    if c.jobs is not None:
        try:
            await c.jobs.kick(VOTING_OPENED_TASK, fact.campaign_id, fact.opened_by or 0)
            return
        except Exception as error:  # the queue is away: tell them now instead
            log.warning("voting-opened fan-out not queued: %s", error)
    await tell_voting_opened(c, fact.campaign_id, fact.opened_by)


async def tell_voting_opened(
    c: Collaborators, campaign_id: int, opened_by: int | None = None
) -> list[int]:
    """The campaign's estate told that voting is open, in the notification service's batches;
    members told by an earlier run are left out, and so is the admin who opened it (the actor).
    Returns the members told now."""
    campaign = await Campaign.get_or_none(id=campaign_id).only("id", "estate_id", "title")
    if campaign is None:
        return []
    members = (
        Member.all() if campaign.estate_id is None else Member.filter(estate_id=campaign.estate_id)
    )
    subject = Subject("Campaign", campaign.id)
    everyone = await column(members, "id")
    told = await _told_already(NotificationKind.CAMPAIGN_VOTING_OPENED, subject)
    notice = Notice(
        NotificationKind.CAMPAIGN_VOTING_OPENED,
        subject=subject,
        actor_id=opened_by or None,
        params={"title": campaign.title},
    )
    return await notify(c, [m for m in everyone if m not in told], notice)


@listens_to(CampaignWon)
async def campaign_won(c: Collaborators, fact: CampaignWon) -> None:
    notice = Notice(
        NotificationKind.CAMPAIGN_WON,
        subject=Subject("Campaign", fact.campaign_id),
        params={"title": fact.title, "entryId": fact.entry_id},
    )
    await notify(c, [fact.proposer_id], notice)
