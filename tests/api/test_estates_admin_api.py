"""The estates back office over GraphQL (api/contract/backoffice_estates.graphql): admins list,
create, edit, archive and restore estates and their pickup points; every other role and anonymous
callers are refused with nothing changed; each refusal is a typed union member; and an archived
estate leaves the registration picker and takes no one new through `register`, `updateProfile`
or `decideEstateChange`."""

from __future__ import annotations

from typing import Any

import pytest

from domain.collaborators import Collaborators
from domain.columns import column
from domain.identity.models import (
    Estate,
    EstateChangeRequest,
    EstateChangeStatus,
    Member,
    PickupPoint,
    Role,
)
from domain.posts.models import AuditLogEntry
from tests.api.test_identity_api import op, register
from tests.api.test_points_api import error_code, statements_of, token_for
from tests.conftest import GraphQLClient
from tests.factories import make_estate, make_member
from web.ids import encode_id

POINT = {"name": "南门驿站", "address": "南门岗亭旁", "openingHours": "每天 9:00–21:00"}


@pytest.fixture
async def world(collaborators: Collaborators) -> dict[str, Any]:
    estate = await make_estate("翠湖花园")
    point = await PickupPoint.create(
        estate=estate,
        name="北门",
        address="北门岗亭",
        opening_hours="全天",
        created_at=collaborators.clock.now(),
    )
    admin = await make_member(estate=estate, roles=(Role.RESIDENT, Role.ADMIN))
    return {
        "estate": estate,
        "estate_id": encode_id("Estate", estate.id),
        "point": point,
        "point_id": encode_id("PickupPoint", point.id),
        "admin": await token_for(collaborators, admin),
    }


def variables_of(world: dict[str, Any], name: str) -> dict[str, Any]:
    estate_id, point_id = world["estate_id"], world["point_id"]
    return {
        "AllEstates": {},
        "CreateEstate": {
            "input": {
                "name": "碧水苑",
                "city": "上海",
                "district": "徐汇区",
                "address": "漕溪路 1 号",
                "pickupPoints": [POINT],
            }
        },
        "UpdateEstate": {
            "input": {
                "estateId": estate_id,
                "name": "翠湖天地",
                "city": "上海",
                "district": "浦东新区",
                "address": "锦绣路 1888 弄",
            }
        },
        "ArchiveEstate": {"estateId": estate_id},
        "RestoreEstate": {"estateId": estate_id},
        "AddPickupPoint": {"input": {"estateId": estate_id, **POINT}},
        "UpdatePickupPoint": {
            "input": {
                "pickupPointId": point_id,
                "name": "北门",
                "address": "北门岗亭",
                "openingHours": "每天 8:00–20:00",
            }
        },
        "ArchivePickupPoint": {"pickupPointId": point_id},
    }[name]


ROOT = {
    "AllEstates": "allEstates",
    "CreateEstate": "createEstate",
    "UpdateEstate": "updateEstate",
    "ArchiveEstate": "archiveEstate",
    "RestoreEstate": "restoreEstate",
    "AddPickupPoint": "addPickupPoint",
    "UpdatePickupPoint": "updatePickupPoint",
    "ArchivePickupPoint": "archivePickupPoint",
}


async def call(gql: GraphQLClient, world: dict[str, Any], name: str, token: str | None) -> Any:
    body = await gql(op(name), variables_of(world, name), token)
    assert not body.get("errors"), body
    return body["data"][ROOT[name]]


async def state() -> tuple[Any, ...]:
    """Everything the estate operations could change."""
    estates = await Estate.all().order_by("id").values_list("name", "address", "archived_at")
    points = (
        await PickupPoint.all().order_by("id").values_list("name", "opening_hours", "archived_at")
    )
    return tuple(estates), tuple(points), await AuditLogEntry.all().count()


async def test_an_admin_creates_edits_archives_and_restores_through_the_contract(
    gql: GraphQLClient, world: dict[str, Any]
) -> None:
    token = world["admin"]
    created = await call(gql, world, "CreateEstate", token)
    assert created["__typename"] == "CreateEstateSuccess"
    new = await Estate.get(name="碧水苑")
    assert created["estate"]["id"] == encode_id("Estate", new.id)
    assert created["estate"]["pickupPoints"][0]["openingHours"] == "每天 9:00–21:00"
    assert (await PickupPoint.get(estate_id=new.id)).name == "南门驿站"

    updated = await call(gql, world, "UpdateEstate", token)
    assert updated["estate"]["name"] == "翠湖天地" and updated["estate"]["address"]
    assert (await Estate.get(id=world["estate"].id)).name == "翠湖天地"

    added = await call(gql, world, "AddPickupPoint", token)
    assert added["__typename"] == "AddPickupPointSuccess"
    assert [p["name"] for p in added["estate"]["pickupPoints"]] == ["北门", "南门驿站"]
    changed = await call(gql, world, "UpdatePickupPoint", token)
    assert changed["pickupPoint"]["openingHours"] == "每天 8:00–20:00"
    assert (await PickupPoint.get(id=world["point"].id)).opening_hours == "每天 8:00–20:00"
    retired = await call(gql, world, "ArchivePickupPoint", token)
    assert retired["pickupPoint"]["archived"] is True
    assert (await PickupPoint.get(id=world["point"].id)).archived_at is not None

    archived = await call(gql, world, "ArchiveEstate", token)
    assert archived["estate"] == {"id": world["estate_id"], "archived": True}
    assert (await Estate.get(id=world["estate"].id)).archived_at is not None
    listed = (await gql(op("AllEstates"), {}, token))["data"]["allEstates"]
    assert [(e["name"], e["archived"]) for e in listed] == [("翠湖天地", True), ("碧水苑", False)]
    assert [(p["name"], p["archived"]) for p in listed[0]["pickupPoints"]] == [
        ("北门", True),
        ("南门驿站", False),
    ]
    restored = await call(gql, world, "RestoreEstate", token)
    assert restored["estate"]["archived"] is False
    assert (await Estate.get(id=world["estate"].id)).archived_at is None
    actions = await column(AuditLogEntry.all().order_by("id"), "action")
    assert actions == [
        "ESTATE_CREATED",
        "PICKUP_POINT_ADDED",
        "ESTATE_UPDATED",
        "PICKUP_POINT_ADDED",
        "PICKUP_POINT_UPDATED",
        "PICKUP_POINT_ARCHIVED",
        "ESTATE_ARCHIVED",
        "ESTATE_RESTORED",
    ]


@pytest.mark.parametrize("name", sorted(ROOT))
@pytest.mark.parametrize("role", [Role.RESIDENT, Role.HOST, Role.MODERATOR, None])
async def test_every_estate_operation_is_refused_to_other_roles_and_anonymous_callers(
    gql: GraphQLClient,
    collaborators: Collaborators,
    world: dict[str, Any],
    name: str,
    role: Role | None,
) -> None:
    token = None
    if role is not None:
        member = await make_member(estate=world["estate"], roles=(Role.RESIDENT, role))
        token = await token_for(collaborators, member)
    if name == "RestoreEstate":  # something to restore, so only the refusal keeps it archived
        await Estate.filter(id=world["estate"].id).update(archived_at=collaborators.clock.now())
    before = await state()
    body = await gql(op(name), variables_of(world, name), token)
    assert body["data"] is None or body["data"].get(ROOT[name]) is None
    assert error_code(body) == ("UNAUTHENTICATED" if role is None else "FORBIDDEN")
    assert await state() == before


async def test_a_taken_name_is_estate_name_taken_on_create_and_on_rename(
    gql: GraphQLClient, world: dict[str, Any]
) -> None:
    token = world["admin"]
    await make_estate("碧水苑")
    before = await state()
    created = await call(gql, world, "CreateEstate", token)
    assert (created["__typename"], created["code"]) == ("EstateNameTaken", "ESTATE_NAME_TAKEN")
    renamed = await gql(
        op("UpdateEstate"),
        {"input": {**variables_of(world, "UpdateEstate")["input"], "name": "碧水苑"}},
        token,
    )
    assert renamed["data"]["updateEstate"]["__typename"] == "EstateNameTaken"
    assert await state() == before


async def test_blank_and_too_long_fields_are_invalid_input_with_each_field_named(
    gql: GraphQLClient, world: dict[str, Any]
) -> None:
    before = await state()
    body = await gql(
        op("CreateEstate"),
        {
            "input": {
                "name": "  ",
                "city": "上海",
                "district": "区" * 31,
                "pickupPoints": [{**POINT, "openingHours": ""}],
            }
        },
        world["admin"],
    )
    result = body["data"]["createEstate"]
    assert result["__typename"] == "InvalidInput"
    assert {f["field"] for f in result["fieldErrors"]} == {
        "name",
        "district",
        "pickupPoints.0.openingHours",
    }
    point = await gql(
        op("UpdatePickupPoint"),
        {
            "input": {
                "pickupPointId": world["point_id"],
                "name": "",
                "address": "x",
                "openingHours": "y",
            }
        },
        world["admin"],
    )
    assert point["data"]["updatePickupPoint"]["fieldErrors"][0]["field"] == "name"
    assert await state() == before


async def test_unknown_or_mistyped_ids_are_not_found_or_invalid_input(
    gql: GraphQLClient, world: dict[str, Any]
) -> None:
    token = world["admin"]
    missing = await gql(op("ArchiveEstate"), {"estateId": encode_id("Estate", 999)}, token)
    assert missing["data"]["archiveEstate"]["__typename"] == "NotFound"
    wrong = await gql(op("ArchivePickupPoint"), {"pickupPointId": world["estate_id"]}, token)
    assert wrong["data"]["archivePickupPoint"]["__typename"] == "InvalidInput"
    assert (await PickupPoint.get(id=world["point"].id)).archived_at is None


async def test_an_archived_estate_takes_no_new_pickup_point(
    gql: GraphQLClient, world: dict[str, Any]
) -> None:
    await call(gql, world, "ArchiveEstate", world["admin"])
    added = await call(gql, world, "AddPickupPoint", world["admin"])
    assert (added["__typename"], added["code"]) == ("EstateArchived", "ESTATE_ARCHIVED")
    assert await PickupPoint.all().count() == 1


async def test_the_picker_lists_active_estates_and_registering_in_an_archived_one_is_refused(
    gql: GraphQLClient, world: dict[str, Any]
) -> None:
    open_estate = await make_estate("碧水苑")
    await call(gql, world, "ArchiveEstate", world["admin"])
    picker = (await gql(op("Estates")))["data"]["estates"]
    assert [e["name"] for e in picker] == ["碧水苑"]
    refused = await register(gql, world["estate"].id)
    assert (refused["__typename"], refused["code"]) == ("EstateArchived", "ESTATE_ARCHIVED")
    assert not await Member.filter(phone="13812345678").exists()
    assert (await register(gql, open_estate.id))["__typename"] == "AuthSuccess"


async def test_choosing_an_archived_estate_in_the_profile_is_refused_and_nothing_saved(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    home = await make_estate("碧水苑")
    member = await make_member(estate=home, display_name="老王")
    await call(gql, world, "ArchiveEstate", world["admin"])
    body = await gql(
        op("UpdateProfile"),
        {"input": {"displayName": "王伯", "estateId": world["estate_id"]}},
        await token_for(collaborators, member),
    )
    assert body["data"]["updateProfile"]["__typename"] == "EstateArchived"
    saved = await Member.get(id=member.id)
    assert (saved.display_name, saved.estate_id) == ("老王", home.id)
    assert await EstateChangeRequest.all().count() == 0


async def test_approving_a_move_into_an_estate_archived_since_is_estate_archived(
    gql: GraphQLClient, world: dict[str, Any]
) -> None:
    home = await make_estate("碧水苑")
    member = await make_member(estate=home)
    request = await EstateChangeRequest.create(
        member=member, from_estate=home, to_estate=world["estate"], created_at=member.created_at
    )
    await call(gql, world, "ArchiveEstate", world["admin"])
    body = await gql(
        op("DecideEstateChange"),
        {"requestId": encode_id("EstateChangeRequest", request.id), "approve": True},
        world["admin"],
    )
    assert body["data"]["decideEstateChange"]["__typename"] == "EstateArchived"
    assert (await EstateChangeRequest.get(id=request.id)).status == EstateChangeStatus.PENDING
    assert (await Member.get(id=member.id)).estate_id == home.id


async def test_residents_see_their_estates_active_pickup_points_only(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    await call(gql, world, "AddPickupPoint", world["admin"])
    await call(gql, world, "ArchivePickupPoint", world["admin"])
    resident = await make_member(estate=world["estate"])
    token = await token_for(collaborators, resident)
    mine = (await gql(op("EstatePickupPoints"), {}, token))["data"]["viewer"]["estate"]
    assert [p["name"] for p in mine["pickupPoints"]] == ["南门驿站"]
    asked = await gql(
        "{ viewer { estate { pickupPoints(includeArchived: true) { name } } } }", token=token
    )
    assert [p["name"] for p in asked["data"]["viewer"]["estate"]["pickupPoints"]] == ["南门驿站"]
    archived = await gql(
        "query($id: ID!) { node(id: $id) { id } }", {"id": world["point_id"]}, token
    )
    assert archived["data"]["node"] is None
    as_admin = await gql(
        "query($id: ID!) { node(id: $id) { id } }", {"id": world["point_id"]}, world["admin"]
    )
    assert as_admin["data"]["node"] == {"id": world["point_id"]}


async def test_listing_every_estate_takes_the_same_statements_for_two_or_six_estates(
    gql: GraphQLClient,
    collaborators: Collaborators,
    world: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def listing() -> None:
        body = await gql(op("AllEstates"), {}, world["admin"])
        assert not body.get("errors")

    await make_estate("碧水苑")
    two = await statements_of(caplog, listing)
    for n in range(4):
        estate = await make_estate(f"小区{n}")
        await PickupPoint.create(
            estate=estate,
            name="门口",
            address="门口",
            opening_hours="全天",
            created_at=collaborators.clock.now(),
        )
    six = await statements_of(caplog, listing)
    assert two == six
