"""Votes racing on PostgreSQL with separate connections: one vote per entry and member, no more
votes than the ballot holds, and a Redis tally that equals the database (and is rebuilt to it)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace

import pytest

from domain.campaigns import live, services
from domain.campaigns.errors import AlreadyVotedError, NoVotesLeftError
from domain.campaigns.models import Ballot, CampaignEntry, Vote
from domain.collaborators import Collaborators
from domain.errors import DomainError
from domain.points.models import LedgerEntry, LedgerReason
from settings import Limits
from tests.domain.campaign_helpers import voter, voting_campaign

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def unthrottled(collaborators: Collaborators) -> Collaborators:
    """The database, not the per-minute vote limit, must be what refuses these."""
    settings = replace(collaborators.settings, limits=Limits(votes_per_minute=100_000))
    return replace(collaborators, settings=settings)


def _unexpected(results: Sequence[object]) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, DomainError)]


async def test_a_hundred_concurrent_votes_by_one_member_on_one_entry_count_once(
    unthrottled: Collaborators,
) -> None:
    collaborators = unthrottled
    campaign, entries = await voting_campaign(collaborators)
    member = await voter(collaborators)
    results = await asyncio.gather(
        *(services.cast_vote(collaborators, member, entries[0].id) for _ in range(100)),
        return_exceptions=True,
    )
    counted = [r for r in results if isinstance(r, services.VoteCast)]
    already = [r for r in results if isinstance(r, AlreadyVotedError)]
    assert (len(counted), len(already)) == (1, 99), _unexpected(results)[:3]
    assert await Vote.filter(entry_id=entries[0].id).count() == 1
    assert (await CampaignEntry.get(id=entries[0].id)).vote_count == 1
    assert (await Ballot.get(campaign_id=campaign.id, member_id=member.id)).votes_left == 2
    assert await LedgerEntry.filter(member_id=member.id, reason=LedgerReason.VOTE_CAST).count() == 1
    assert await live.read_counts(collaborators.redis, campaign.id) == {entries[0].id: 1}


async def test_three_votes_spread_over_ten_entries_at_once_count_exactly_three(
    collaborators: Collaborators,
) -> None:
    campaign, entries = await voting_campaign(collaborators, entries=10)
    member = await voter(collaborators)
    results = await asyncio.gather(
        *(services.cast_vote(collaborators, member, e.id) for e in entries),
        return_exceptions=True,
    )
    counted = [r for r in results if isinstance(r, services.VoteCast)]
    refused = [r for r in results if isinstance(r, NoVotesLeftError)]
    assert (len(counted), len(refused)) == (3, 7), _unexpected(results)[:3]
    assert await Vote.filter(member_id=member.id).count() == 3
    assert (await Ballot.get(campaign_id=campaign.id, member_id=member.id)).votes_left == 0
    assert sum(e.vote_count for e in await CampaignEntry.filter(campaign_id=campaign.id)) == 3
    assert sum((await live.read_counts(collaborators.redis, campaign.id)).values()) == 3


async def test_five_hundred_voters_leave_a_redis_tally_equal_to_the_database_and_rebuildable(
    collaborators: Collaborators,
) -> None:
    campaign, entries = await voting_campaign(collaborators, entries=4)
    members = [await voter(collaborators) for _ in range(500)]
    results = await asyncio.gather(
        *(services.cast_vote(collaborators, m, entries[i % 4].id) for i, m in enumerate(members)),
        return_exceptions=True,
    )
    assert all(isinstance(r, services.VoteCast) for r in results), _unexpected(results)[:3]
    in_database = await live.counts_from_database(campaign.id)
    assert in_database == {e.id: 125 for e in entries}
    assert await live.read_counts(collaborators.redis, campaign.id) == in_database
    counters = {e.id: e.vote_count for e in await CampaignEntry.filter(campaign_id=campaign.id)}
    assert counters == in_database
    await collaborators.redis.delete(live.tally_key(campaign.id))
    assert await live.rebuild(collaborators.redis, campaign.id) == in_database
    assert await live.read_counts(collaborators.redis, campaign.id) == in_database


async def test_a_close_racing_with_votes_names_a_winner_from_every_counted_vote(
    collaborators: Collaborators,
) -> None:
    campaign, entries = await voting_campaign(collaborators, entries=2)
    members = [await voter(collaborators) for _ in range(60)]
    admin_member = await voter(collaborators)
    admin_member.roles = ["ADMIN"]
    votes = [services.cast_vote(collaborators, m, entries[0].id) for m in members]
    results = await asyncio.gather(
        *votes[:30],
        services.close_campaign(collaborators, campaign.id, admin_member),
        *votes[30:],
        return_exceptions=True,
    )
    assert not _unexpected(results)
    counted = await Vote.filter(campaign_id=campaign.id).count()
    assert (await CampaignEntry.get(id=entries[0].id)).vote_count == counted
    closed = await services.close_campaign(collaborators, campaign.id, admin_member)
    # Every counted vote went to the first entry; with none it wins the 0–0 tie as the earlier.
    assert closed.winner_entry_id == entries[0].id
    assert not await Vote.filter(entry_id=entries[1].id).exists()
    assert await live.read_counts(collaborators.redis, campaign.id) == (
        {entries[0].id: counted} if counted else {}
    )
