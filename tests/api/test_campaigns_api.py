"""The co-creation operations of the contract over HTTP: Campaigns, Campaign, ProposeEntry,
CastVote, CampaignTally, and the staff ModerateEntry, CreateCampaign, CloseCampaign."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from api.context import Context
from api.schema import schema
from domain.campaigns import live, services
from domain.campaigns.models import Campaign, CampaignEntry, EntryStatus, Vote
from domain.collaborators import Collaborators
from domain.identity.models import Role
from domain.points.models import LedgerEntry, LedgerReason
from domain.posts.models import AuditLogEntry
from tests.api.test_identity_api import op
from tests.api.test_points_api import ADMIN, error_code, token_for
from tests.conftest import GraphQLClient
from tests.domain.campaign_helpers import voter, voting_campaign
from tests.factories import make_estate, make_member
from tests.sqlcount import count_sql
from web.ids import encode_id


def cid(campaign: Campaign) -> str:
    return encode_id("Campaign", campaign.id)


def eid(entry: CampaignEntry) -> str:
    return encode_id("CampaignEntry", entry.id)


async def vote(gql: GraphQLClient, token: str, entry: CampaignEntry) -> dict[str, Any]:
    body = await gql(op("CastVote"), {"entryId": eid(entry)}, token)
    result: dict[str, Any] = body["data"]["castVote"]
    return result


async def test_a_vote_answers_the_entry_and_the_votes_left_and_a_second_is_already_voted(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    campaign, entries = await voting_campaign(collaborators)
    token = await token_for(collaborators, await voter(collaborators))
    first = await vote(gql, token, entries[0])
    assert first["__typename"] == "CastVoteSuccess"
    assert first["entry"] == {"id": eid(entries[0]), "voteCount": 1, "viewerHasVoted": True}
    assert first["campaign"] == {"id": cid(campaign), "viewerVotesLeft": 2}
    again = await vote(gql, token, entries[0])
    assert (again["__typename"], again["code"]) == ("AlreadyVoted", "ALREADY_VOTED")
    assert await Vote.filter(entry_id=entries[0].id).count() == 1


async def test_ineligible_and_closed_votes_are_typed_and_change_nothing(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    home = await make_estate("翠湖花园")
    campaign, entries = await voting_campaign(collaborators, estate=home)
    newcomer = await voter(collaborators, age=timedelta(hours=1), estate=home)
    stranger = await voter(collaborators, estate=await make_estate("春江苑"))
    for member in (newcomer, stranger):
        result = await vote(gql, await token_for(collaborators, member), entries[0])
        assert (result["__typename"], result["code"]) == ("NotEligible", "NOT_ELIGIBLE")
    await Campaign.filter(id=campaign.id).update(voting_ends_at=collaborators.clock.now())
    neighbour = await voter(collaborators, estate=home)
    result = await vote(gql, await token_for(collaborators, neighbour), entries[0])
    assert (result["__typename"], result["code"]) == ("CampaignNotOpen", "CAMPAIGN_NOT_OPEN")
    assert not await Vote.all().exists()
    assert not await LedgerEntry.filter(reason=LedgerReason.VOTE_CAST).exists()


async def test_no_votes_left_is_typed(gql: GraphQLClient, collaborators: Collaborators) -> None:
    _, entries = await voting_campaign(collaborators, votes_per_member=1)
    token = await token_for(collaborators, await voter(collaborators))
    await vote(gql, token, entries[0])
    result = await vote(gql, token, entries[1])
    assert (result["__typename"], result["code"]) == ("NoVotesLeft", "NO_VOTES_LEFT")


async def test_signed_out_votes_are_refused_at_the_top(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    _, entries = await voting_campaign(collaborators)
    body = await gql(op("CastVote"), {"entryId": eid(entries[0])})
    assert error_code(body) == "UNAUTHENTICATED"


async def test_hidden_results_leak_no_count_in_campaign_campaigns_or_the_tally(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    campaign, entries = await voting_campaign(collaborators, hide_results=True)
    member = await voter(collaborators)
    token = await token_for(collaborators, member)
    cast = await vote(gql, token, entries[0])
    assert cast["entry"]["voteCount"] is None
    listed = await gql(op("Campaigns"), {"first": 10}, token)
    one = await gql(op("Campaign"), {"id": cid(campaign)}, token)
    node = listed["data"]["campaigns"]["edges"][0]["node"]
    assert node["resultsVisible"] is False and one["data"]["campaign"]["resultsVisible"] is False
    counts = [e["node"]["voteCount"] for e in one["data"]["campaign"]["entries"]["edges"]]
    assert counts == [None, None, None]
    tally = await _first_tally(collaborators, campaign)
    assert tally == {"campaignId": cid(campaign), "entries": []}
    # Nothing in the answers carries the number of votes cast.
    assert '"voteCount": 1' not in json.dumps([listed, one, tally])
    await services.close_campaign(collaborators, campaign.id)
    after = await gql(op("Campaign"), {"id": cid(campaign)}, token)
    shown = [e["node"]["voteCount"] for e in after["data"]["campaign"]["entries"]["edges"]]
    assert shown == [1, 0, 0]
    assert after["data"]["campaign"]["winner"]["id"] == eid(entries[0])


async def _first_tally(collaborators: Collaborators, campaign: Campaign) -> dict[str, Any]:
    context = Context(
        request=None,  # type: ignore[arg-type]
        collaborators=collaborators,
        member=None,
        token=None,
        client_ip="203.0.113.7",
    )
    stream = await schema.subscribe(
        op("CampaignTally"), variable_values={"campaignId": cid(campaign)}, context_value=context
    )
    assert not hasattr(stream, "errors") or not stream.errors
    result = await stream.__anext__()
    await stream.aclose()
    assert result.errors is None and result.data is not None, result.errors
    tally: dict[str, Any] = result.data["campaignTally"]
    return tally


async def test_the_tally_subscription_starts_with_the_current_counts(
    collaborators: Collaborators,
) -> None:
    campaign, entries = await voting_campaign(collaborators)
    await services.cast_vote(collaborators, await voter(collaborators), entries[1].id)
    tally = await _first_tally(collaborators, campaign)
    assert tally["entries"] == [{"entryId": eid(entries[1]), "voteCount": 1}]


async def test_a_proposed_name_is_moderated_by_staff_and_audited(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    now = collaborators.clock.now()
    admin = await make_member(roles=ADMIN)
    admin_token = await token_for(collaborators, admin)
    created = await gql(
        op("CreateCampaign"),
        {
            "input": {
                "kind": "NAMING",
                "title": "新豆命名大赛",
                "description": "给隅田川的新豆起名",
                "proposalEndsAt": (now + timedelta(days=2)).isoformat(),
                "votingStartsAt": (now + timedelta(days=3)).isoformat(),
                "votingEndsAt": (now + timedelta(days=6)).isoformat(),
            }
        },
        admin_token,
    )
    made = created["data"]["createCampaign"]
    assert made["__typename"] == "CreateCampaignSuccess"
    assert made["campaign"]["status"] == "PROPOSING"
    member_token = await token_for(collaborators, await voter(collaborators))
    proposed = await gql(
        op("ProposeEntry"),
        {"input": {"campaignId": made["campaign"]["id"], "title": "晨雾"}},
        member_token,
    )
    entry = proposed["data"]["proposeEntry"]["entry"]
    assert entry["status"] == "PENDING"
    refused = await gql(
        op("ModerateEntry"), {"entryId": entry["id"], "action": "APPROVE"}, member_token
    )
    assert error_code(refused) == "FORBIDDEN"
    moderator = await make_member(roles=(Role.RESIDENT, Role.MODERATOR))
    approved = await gql(
        op("ModerateEntry"),
        {"entryId": entry["id"], "action": "APPROVE"},
        await token_for(collaborators, moderator),
    )
    assert approved["data"]["moderateEntry"]["entry"]["status"] == "APPROVED"
    assert await AuditLogEntry.filter(target_type="CAMPAIGN_ENTRY", actor_id=moderator.id).count()
    assert (await CampaignEntry.get()).status == EntryStatus.APPROVED


async def test_create_campaign_refuses_bad_windows_with_field_errors(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    now = collaborators.clock.now()
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    body = await gql(
        op("CreateCampaign"),
        {
            "input": {
                "kind": "PHOTO",
                "title": "春",
                "description": "最美春日",
                "votingStartsAt": now.isoformat(),
                "votingEndsAt": now.isoformat(),
            }
        },
        token,
    )
    result = body["data"]["createCampaign"]
    assert result["__typename"] == "InvalidInput"
    assert {f["field"] for f in result["fieldErrors"]} == {"title", "votingEndsAt"}
    assert not await Campaign.all().exists()


async def test_close_campaign_names_the_winner_and_closing_twice_changes_nothing(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    campaign, entries = await voting_campaign(collaborators)
    await services.cast_vote(collaborators, await voter(collaborators), entries[2].id)
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    answers = [
        (await gql(op("CloseCampaign"), {"campaignId": cid(campaign)}, token))["data"][
            "closeCampaign"
        ]
        for _ in range(2)
    ]
    assert answers[0] == answers[1]
    assert answers[0]["campaign"] == {
        "id": cid(campaign),
        "status": "CLOSED",
        "winner": {"id": eid(entries[2]), "title": "名字3"},
    }
    assert await LedgerEntry.filter(reason=LedgerReason.CAMPAIGN_WON).count() == 1
    resident = await token_for(collaborators, await voter(collaborators))
    body = await gql(op("CloseCampaign"), {"campaignId": cid(campaign)}, resident)
    assert error_code(body) == "FORBIDDEN"


@pytest.mark.parametrize("query", ["Campaigns", "Campaign"])
async def test_campaign_reads_send_as_many_statements_for_one_as_for_twenty(
    gql: GraphQLClient, collaborators: Collaborators, query: str
) -> None:
    campaigns = [(await voting_campaign(collaborators, entries=20))[0] for _ in range(3)]
    member = await voter(collaborators)
    token = await token_for(collaborators, member)
    entries = await CampaignEntry.filter(campaign_id=campaigns[0].id)
    for entry in entries[:3]:
        await services.cast_vote(collaborators, member, entry.id)
    seen = []
    for first in (1, 3):
        if query == "Campaigns":
            variables: dict[str, Any] = {"first": first}
        else:
            await CampaignEntry.filter(
                campaign_id=campaigns[0].id, id__gt=entries[0].id + first - 1
            ).update(status=EntryStatus.REJECTED if first == 1 else EntryStatus.APPROVED)
            variables = {"id": cid(campaigns[0])}
        with count_sql() as statements:
            body = await gql(op(query), variables, token)
        assert "errors" not in body, body
        seen.append(len(statements))
    print(f"{query}: SQL statements for 1 and for many rows: {seen}")
    assert seen[0] == seen[1]


async def test_the_tally_hash_follows_votes_made_through_the_api(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    campaign, entries = await voting_campaign(collaborators)
    for _ in range(3):
        await vote(gql, await token_for(collaborators, await voter(collaborators)), entries[0])
    assert await live.read_counts(collaborators.redis, campaign.id) == {entries[0].id: 3}


async def test_a_pending_entry_is_no_node_for_other_residents(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    _, entries = await voting_campaign(collaborators)
    await CampaignEntry.filter(id=entries[0].id).update(status=EntryStatus.PENDING)
    query = "query($id: ID!) { node(id: $id) { id } }"
    stranger = await token_for(collaborators, await voter(collaborators))
    body = await gql(query, {"id": eid(entries[0])}, stranger)
    assert body["data"]["node"] is None
    shown = await gql(query, {"id": eid(entries[1])}, stranger)
    assert shown["data"]["node"] == {"id": eid(entries[1])}
