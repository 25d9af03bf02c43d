"""The campaign operations of api/contract/campaigns_more.graphql over HTTP: entries paged past
the first fifty with their proposal times, a campaign's close time, and an admin opening voting
now (typed outcomes, audited, the estate's members told)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.campaigns import services
from domain.campaigns.models import Campaign, CampaignEntry, CampaignKind, EntryStatus
from domain.collaborators import Collaborators
from domain.notifications.models import Notification, NotificationKind
from domain.posts.models import AuditLogEntry
from tests.api.test_campaigns_api import cid, eid
from tests.api.test_identity_api import op
from tests.api.test_points_api import ADMIN, error_code, token_for
from tests.conftest import GraphQLClient
from tests.domain.campaign_helpers import voter, voting_campaign
from tests.factories import make_estate, make_member


async def page(
    gql: GraphQLClient, token: str, campaign: Campaign, first: int, after: str | None = None
) -> dict[str, Any]:
    variables = {"id": cid(campaign), "first": first, "after": after}
    body = await gql(op("CampaignEntriesPage"), variables, token)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["campaign"]
    return found


async def test_entries_page_past_fifty_oldest_first_with_their_proposal_times(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    campaign, entries = await voting_campaign(collaborators, entries=57)
    token = await token_for(collaborators, await voter(collaborators))
    first = await page(gql, token, campaign, 50)
    assert first["closedAt"] is None
    assert [e["node"]["id"] for e in first["entries"]["edges"]] == [eid(e) for e in entries[:50]]
    assert first["entries"]["pageInfo"]["hasNextPage"] is True
    rest = await page(gql, token, campaign, 50, first["entries"]["pageInfo"]["endCursor"])
    nodes = [e["node"] for e in rest["entries"]["edges"]]
    assert [n["id"] for n in nodes] == [eid(e) for e in entries[50:]]
    assert rest["entries"]["pageInfo"]["hasNextPage"] is False
    assert nodes[-1]["createdAt"] == entries[-1].created_at.isoformat()


async def test_a_closed_campaign_says_when_it_closed(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    campaign, _ = await voting_campaign(collaborators)
    closed = await services.close_campaign(collaborators, campaign.id)
    token = await token_for(collaborators, await voter(collaborators))
    found = await page(gql, token, campaign, 1)
    assert closed.closed_at is not None and found["closedAt"] == closed.closed_at.isoformat()


async def proposing_campaign(c: Collaborators, estate_id: int | None = None) -> Campaign:
    now = c.clock.now()
    return await services.create_campaign(
        c,
        await make_member(roles=ADMIN),
        services.NewCampaign(
            kind=CampaignKind.NAMING,
            title="小区咖啡角命名",
            description="给咖啡角起个名字",
            proposal_ends_at=now + timedelta(days=2),
            voting_starts_at=now + timedelta(days=3),
            voting_ends_at=now + timedelta(days=5),
            estate_id=estate_id,
        ),
    )


async def test_an_admin_opens_voting_now_audited_and_the_estate_is_told_once(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    estate = await make_estate()
    neighbours = [await voter(c, estate=estate) for _ in range(2)]
    campaign = await proposing_campaign(c, estate.id)
    await CampaignEntry.create(
        campaign=campaign,
        proposer=neighbours[0],
        title="转角咖啡",
        status=EntryStatus.APPROVED,
        created_at=c.clock.now(),
    )
    admin = await make_member(roles=ADMIN)
    token = await token_for(c, admin)
    body = await gql(op("OpenVoting"), {"campaignId": cid(campaign)}, token)
    result = body["data"]["openVoting"]
    now = c.clock.now().isoformat()
    assert result == {
        "__typename": "OpenVotingSuccess",
        "campaign": {
            "id": cid(campaign),
            "status": "VOTING",
            "votingStartsAt": now,
            "proposalEndsAt": now,
        },
    }
    again = (await gql(op("OpenVoting"), {"campaignId": cid(campaign)}, token))["data"]
    assert (again["openVoting"]["__typename"], again["openVoting"]["code"]) == (
        "VotingAlreadyOpen",
        "VOTING_ALREADY_OPEN",
    )
    audit = await AuditLogEntry.filter(action="OPEN_VOTING")
    assert [(a.actor_id, a.target_type, a.target_id) for a in audit] == [
        (admin.id, "CAMPAIGN", campaign.id)
    ]
    told = await Notification.filter(kind=NotificationKind.CAMPAIGN_VOTING_OPENED)
    assert sorted(n.recipient_id for n in told) == sorted(n.id for n in neighbours)
    await services.cast_vote(c, neighbours[1], (await CampaignEntry.get()).id)  # voting is open


async def test_opening_voting_is_for_admins_and_unknown_campaigns_are_not_found(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    campaign = await proposing_campaign(collaborators)
    resident = await token_for(collaborators, await voter(collaborators))
    body = await gql(op("OpenVoting"), {"campaignId": cid(campaign)}, resident)
    assert error_code(body) == "FORBIDDEN"
    unchanged = await Campaign.get(id=campaign.id)
    assert unchanged.voting_starts_at == campaign.voting_starts_at
    admin = await token_for(collaborators, await make_member(roles=ADMIN))
    missing = {"campaignId": cid(Campaign(id=campaign.id + 100))}
    result = (await gql(op("OpenVoting"), missing, admin))["data"]["openVoting"]
    assert (result["__typename"], result["code"]) == ("NotFound", "NOT_FOUND")
    closed = (await voting_campaign(collaborators))[0]
    await services.close_campaign(collaborators, closed.id)
    late = (await gql(op("OpenVoting"), {"campaignId": cid(closed)}, admin))["data"]
    assert late["openVoting"]["__typename"] == "VotingAlreadyOpen"
    assert not await AuditLogEntry.filter(action="OPEN_VOTING").exists()
