"""The attribution report over GraphQL with the contract's own operation: admins get the rows of
any dimension with the figures of the hand-worked example; a bad period or size is
BAD_USER_INPUT; everyone else FORBIDDEN."""

from __future__ import annotations

from domain.collaborators import Collaborators
from domain.identity.models import Role
from tests.api.test_identity_api import op
from tests.api.test_points_api import ADMIN, error_code, token_for
from tests.conftest import GraphQLClient
from tests.domain.test_attribution_report import groups_and_hosts
from tests.factories import make_member
from web.ids import encode_id

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-21"}


async def test_an_admin_reads_each_dimension(
    collaborators: Collaborators, gql: GraphQLClient
) -> None:
    g1, g2, h1, _h2 = await groups_and_hosts(collaborators)
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    body = await gql(op("AttributionReport"), {**NOVEMBER, "by": "GROUP"}, token)
    rows = body["data"]["attributionReport"]
    assert [(r["key"], r["label"], r["gmvLastTouchFen"], r["gmvLinearFen"]) for r in rows] == [
        (encode_id("InterestGroup", g1.id), "咖啡", 100_00, 75_00),
        (encode_id("InterestGroup", g2.id), "烘焙", 30_00, 55_00),
    ]
    assert (rows[1]["orders"], rows[1]["buyers"], rows[1]["viewers"]) == (1.0, 1, 3)
    assert rows[1]["conversionRate"] == 1 / 3

    hosts = await gql(op("AttributionReport"), {**NOVEMBER, "by": "HOST", "first": 1}, token)
    assert [r["key"] for r in hosts["data"]["attributionReport"]] == [encode_id("Member", h1)]

    products = await gql(op("AttributionReport"), {**NOVEMBER, "by": "PRODUCT"}, token)
    assert [(r["key"], r["orders"]) for r in products["data"]["attributionReport"]] == [
        ("BEAN", 0.5),
        ("MUG", 0.5),
        ("FLOUR", 1.0),
    ]
    posts = await gql(op("AttributionReport"), NOVEMBER, token)  # posts by default
    assert posts["data"]["attributionReport"][0]["label"] == "咖啡杯推荐"
    recipes = await gql(op("AttributionReport"), {**NOVEMBER, "kind": "RECIPE"}, token)
    assert recipes["data"]["attributionReport"] == []  # the example's posts are stories


async def test_bad_arguments_and_other_roles_are_refused(
    collaborators: Collaborators, gql: GraphQLClient
) -> None:
    admin = await token_for(collaborators, await make_member(roles=ADMIN))
    backwards = {"from": "2026-11-21", "to": "2026-11-01"}
    assert error_code(await gql(op("AttributionReport"), backwards, admin)) == "BAD_USER_INPUT"
    for first in (0, 101):
        body = await gql(op("AttributionReport"), {**NOVEMBER, "first": first}, admin)
        assert error_code(body) == "BAD_USER_INPUT"
    for roles in ((Role.RESIDENT,), (Role.RESIDENT, Role.HOST), (Role.RESIDENT, Role.MODERATOR)):
        token = await token_for(collaborators, await make_member(roles=roles))
        body = await gql(op("AttributionReport"), NOVEMBER, token)
        assert error_code(body) == "FORBIDDEN" and body["data"] is None
    assert error_code(await gql(op("AttributionReport"), NOVEMBER)) in (
        "FORBIDDEN",
        "UNAUTHENTICATED",
    )
