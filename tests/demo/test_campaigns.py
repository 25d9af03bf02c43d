"""The demo campaigns: an open naming contest with a dozen names and true tallies, and a closed
「最美春日」 photo contest with its winner paid once."""

from __future__ import annotations

from demo import residents
from demo.campaigns import seed_campaigns_demo
from demo.groups import seed_groups_demo
from demo.posts import seed_posts_demo
from domain.campaigns import live
from domain.campaigns.models import Campaign, CampaignEntry, EntryStatus, Vote
from domain.collaborators import Collaborators
from domain.points.models import LedgerEntry, LedgerReason


async def test_the_demo_has_an_open_naming_contest_and_a_closed_spring_photo_contest(
    collaborators: Collaborators,
) -> None:
    await residents.seed_demo(collaborators.clock)
    await seed_groups_demo()
    await seed_posts_demo(collaborators, posts=200)
    made = await seed_campaigns_demo(collaborators)
    naming = await Campaign.get(title="隅田川新豆命名大赛")
    spring = await Campaign.get(title="最美春日")
    assert naming.closed_at is None and naming.winner_entry_id is None
    approved = await CampaignEntry.filter(campaign=naming, status=EntryStatus.APPROVED).count()
    assert approved == 12
    assert made["votes"] == await Vote.all().count() > 50
    counts = await live.counts_from_database(naming.id)
    assert await live.read_counts(collaborators.redis, naming.id) == counts
    for entry in await CampaignEntry.filter(campaign=naming):
        assert entry.vote_count == counts.get(entry.id, 0)
    assert spring.closed_at is not None and spring.winner_entry_id is not None
    winner = await CampaignEntry.get(id=spring.winner_entry_id)
    assert winner.post_id is not None
    won = await LedgerEntry.filter(reason=LedgerReason.CAMPAIGN_WON)
    assert [(w.member_id, w.amount) for w in won] == [(winner.proposer_id, 200)]
