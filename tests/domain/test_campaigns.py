"""Campaign services: proposing, moderating entries, voting rules, eligibility, closing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.campaigns import live, services
from domain.campaigns.errors import (
    AlreadyVotedError,
    CampaignNotOpenError,
    InvalidEntryTransitionError,
    NotEligibleError,
    NoVotesLeftError,
)
from domain.campaigns.models import Ballot, Campaign, CampaignEntry, CampaignKind, EntryStatus, Vote
from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, PermissionDeniedError
from domain.identity.models import Member, Role
from domain.points.models import LedgerEntry, LedgerReason
from domain.posts.models import AuditLogEntry
from tests.domain.campaign_helpers import admin, voter, voting_campaign
from tests.factories import make_estate, make_member
from tests.sqlcount import count_sql


async def _nothing_counted(campaign: Campaign) -> None:
    assert await Vote.filter(campaign_id=campaign.id).count() == 0
    assert await Ballot.filter(campaign_id=campaign.id, votes_left__lt=3).count() == 0
    assert not await LedgerEntry.filter(reason=LedgerReason.VOTE_CAST).exists()


async def test_a_vote_counts_once_spends_a_ballot_vote_and_earns_one_point(
    collaborators: Collaborators,
) -> None:
    campaign, entries = await voting_campaign(collaborators)
    member = await voter(collaborators)
    cast = await services.cast_vote(collaborators, member, entries[0].id)
    assert (cast.entry.vote_count, cast.votes_left) == (1, 2)
    assert await Vote.filter(entry_id=entries[0].id, member_id=member.id).count() == 1
    points = await LedgerEntry.filter(member_id=member.id, reason=LedgerReason.VOTE_CAST)
    assert [p.amount for p in points] == [1]
    assert await live.read_counts(collaborators.redis, campaign.id) == {entries[0].id: 1}
    with pytest.raises(AlreadyVotedError):
        await services.cast_vote(collaborators, member, entries[0].id)
    assert (await CampaignEntry.get(id=entries[0].id)).vote_count == 1
    assert await LedgerEntry.filter(member_id=member.id).count() == 1


async def test_the_fourth_vote_is_refused_and_changes_nothing(
    collaborators: Collaborators,
) -> None:
    campaign, entries = await voting_campaign(collaborators, entries=4)
    member = await voter(collaborators)
    for entry in entries[:3]:
        await services.cast_vote(collaborators, member, entry.id)
    with pytest.raises(NoVotesLeftError):
        await services.cast_vote(collaborators, member, entries[3].id)
    assert (await CampaignEntry.get(id=entries[3].id)).vote_count == 0
    assert (await Ballot.get(campaign_id=campaign.id, member_id=member.id)).votes_left == 0
    assert await Vote.filter(campaign_id=campaign.id).count() == 3


@pytest.mark.parametrize(
    "why", ["too_new", "suspended", "other_estate", "before_window", "after_window"]
)
async def test_ineligible_voters_get_a_typed_error_and_change_nothing(
    collaborators: Collaborators, why: str
) -> None:
    home = await make_estate("翠湖花园")
    campaign, entries = await voting_campaign(collaborators, estate=home)
    member = await voter(collaborators, estate=home)
    expected: type[Exception] = NotEligibleError
    if why == "too_new":
        member = await voter(collaborators, age=timedelta(hours=71), estate=home)
    elif why == "suspended":
        await Member.filter(id=member.id).update(suspended=True)
        member = await Member.get(id=member.id)
    elif why == "other_estate":
        member = await voter(collaborators, estate=await make_estate("春江苑"))
    elif why == "before_window":
        await Campaign.filter(id=campaign.id).update(
            voting_starts_at=collaborators.clock.now() + timedelta(minutes=1)
        )
        expected = CampaignNotOpenError
    else:
        await Campaign.filter(id=campaign.id).update(voting_ends_at=collaborators.clock.now())
        expected = CampaignNotOpenError
    with pytest.raises(expected):
        await services.cast_vote(collaborators, member, entries[0].id)
    await _nothing_counted(campaign)
    assert await live.read_counts(collaborators.redis, campaign.id) == {}


async def test_a_seventy_two_hour_old_account_may_vote(collaborators: Collaborators) -> None:
    _, entries = await voting_campaign(collaborators)
    member = await voter(collaborators, age=timedelta(hours=72))
    assert (await services.cast_vote(collaborators, member, entries[0].id)).votes_left == 2


async def test_proposed_names_wait_for_a_moderator_and_the_decision_is_audited(
    collaborators: Collaborators,
) -> None:
    now = collaborators.clock.now()
    campaign = await services.create_campaign(
        collaborators,
        await admin(collaborators),
        services.NewCampaign(
            kind=CampaignKind.NAMING,
            title="新豆命名大赛",
            description="说明",
            proposal_ends_at=now + timedelta(days=1),
            voting_starts_at=now + timedelta(days=2),
            voting_ends_at=now + timedelta(days=5),
        ),
    )
    member = await voter(collaborators)
    entry = await services.propose_entry(collaborators, member, campaign.id, " 晨光 ", "清晨的光")
    assert (entry.status, entry.title) == (EntryStatus.PENDING, "晨光")
    moderator = await make_member(roles=(Role.MODERATOR,))
    with pytest.raises(PermissionDeniedError):
        await services.moderate_entry(collaborators, member, entry.id, "APPROVE")
    with pytest.raises(InvalidInputError):
        await services.moderate_entry(collaborators, moderator, entry.id, "REJECT")
    with pytest.raises(InvalidEntryTransitionError):
        await services.moderate_entry(collaborators, moderator, entry.id, "FEATURE")
    approved = await services.moderate_entry(collaborators, moderator, entry.id, "APPROVE")
    again = await services.moderate_entry(collaborators, moderator, entry.id, "APPROVE")
    assert approved.status == again.status == EntryStatus.APPROVED
    audit = await AuditLogEntry.filter(target_type="CAMPAIGN_ENTRY")
    assert [(a.action, a.target_id, a.actor_id) for a in audit] == [
        ("APPROVE", entry.id, moderator.id)
    ]
    with pytest.raises(InvalidEntryTransitionError):
        await services.moderate_entry(collaborators, moderator, entry.id, "REJECT", "重复")


async def test_proposals_are_refused_outside_the_proposal_window(
    collaborators: Collaborators,
) -> None:
    campaign, _ = await voting_campaign(collaborators)
    with pytest.raises(CampaignNotOpenError):
        await services.propose_entry(collaborators, await voter(collaborators), campaign.id, "晚了")
    assert await CampaignEntry.filter(campaign_id=campaign.id).count() == 3


async def test_closing_names_the_most_voted_entry_and_closing_twice_changes_nothing(
    collaborators: Collaborators,
    clock: FrozenClock,
) -> None:
    campaign, entries = await voting_campaign(collaborators)
    for _ in range(2):
        await services.cast_vote(collaborators, await voter(collaborators), entries[1].id)
    await services.cast_vote(collaborators, await voter(collaborators), entries[0].id)
    boss = await admin(collaborators)
    closed = await services.close_campaign(collaborators, campaign.id, boss)
    assert closed.winner_entry_id == entries[1].id and closed.closed_at is not None
    clock.advance(minutes=5)
    again = await services.close_campaign(collaborators, campaign.id, boss)
    assert (again.closed_at, again.winner_entry_id) == (closed.closed_at, entries[1].id)
    won = await LedgerEntry.filter(reason=LedgerReason.CAMPAIGN_WON)
    assert [(w.member_id, w.amount) for w in won] == [(entries[1].proposer_id, 200)]
    with pytest.raises(CampaignNotOpenError):
        await services.cast_vote(collaborators, await voter(collaborators), entries[0].id)


async def test_a_tie_goes_to_the_earlier_entry(collaborators: Collaborators) -> None:
    campaign, entries = await voting_campaign(collaborators)
    await services.cast_vote(collaborators, await voter(collaborators), entries[2].id)
    await services.cast_vote(collaborators, await voter(collaborators), entries[1].id)
    closed = await services.close_campaign(collaborators, campaign.id, await admin(collaborators))
    assert closed.winner_entry_id == entries[1].id


async def test_the_job_closes_campaigns_whose_voting_ended_once(
    collaborators: Collaborators,
    clock: FrozenClock,
) -> None:
    campaign, entries = await voting_campaign(collaborators)
    await services.cast_vote(collaborators, await voter(collaborators), entries[0].id)
    assert await services.close_due_campaigns(collaborators) == 0
    clock.advance(days=1)
    assert await services.close_due_campaigns(collaborators) == 1
    assert await services.close_due_campaigns(collaborators) == 0
    closed = await Campaign.get(id=campaign.id)
    assert closed.winner_entry_id == entries[0].id
    assert await LedgerEntry.filter(reason=LedgerReason.CAMPAIGN_WON).count() == 1


async def test_the_rebuild_gives_the_database_counts_after_redis_is_wiped(
    collaborators: Collaborators,
) -> None:
    campaign, entries = await voting_campaign(collaborators)
    for entry in entries[:2]:
        await services.cast_vote(collaborators, await voter(collaborators), entry.id)
    before = await live.read_counts(collaborators.redis, campaign.id)
    await collaborators.redis.flushdb()  # Redis lost its data: the tally heals on read
    assert await live.read_counts(collaborators.redis, campaign.id) == before
    assert await live.rebuild(collaborators.redis, campaign.id) == before
    assert await live.read_counts(collaborators.redis, campaign.id) == before


async def test_votes_beyond_the_per_minute_limit_are_rate_limited_and_change_nothing(
    collaborators: Collaborators,
) -> None:
    from dataclasses import replace

    from domain.errors import RateLimitedError
    from settings import Limits

    limited = replace(
        collaborators,
        settings=replace(collaborators.settings, limits=Limits(votes_per_minute=2)),
    )
    campaign, entries = await voting_campaign(limited)
    member = await voter(limited)
    for entry in entries[:2]:
        await services.cast_vote(limited, member, entry.id)
    with pytest.raises(RateLimitedError):
        await services.cast_vote(limited, member, entries[2].id)
    assert await Vote.filter(campaign_id=campaign.id).count() == 2


async def test_a_burst_of_votes_is_pushed_at_once_and_then_coalesced_to_one_a_second(
    collaborators: Collaborators,
) -> None:
    import asyncio

    campaign, entries = await voting_campaign(collaborators)
    redis = collaborators.redis
    await live.rebuild(redis, campaign.id)  # the tally is complete: increments apply
    pubsub = redis.pubsub()
    await pubsub.subscribe(live.channel(campaign.id))
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(10):
        await live.record_vote(redis, campaign.id, entries[0].id)
    elapsed = loop.time() - started  # well under a second, unless the machine is crowded
    if elapsed < 1:  # within the second after the first push the publisher loop holds back
        assert await live.publish_dirty(redis) == 0
    received = []
    deadline = loop.time() + 0.3
    while (left := deadline - loop.time()) > 0:
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
        if message is not None:
            received.append(live.Tally.from_json(message["data"]))
    assert received[0].counts == {entries[0].id: 1}  # the first vote went out at once
    assert len(received) <= 1 + int(elapsed)  # and then at most one push a second
    await asyncio.sleep(1.05)
    await live.publish_dirty(redis)  # what was held back goes out now
    while (
        message := await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
    ) is not None:
        received.append(live.Tally.from_json(message["data"]))
    assert received[-1].counts == {entries[0].id: 10}
    await pubsub.aclose()


async def test_a_follower_gets_the_snapshot_then_at_most_one_tally_a_second_the_latest(
    collaborators: Collaborators,
) -> None:
    import asyncio
    import time

    campaign, _ = await voting_campaign(collaborators)
    redis = collaborators.redis
    seen: list[tuple[float, dict[int, int]]] = []
    follower = live.follow(redis, campaign.id)
    snapshot = await follower.__anext__()
    assert snapshot.counts == {}

    async def collect() -> None:
        async for tally in follower:
            seen.append((time.monotonic(), tally.counts))

    task = asyncio.create_task(collect())
    start = time.monotonic()
    for n in range(1, 7):
        await redis.publish(
            live.channel(campaign.id), live.Tally(campaign.id, True, {1: n}).to_json()
        )
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.3)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await follower.aclose()
    assert [counts for _, counts in seen] == [{1: 1}, {1: 6}]
    assert seen[0][0] - start < 0.9 and seen[1][0] - seen[0][0] >= 0.99


async def test_the_entries_page_shows_each_reader_what_they_may_see_with_its_proposer(
    collaborators: Collaborators,
) -> None:
    """``queries.entries_page`` is a written statement: its three visibility rules, its cursor
    and its page size, against entries in every status, and the proposer read with the row."""
    from domain.campaigns import queries

    campaign, approved = await voting_campaign(collaborators, entries=3)
    proposer = await voter(collaborators)
    stranger = await voter(collaborators)
    staff = await admin(collaborators)
    made: dict[str, CampaignEntry] = {}
    for status, who in (
        ("own pending", proposer),
        ("other pending", stranger),
        ("rejected", proposer),
    ):
        made[status] = await CampaignEntry.create(
            campaign=campaign,
            proposer=who,
            title=status[:10],
            status=EntryStatus.REJECTED if status == "rejected" else EntryStatus.PENDING,
            created_at=collaborators.clock.now(),
        )
    other_campaign, elsewhere = await voting_campaign(collaborators, entries=1)
    shown = [e.id for e in approved]

    async def ids(
        viewer: int | None, is_staff: bool, after: int | None = None, first: int = 10
    ) -> list[int]:
        page = await queries.entries_page(campaign.id, viewer, is_staff, after, first)
        return [e.id for e in page]

    assert await ids(None, False) == shown
    assert await ids(stranger.id, False) == [*shown, made["other pending"].id]
    assert await ids(proposer.id, False) == [*shown, made["own pending"].id]
    assert await ids(staff.id, True) == [*shown, made["own pending"].id, made["other pending"].id]
    # ``first + 1`` rows, then the rows after a cursor.
    assert await ids(staff.id, True, first=1) == shown[:2]
    assert await ids(None, False, after=shown[0], first=1) == shown[1:3]
    assert await ids(proposer.id, False, after=shown[2]) == [made["own pending"].id]
    assert await ids(staff.id, True, after=made["own pending"].id) == [made["other pending"].id]
    assert elsewhere[0].id not in await ids(staff.id, True, first=50)
    assert other_campaign.id != campaign.id

    with count_sql() as statements:
        (own,) = await queries.entries_page(campaign.id, proposer.id, False, shown[2], 10)
        assert own.proposer.display_name == proposer.display_name  # read with the entry
    assert len(statements) == 1, statements
    assert (own.status, own.title, own.campaign_id) == (
        EntryStatus.PENDING,
        "own pendin",  # made with its first ten characters
        campaign.id,
    )


async def test_the_viewers_ballots_and_votes_are_read_for_exactly_the_asked_ids(
    collaborators: Collaborators,
) -> None:
    """``votes_left_by_campaign`` and ``entry_ids_voted`` bind their ids as one list (an array
    on PostgreSQL, JSON on SQLite): only the viewer's rows among the asked ids count, an
    empty or unmatched list finds nothing, and each read is one statement."""
    from domain.campaigns import queries

    first, entries = await voting_campaign(collaborators, entries=3, votes_per_member=3)
    second, others = await voting_campaign(collaborators, entries=2, votes_per_member=2)
    untouched, _ = await voting_campaign(collaborators, entries=1, votes_per_member=5)
    member = await voter(collaborators)
    neighbour = await voter(collaborators)
    await services.cast_vote(collaborators, member, entries[0].id)
    await services.cast_vote(collaborators, member, entries[2].id)
    await services.cast_vote(collaborators, member, others[1].id)
    await services.cast_vote(collaborators, neighbour, entries[1].id)
    campaigns = [first, second, untouched]

    with count_sql() as statements:
        left = await queries.votes_left_by_campaign(member.id, campaigns)
        voted = await queries.entry_ids_voted(member.id, [e.id for e in [*entries, *others]])
    assert len(statements) == 2, statements
    assert left == {first.id: 1, second.id: 1, untouched.id: 5}
    assert voted == {entries[0].id, entries[2].id, others[1].id}
    assert await queries.entry_ids_voted(member.id, [entries[1].id]) == set()
    assert await queries.entry_ids_voted(neighbour.id, [entries[1].id]) == {entries[1].id}
    assert await queries.votes_left_by_campaign(neighbour.id, [second]) == {second.id: 2}
    with count_sql() as none_asked:
        assert await queries.entry_ids_voted(member.id, []) == set()
        assert await queries.votes_left_by_campaign(None, campaigns) == dict.fromkeys(
            (first.id, second.id, untouched.id), 0
        )
    assert none_asked == []
