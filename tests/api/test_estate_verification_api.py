"""Estate verification through the public API (api/contract/estate_verification.graphql): the
refusals an unverified member meets, and each of the three ways to be verified."""

from __future__ import annotations

from typing import Any

from graphql import print_ast

from domain.campaigns.models import Ballot, Vote
from domain.collaborators import Collaborators
from domain.events.models import EventRegistration
from domain.groups.models import InterestGroup
from domain.identity.models import EstateVerification, Member, Role, VerifiedBy
from domain.posts.models import AuditLogEntry
from domain.purchases.csv_import import import_purchases_csv
from domain.purchases.models import Purchase
from tests.api.test_contract import OPERATIONS
from tests.api.test_groups_api import token_for
from tests.api.test_identity_api import register
from tests.conftest import GraphQLClient
from tests.domain.campaign_helpers import voter, voting_campaign
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.factories import make_estate, make_member
from web.ids import encode_id


def op(name: str) -> str:
    return print_ast(OPERATIONS[name])


async def status_of(gql: GraphQLClient, token: str) -> dict[str, Any]:
    viewer = (await gql(op("EstateVerification"), {}, token))["data"]["viewer"]
    result: dict[str, Any] = viewer["estateVerification"]
    return result


async def vote(gql: GraphQLClient, token: str, entry_id: int) -> dict[str, Any]:
    variables = {"entryId": encode_id("CampaignEntry", entry_id)}
    result: dict[str, Any] = (await gql(op("CastEstateVote"), variables, token))["data"]["castVote"]
    return result


async def sign_up(gql: GraphQLClient, event_id: int, token: str) -> dict[str, Any]:
    variables = {"eventId": encode_id("Event", event_id)}
    done = await gql(op("RegisterForEstateEvent"), variables, token)
    result: dict[str, Any] = done["data"]["registerForEvent"]
    return result


async def test_an_unverified_resident_may_not_vote_in_their_estates_campaign_and_nothing_changes(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    estate = await make_estate()
    campaign, entries = await voting_campaign(c, estate=estate)
    public, public_entries = await voting_campaign(c)
    newcomer = await voter(c, estate=estate)
    await EstateVerification.filter(member_id=newcomer.id).delete()
    token = await token_for(c, newcomer)

    status = await status_of(gql, token)
    assert (status["verified"], status["via"], status["verifiedAt"]) == (False, None, None)
    assert len(status["howToVerify"]) == 3 and "自提点" in status["howToVerify"][0]

    refused = await vote(gql, token, entries[0].id)
    assert (refused["__typename"], refused["code"]) == ("EstateUnverified", "ESTATE_UNVERIFIED")
    assert "认证" in refused["message"]
    assert not await Vote.filter(member_id=newcomer.id).exists()
    assert not await Ballot.filter(member_id=newcomer.id).exists()
    # A campaign open to every estate takes their vote.
    assert (await vote(gql, token, public_entries[0].id))["__typename"] == "CastVoteSuccess"
    assert campaign.id != public.id


async def test_an_estate_only_groups_event_takes_verified_residents_of_that_estate_only(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    estate, other = await make_estate(), await make_estate("云栖苑")
    group = await make_group(await make_host())
    await InterestGroup.filter(id=group.id).update(estate_id=estate.id)
    event = await make_event(c, group)
    open_event = await make_event(c, await make_group(await make_host("小林"), "烘焙", "bake"))

    unverified = await make_member(estate=estate, verified=False)
    elsewhere = await make_member(estate=other)  # verified, in another estate
    for member in (unverified, elsewhere):
        token = await token_for(c, member)
        refused = await sign_up(gql, event.id, token)
        assert refused["__typename"] == "EstateUnverified", refused
        assert (await sign_up(gql, open_event.id, token))["__typename"] == "RegisterForEventSuccess"
    assert not await EventRegistration.filter(event_id=event.id).exists()

    resident = await make_member(estate=estate)
    done = await sign_up(gql, event.id, await token_for(c, resident))
    assert done["__typename"] == "RegisterForEventSuccess"


async def test_a_host_of_the_estate_or_an_admin_attests_and_it_is_audited(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    estate, other = await make_estate(), await make_estate("云栖苑")
    _, entries = await voting_campaign(c, estate=estate)
    newcomer = await voter(c, estate=estate)
    await EstateVerification.filter(member_id=newcomer.id).delete()
    member_id = encode_id("Member", newcomer.id)
    host_elsewhere = await make_member(estate=other, roles=(Role.RESIDENT, Role.HOST))
    host = await make_member(estate=estate, roles=(Role.RESIDENT, Role.HOST))
    resident = await make_member(estate=estate)

    denied = await gql(
        op("AttestEstateResident"), {"memberId": member_id}, await token_for(c, resident)
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    not_theirs = await gql(
        op("AttestEstateResident"), {"memberId": member_id}, await token_for(c, host_elsewhere)
    )
    assert not_theirs["data"]["attestEstateResident"]["__typename"] == "NotFound"
    assert not await EstateVerification.filter(member_id=newcomer.id).exists()

    host_token = await token_for(c, host)
    done = (await gql(op("AttestEstateResident"), {"memberId": member_id}, host_token))["data"]
    attested = done["attestEstateResident"]
    assert attested["__typename"] == "AttestEstateResidentSuccess"
    assert attested["verification"]["verified"] is True
    assert attested["verification"]["via"] == "ATTESTED"
    row = await EstateVerification.get(member_id=newcomer.id)
    assert (row.estate_id, row.vouched_by_id) == (estate.id, host.id)
    audit = await AuditLogEntry.filter(action="ESTATE_ATTESTED", target_id=newcomer.id)
    assert [a.actor_id for a in audit] == [host.id]

    again = (await gql(op("AttestEstateResident"), {"memberId": member_id}, host_token))["data"]
    assert again["attestEstateResident"]["code"] == "ALREADY_VERIFIED"
    assert await AuditLogEntry.filter(action="ESTATE_ATTESTED").count() == 1
    assert (await vote(gql, await token_for(c, newcomer), entries[0].id))["__typename"] == (
        "CastVoteSuccess"
    )


async def test_an_order_picked_up_at_the_estate_verifies_the_buyer_there(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    estate = await make_estate()
    buyer = await make_member(estate=estate, verified=False, phone="13900000001")
    other_buyer = await make_member(estate=estate, verified=False, phone="13900000002")
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    lines = [
        "order_id,phone,amount_cents,purchased_at,pickup_estate",
        f"A-1,13900000001,2590,2026-11-01T10:00:00+08:00,{estate.name}",
        "A-2,13900000002,1990,2026-11-01T11:00:00+08:00,没有这个小区",
        f"A-3,13900000002,990,2026-11-01T12:00:00+08:00,{estate.id}",
        "A-4,13900000001,990,2026-11-02T12:00:00+08:00,",
    ]
    summary = await import_purchases_csv(c, admin, lines)
    assert (summary.recorded, summary.rejected) == (3, 1)
    assert [(e.line, e.field) for e in summary.errors] == [(3, "pickup_estate")]
    assert not await Purchase.filter(order_id="A-2").exists()  # the bad row changed nothing
    rows = await EstateVerification.filter(estate_id=estate.id).order_by("member_id")
    assert [(r.member_id, r.via, r.order_id) for r in rows] == [
        (buyer.id, VerifiedBy.PURCHASE, "A-1"),
        (other_buyer.id, VerifiedBy.PURCHASE, "A-3"),
    ]
    status = await status_of(gql, await token_for(c, buyer))
    assert (status["verified"], status["via"], status["howToVerify"]) == (True, "PURCHASE", [])


async def test_an_invite_from_a_verified_neighbour_verifies_the_newcomer_in_that_estate_only(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    estate, other = await make_estate(), await make_estate("云栖苑")
    verified = await make_member(estate=estate, display_name="老住户")
    unverified = await make_member(estate=estate, verified=False, display_name="新住户")
    cases = [
        ("13700000001", estate, verified, True),
        ("13700000002", other, verified, False),  # the inviter is not verified over there
        ("13700000003", estate, unverified, False),
    ]
    for phone, where, inviter, expected in cases:
        done = await register(
            gql,
            where.id,
            phone=phone,
            inviteCode=inviter.invite_code,
            displayName=f"邻居{phone[-1]}",
        )
        assert done["__typename"] == "AuthSuccess", done
        member = await Member.get(phone=phone)
        token = await token_for(c, member)
        status = await status_of(gql, token)
        assert status["verified"] is expected, phone
        if expected:
            row = await EstateVerification.get(member_id=member.id)
            assert (row.via, row.vouched_by_id, row.estate_id) == (
                VerifiedBy.INVITE,
                verified.id,
                estate.id,
            )
