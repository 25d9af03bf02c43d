"""The brand through GraphQL: everyone reads it; only admins change it, with typed refusals."""

from __future__ import annotations

from typing import Any

import pytest

from domain.collaborators import Collaborators
from domain.identity.models import Role
from domain.media.models import Image
from domain.posts.models import AuditLogEntry
from domain.programme.models import BrandProfile
from tests.api.test_identity_api import op
from tests.api.test_points_api import error_code, token_for
from tests.conftest import GraphQLClient
from tests.factories import CLOCK_START, make_member
from web.ids import encode_id


def brand_input(**changes: Any) -> dict[str, Any]:
    return {"name": "青禾邻里", "about": "我们是一群爱做饭的邻居。", "removeLogo": False, **changes}


async def test_everyone_reads_the_default_brand_until_an_admin_sets_one(
    gql: GraphQLClient,
) -> None:
    body = await gql(op("Brand"))
    assert body["data"]["brand"] == {"name": "邻里", "logoUrl": None, "about": "", "version": 0}


async def test_an_admin_updates_the_brand_and_everyone_reads_the_new_version(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    admin = await make_member(roles=(Role.ADMIN,))
    logo = await Image.create(
        owner=admin,
        storage_key="0f0f.png",
        content_type="image/png",
        width=32,
        height=32,
        size_bytes=10,
        created_at=CLOCK_START,
    )
    await gql(op("Brand"))  # the default is now kept in Redis: the change must drop it
    token = await token_for(collaborators, admin)
    variables = brand_input(logoImageId=encode_id("Image", logo.id))
    result = (await gql(op("UpdateBrand"), variables, token))["data"]["updateBrand"]
    assert result["__typename"] == "UpdateBrandSuccess"
    assert result["brand"] == {
        "name": "青禾邻里",
        "logoUrl": "/media/0f0f.png",
        "about": "我们是一群爱做饭的邻居。",
        "version": 1,
    }
    public = await gql(op("Brand"))
    assert public["data"]["brand"]["name"] == "青禾邻里"
    row = await BrandProfile.get()
    assert (row.version, row.created_by_id, row.logo_url) == (1, admin.id, "/media/0f0f.png")
    assert await AuditLogEntry.filter(action="BRAND_UPDATED", actor_id=admin.id).count() == 1


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.HOST, Role.MODERATOR, None])
async def test_every_other_role_is_refused_update_brand_and_nothing_changes(
    gql: GraphQLClient, collaborators: Collaborators, role: Role | None
) -> None:
    token = None
    if role is not None:
        token = await token_for(collaborators, await make_member(roles=(role,)))
    body = await gql(op("UpdateBrand"), brand_input(), token)
    assert body["data"] is None
    assert error_code(body) == ("FORBIDDEN" if role else "UNAUTHENTICATED")
    assert not await BrandProfile.exists() and not await AuditLogEntry.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "名" * 41}, "name"),
        ({"about": "字" * 5001}, "about"),
        ({"logoImageId": encode_id("Image", 999)}, "logoImageId"),
        ({"logoImageId": encode_id("Member", 1)}, "logoImageId"),
    ],
)
async def test_bad_brand_input_gets_typed_invalid_input(
    gql: GraphQLClient, collaborators: Collaborators, changes: dict[str, Any], field: str
) -> None:
    token = await token_for(collaborators, await make_member(roles=(Role.ADMIN,)))
    result = (await gql(op("UpdateBrand"), brand_input(**changes), token))["data"]["updateBrand"]
    assert result["__typename"] == "InvalidInput" and result["code"] == "INVALID_INPUT"
    assert [e["field"] for e in result["fieldErrors"]] == [field]
    assert not await BrandProfile.exists()
