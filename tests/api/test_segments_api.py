"""Staff Members and Dashboard through the contract's own documents, the NPS mutation and the
viewer's tier history: who may see what, and the numbers the domain computes."""

from __future__ import annotations

from typing import Any

import pytest

from domain.collaborators import Collaborators
from domain.identity.models import Estate, Member, Role
from domain.segments.models import NpsResponse
from domain.segments.recompute import recompute_tiers
from tests.api.test_identity_api import op
from tests.api.test_points_api import error_code, token_for
from tests.conftest import GraphQLClient
from tests.domain.test_kpis import bought, build_world
from tests.factories import make_member
from tests.sqlcount import count_sql
from web.ids import encode_id

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
async def world(collaborators: Collaborators) -> dict[str, Any]:
    """The hand-computed world of tests/domain/test_kpis.py."""
    return await build_world()


async def staff(roles: tuple[Role, ...], estate: Estate) -> Member:
    return await make_member(roles=(Role.RESIDENT, *roles), estate=estate)


async def test_the_dashboard_serves_the_hand_computed_kpis_to_admins(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    admin = world["admin"]
    body = await gql(
        op("Dashboard"),
        {**NOVEMBER, "estateId": encode_id("Estate", world["a"].id)},
        await token_for(collaborators, admin),
    )
    board = body["data"]["dashboard"]
    assert board["members"] == 5  # m1..m4 and the admin (see tests/domain/test_kpis.py)
    assert board["monthlyActiveMembers"] == 3
    assert board["repurchaseRate"] == 0.5
    assert board["averageLtvCents"] == round(53_000 / 5)
    assert board["referralShare"] == 0.5
    assert board["nps"] == 33.3
    assert board["postsPublished"] == 1
    shares = {row["tier"]: (row["members"], row["share"]) for row in board["tierShares"]}
    assert shares["KOC"] == (1, 0.25) and shares["HIGH_VALUE"] == (0, 0.0)


async def test_residents_and_hosts_of_other_estates_get_forbidden(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    a, b = world["a"], world["b"]
    resident = await make_member(estate=a)
    host = await staff((Role.HOST,), b)
    moderator = await staff((Role.MODERATOR,), a)
    for member, estate in ((resident, a), (host, a), (moderator, a), (host, None)):
        variables = {**NOVEMBER, "estateId": encode_id("Estate", estate.id) if estate else None}
        body = await gql(op("Dashboard"), variables, await token_for(collaborators, member))
        assert error_code(body) == "FORBIDDEN" and body["data"] is None
    own = await gql(
        op("Dashboard"),
        {**NOVEMBER, "estateId": encode_id("Estate", b.id)},
        await token_for(collaborators, host),
    )
    assert own["data"]["dashboard"]["members"] == 2  # m5 and the host (joined today, 11-21)


async def test_a_backwards_or_endless_range_is_the_clients_error(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    token = await token_for(collaborators, world["admin"])
    for span in (
        {"from": "2026-11-30", "to": "2026-11-01"},
        {"from": "2020-01-01", "to": NOVEMBER["to"]},
    ):
        body = await gql(op("Dashboard"), span, token)
        assert error_code(body) == "BAD_USER_INPUT"


async def test_members_with_tiers_and_rfm_for_staff_only(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    a, b = world["a"], world["b"]
    await recompute_tiers(collaborators)
    admin = await token_for(collaborators, world["admin"])

    body = await gql(op("Members"), {"first": 50, "estateId": encode_id("Estate", a.id)}, admin)
    nodes = [edge["node"] for edge in body["data"]["members"]["edges"]]
    assert len(nodes) == 5 and {n["estate"]["name"] for n in nodes} == {"阳光花园"}
    by_phone = {n["phoneMasked"]: n for n in nodes}
    m1 = await Member.filter(estate_id=a.id).order_by("id").offset(1).first()
    assert m1 is not None and m1.phone is not None
    row = by_phone[f"{m1.phone[:3]}****{m1.phone[-4:]}"]
    assert row["rfm"]["frequency"] == 2 and row["rfm"]["monetaryCents"] == 15_000
    assert row["rfm"]["score"] >= 3 and row["tier"] in {"KOC", "HIGH_VALUE", "POTENTIAL"}

    dormant = await gql(op("Members"), {"first": 50, "tier": "DORMANT"}, admin)
    assert all(e["node"]["tier"] == "DORMANT" for e in dormant["data"]["members"]["edges"])

    host = await staff((Role.HOST,), b)
    host_token = await token_for(collaborators, host)
    other = await gql(
        op("Members"), {"first": 5, "estateId": encode_id("Estate", a.id)}, host_token
    )
    assert error_code(other) == "FORBIDDEN"
    own = await gql(op("Members"), {"first": 5}, host_token)
    assert {e["node"]["estate"]["name"] for e in own["data"]["members"]["edges"]} == {"绿地小区"}
    resident = await token_for(collaborators, await make_member(estate=a))
    assert error_code(await gql(op("Members"), {"first": 5}, resident)) == "FORBIDDEN"


async def test_members_ask_a_fixed_number_of_statements_whatever_the_page_size(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    token = await token_for(collaborators, world["admin"])
    counts = []
    for first in (2, 6):  # the first member is the admin, whose own read is not recorded
        with count_sql() as statements:
            body = await gql(op("Members"), {"first": first}, token)
        assert len(body["data"]["members"]["edges"]) == first
        counts.append(len(statements))
    # the token joined to its member, the page, the staff read of its members (one insert), the
    # latest tier run's cuts, the page's purchases grouped, and the page's estates through the
    # loader.
    assert counts == [6, 6]


NPS = """
mutation Answer($score: Int!, $comment: String) {
  submitNpsResponse(score: $score, comment: $comment) {
    __typename
    ... on SubmitNpsResponseSuccess { score quarter }
    ... on UserError { code message }
    ... on InvalidInput { fieldErrors { field message } }
  }
}
"""


async def test_nps_once_a_quarter_through_graphql(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await make_member()
    token = await token_for(collaborators, member)

    bad = await gql(NPS, {"score": 11}, token)
    first = await gql(NPS, {"score": 9, "comment": "自提很方便"}, token)
    again = await gql(NPS, {"score": 2}, token)
    anonymous = await gql(NPS, {"score": 5})

    assert bad["data"]["submitNpsResponse"]["fieldErrors"][0]["field"] == "score"
    assert first["data"]["submitNpsResponse"] == {
        "__typename": "SubmitNpsResponseSuccess",
        "score": 9,
        "quarter": "2026Q4",
    }
    assert again["data"]["submitNpsResponse"]["code"] == "LIMIT_REACHED"
    assert error_code(anonymous) == "UNAUTHENTICATED"
    assert await NpsResponse.filter(member_id=member.id).count() == 1


async def test_the_viewer_sees_their_own_tier_history(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await make_member()
    await bought(member, 8_800, collaborators.clock.now())
    await recompute_tiers(collaborators)
    body = await gql(
        "{ viewer { tier tierHistory(first: 5) { fromTier toTier score frequency } } }",
        token=await token_for(collaborators, member),
    )
    viewer = body["data"]["viewer"]
    assert viewer["tierHistory"] == [
        {"fromTier": None, "toTier": viewer["tier"], "score": 15, "frequency": 1}
    ]


async def test_the_dashboard_reads_at_most_the_year_the_portal_offers(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    token = await token_for(collaborators, world["admin"])
    leap_year = await gql(op("Dashboard"), {"from": "2024-01-01", "to": "2024-12-31"}, token)
    assert "errors" not in leap_year and leap_year["data"]["dashboard"] is not None
    one_day_more = await gql(op("Dashboard"), {"from": "2025-11-29", "to": "2026-11-30"}, token)
    assert error_code(one_day_more) == "BAD_USER_INPUT"
    assert "最长一年" in one_day_more["errors"][0]["message"]
