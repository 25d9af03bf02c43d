"""Rule badges awarded once the facts that earn them committed (the nightly sweep catches any
fact missed). Named in domain.facts.LISTENER_MODULES."""

from __future__ import annotations

from domain.campaigns.facts import CampaignWon
from domain.collaborators import Collaborators
from domain.events.facts import AttendeeCheckedIn
from domain.facts import listens_to
from domain.honours import rules
from domain.honours.services import award_due
from domain.points.facts import CheckedIn
from domain.posts.facts import PostModerated, PostPublished
from domain.posts.models import Post
from domain.referrals.facts import ReferralRewarded
from domain.segments.facts import TierChanged


@listens_to(PostPublished)
async def on_post_published(c: Collaborators, fact: PostPublished) -> None:
    await award_due(c, fact.author_id, (rules.FIRST_RECIPE,))


@listens_to(PostModerated)
async def on_post_moderated(c: Collaborators, fact: PostModerated) -> None:
    codes = {"APPROVE": (rules.FIRST_RECIPE,), "FEATURE": (rules.FEATURED_10,)}.get(fact.action)
    if codes:
        post = await Post.get(id=fact.post_id)
        await award_due(c, post.author_id, codes)


@listens_to(CheckedIn)
async def on_checked_in(c: Collaborators, fact: CheckedIn) -> None:
    if fact.streak >= rules.STREAK_DAYS_NEEDED:
        await award_due(c, fact.member_id, (rules.STREAK_7,))


@listens_to(CampaignWon)
async def on_campaign_won(c: Collaborators, fact: CampaignWon) -> None:
    await award_due(c, fact.proposer_id, (rules.CAMPAIGN_WINNER,))


@listens_to(AttendeeCheckedIn)
async def on_attended(c: Collaborators, fact: AttendeeCheckedIn) -> None:
    await award_due(c, fact.member_id, (rules.EVENT_REGULAR,))


@listens_to(ReferralRewarded)
async def on_referral_rewarded(c: Collaborators, fact: ReferralRewarded) -> None:
    await award_due(c, fact.referrer_id, (rules.REFERRAL_STAR,))


@listens_to(TierChanged)
async def on_tier_changed(c: Collaborators, fact: TierChanged) -> None:
    if fact.to_tier == "KOC":
        await award_due(c, fact.member_id, (rules.KOC_QUARTER,))
