"""communityLift over GraphQL with the contract's own operation (api/contract/lift.graphql): an
admin reads the worked example's figures; a bad period is an `InvalidInput`; a resident is
refused top-level."""

from __future__ import annotations

import pytest

from domain.collaborators import Collaborators
from domain.identity.models import Role
from tests.api.test_identity_api import op
from tests.api.test_points_api import ADMIN, error_code, statements_of, token_for
from tests.conftest import GraphQLClient
from tests.domain.lift_helpers import posters_world, resident, tier
from tests.factories import make_estate, make_member

JULY = {"from": "2026-07-01", "to": "2026-07-31", "action": "POSTED"}


async def test_an_admin_reads_the_posters_lift_of_july(
    collaborators: Collaborators, gql: GraphQLClient
) -> None:
    await posters_world()
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    found = (await gql(op("CommunityLift"), JULY, token))["data"]["communityLift"]
    assert found["__typename"] == "CommunityLift"
    assert (found["outcomeFrom"], found["outcomeTo"], found["windowComplete"]) == (
        "2026-08-01",
        "2026-10-29",
        True,
    )
    assert found["counts"] == {
        "participants": 4,
        "matchedParticipants": 3,
        "unmatchedParticipants": 1,
        "nonParticipants": 5,
        "effectiveNonParticipants": 4.5,
        "strata": 2,
        "tooSmall": True,
    }
    rate = found["repurchaseRate"]
    assert (rate["participants"], rate["nonParticipants"]) == pytest.approx((2 / 3, 1 / 6))
    assert rate["difference"] == pytest.approx(0.5)
    assert (round(rate["interval"]["low"], 4), round(rate["interval"]["high"], 4)) == (
        -0.1423,
        0.8069,
    )
    assert found["ordersPerMember"]["difference"] == pytest.approx(5 / 6)
    ltv = found["ltvFenPerMember"]
    assert (ltv["participants"], ltv["nonParticipants"]) == pytest.approx((10_000, 8_000 / 3))
    assert round(ltv["interval"]["low"], 1) == -2094.0


async def test_a_period_that_has_not_ended_is_an_invalid_input(
    collaborators: Collaborators, gql: GraphQLClient
) -> None:
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    today = collaborators.clock.today().isoformat()
    asked = {"from": "2026-11-01", "to": today, "action": "ATTENDED"}
    found = (await gql(op("CommunityLift"), asked, token))["data"]["communityLift"]
    assert found["__typename"] == "InvalidInput"
    assert [e["field"] for e in found["fieldErrors"]] == ["to"]


async def test_nobody_matched_gives_counts_and_no_figures(
    collaborators: Collaborators, gql: GraphQLClient
) -> None:
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    found = (await gql(op("CommunityLift"), JULY, token))["data"]["communityLift"]
    assert found["counts"]["participants"] == 0 and found["counts"]["tooSmall"]
    assert (found["repurchaseRate"], found["ordersPerMember"], found["ltvFenPerMember"]) == (
        None,
        None,
        None,
    )


@pytest.mark.parametrize("roles", [(Role.RESIDENT,), (Role.RESIDENT, Role.HOST)])
async def test_anyone_but_an_admin_is_refused(
    collaborators: Collaborators, gql: GraphQLClient, roles: tuple[Role, ...]
) -> None:
    token = await token_for(collaborators, await make_member(roles=roles))
    body = await gql(op("CommunityLift"), JULY, token)
    assert error_code(body) == "FORBIDDEN" and body["data"] is None
    assert error_code(await gql(op("CommunityLift"), JULY)) == "UNAUTHENTICATED"


async def test_the_report_sends_the_same_statements_for_twenty_more_members(
    collaborators: Collaborators, gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    await posters_world()
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    before = await statements_of(caplog, lambda: gql(op("CommunityLift"), JULY, token))
    estate = await make_estate("新河湾")
    for n in range(20):
        await tier(await resident(estate, f"后来的邻居{n}"), "KOC", "2026-06-01")
    after = await statements_of(caplog, lambda: gql(op("CommunityLift"), JULY, token))
    # The token; one chunk of members: the members, who posted, their latest tier changes, those
    # changes' tiers, their purchases summed; the empty page that ends the reading.
    assert before == after == 7
