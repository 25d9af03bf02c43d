"""Interest tags and the filtered audit log over GraphQL, with the operations of
api/contract/backoffice_tags.graphql: each tag mutation for an admin, refused to residents, hosts,
moderators and anonymous callers (nothing changed), each typed error; the audit log's filters,
its before/after values, and its fixed number of statements."""

from __future__ import annotations

from typing import Any

import pytest

from domain.collaborators import Collaborators
from domain.columns import column
from domain.identity import tags
from domain.identity.models import InterestTag, Member, MemberInterestTag, Role
from domain.posts.models import AuditLogEntry
from tests.api.test_identity_api import op
from tests.api.test_points_api import error_code, token_for
from tests.conftest import GraphQLClient
from tests.factories import CLOCK_START, make_member, make_tag
from tests.sqlcount import count_sql
from web.ids import encode_id


def tag_id(tag: InterestTag) -> str:
    return encode_id("InterestTag", tag.id)


@pytest.fixture
async def world(collaborators: Collaborators) -> dict[str, Any]:
    coffee, tea = await make_tag("咖啡"), await make_tag("茶")
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN), display_name="运营小林")
    member = await make_member()
    await MemberInterestTag.create(member=member, tag=coffee, created_at=CLOCK_START)
    return {"coffee": coffee, "tea": tea, "admin": admin, "member": member}


def calls(world: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    coffee, tea = tag_id(world["coffee"]), tag_id(world["tea"])
    return [
        ("CreateInterestTag", {"name": "亲子"}),
        ("RenameInterestTag", {"tagId": coffee, "name": "手冲咖啡"}),
        ("MergeInterestTags", {"sourceId": coffee, "targetId": tea}),
        ("RetireInterestTag", {"tagId": coffee}),
        ("RestoreInterestTag", {"tagId": coffee}),
    ]


async def state() -> list[Any]:
    rows = (
        await InterestTag.all().order_by("id").values_list("name", "retired_at", "merged_into_id")
    )
    links = await MemberInterestTag.all().order_by("id").values_list("member_id", "tag_id")
    return [rows, links, await AuditLogEntry.all().count()]


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.HOST, Role.MODERATOR, None])
async def test_every_tag_operation_is_refused_to_anyone_but_an_admin_and_changes_nothing(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any], role: Role | None
) -> None:
    token = None
    if role is not None:
        token = await token_for(collaborators, await make_member(roles=(Role.RESIDENT, role)))
    before = await state()
    for name, variables in [*calls(world), ("AdminInterestTags", {})]:
        body = await gql(op(name), variables, token)
        expected = "UNAUTHENTICATED" if role is None else "FORBIDDEN"
        assert error_code(body) == expected, (name, body)
    assert await state() == before


async def test_an_admin_creates_renames_merges_retires_and_restores_tags(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    token = await token_for(collaborators, world["admin"])
    results = {}
    for name, variables in calls(world):
        body = await gql(op(name), variables, token)
        field = name[0].lower() + name[1:]
        results[name] = body["data"][field]
    assert results["CreateInterestTag"]["tag"]["name"] == "亲子"
    assert results["RenameInterestTag"]["tag"] == {
        "id": tag_id(world["coffee"]),
        "name": "手冲咖啡",
        "retired": False,
    }
    merged = results["MergeInterestTags"]
    assert merged["__typename"] == "MergeInterestTagsSuccess" and merged["membersMoved"] == 1
    assert merged["merged"]["retired"] is True and merged["tag"]["name"] == "茶"
    # The merged tag is retired and stays merged: retiring changes nothing, restoring is refused.
    assert results["RetireInterestTag"]["__typename"] == "RetireInterestTagSuccess"
    assert results["RestoreInterestTag"]["code"] == "TAG_MERGED"
    link = await MemberInterestTag.get(member_id=world["member"].id)
    assert link.tag_id == world["tea"].id
    listed = (await gql(op("AdminInterestTags"), {}, token))["data"]["adminInterestTags"]
    assert [(r["tag"]["name"], r["memberCount"], r["mergedInto"]) for r in listed] == [
        ("茶", 1, None),
        ("亲子", 0, None),
        ("手冲咖啡", 0, {"id": tag_id(world["tea"]), "name": "茶"}),
    ]
    kinds = await column(AuditLogEntry.all().order_by("id"), "action")
    assert kinds == ["TAG_CREATED", "TAG_RENAMED", "TAG_MERGED"]
    offered = (await gql("{ interestTags { name retired } }"))["data"]["interestTags"]
    assert offered == [{"name": "茶", "retired": False}, {"name": "亲子", "retired": False}]


async def test_each_typed_error_of_the_tag_operations(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    token = await token_for(collaborators, world["admin"])
    coffee, tea = tag_id(world["coffee"]), tag_id(world["tea"])

    async def run(operation: str, **variables: Any) -> dict[str, Any]:
        field = operation[0].lower() + operation[1:]
        result: dict[str, Any] = (await gql(op(operation), variables, token))["data"][field]
        return result

    blank = await run("CreateInterestTag", name="  ")
    assert blank["__typename"] == "InvalidInput" and blank["fieldErrors"][0]["field"] == "name"
    taken = await run("CreateInterestTag", name="茶")
    assert (taken["__typename"], taken["code"]) == ("TagNameTaken", "TAG_NAME_TAKEN")
    assert (await run("RenameInterestTag", tagId=coffee, name="茶"))["code"] == "TAG_NAME_TAKEN"
    missing = encode_id("InterestTag", 999)
    assert (await run("RenameInterestTag", tagId=missing, name="新"))["__typename"] == "NotFound"
    bad_id = await run("RetireInterestTag", tagId=encode_id("Post", 1))
    assert bad_id["__typename"] == "InvalidInput" and bad_id["fieldErrors"][0]["field"] == "tagId"
    itself = await run("MergeInterestTags", sourceId=coffee, targetId=coffee)
    assert itself["fieldErrors"][0]["field"] == "targetId"
    await tags.retire_tag(collaborators, world["admin"], world["tea"].id)
    into_retired = await run("MergeInterestTags", sourceId=coffee, targetId=tea)
    assert (into_retired["__typename"], into_retired["code"]) == ("TagRetired", "TAG_RETIRED")
    assert (await MemberInterestTag.get(member_id=world["member"].id)).tag_id == world["coffee"].id
    assert await InterestTag.filter(name="茶").count() == 1
    assert await AuditLogEntry.filter(action="TAG_MERGED").count() == 0


async def audit_page(gql: GraphQLClient, token: str, **variables: Any) -> dict[str, Any]:
    body = await gql(op("FilteredAuditLog"), {"first": 10, **variables}, token)
    assert "errors" not in body, body
    page: dict[str, Any] = body["data"]["auditLog"]
    return page


async def test_the_audit_log_filters_and_shows_before_and_after_values(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    admin, other = world["admin"], await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    await tags.rename_tag(collaborators, admin, world["coffee"].id, "手冲咖啡")
    await tags.create_tag(collaborators, other, "亲子")
    token = await token_for(collaborators, admin)

    renamed = await audit_page(gql, token, action="TAG_RENAMED")
    (node,) = [edge["node"] for edge in renamed["edges"]]
    assert node["changes"] == [{"field": "name", "before": "咖啡", "after": "手冲咖啡"}]
    assert node["targetId"] == tag_id(world["coffee"]) and node["targetType"] == "INTEREST_TAG"
    assert '"name": "咖啡"' in node["beforeJson"] and '"name": "手冲咖啡"' in node["afterJson"]
    by_other = await audit_page(gql, token, actorId=encode_id("Member", other.id))
    assert [e["node"]["action"] for e in by_other["edges"]] == ["TAG_CREATED"]
    today = collaborators.clock.today().isoformat()
    assert len((await audit_page(gql, token, since=today, until=today))["edges"]) == 2
    assert (await audit_page(gql, token, until="2000-01-01"))["edges"] == []
    bad = await gql(op("FilteredAuditLog"), {"first": 10, "actorId": "nope"}, token)
    assert error_code(bad) == "BAD_USER_INPUT"
    choices = (await gql(op("AuditLogChoices"), {}, token))["data"]["auditLogChoices"]
    assert choices["actions"] == ["TAG_CREATED", "TAG_RENAMED"]
    assert len(choices["actors"]) == 2


async def test_moderators_and_hosts_do_not_read_back_office_entries(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    await tags.create_tag(collaborators, world["admin"], "亲子")
    for role in (Role.MODERATOR, Role.HOST):
        token = await token_for(collaborators, await make_member(roles=(Role.RESIDENT, role)))
        assert (await audit_page(gql, token))["edges"] == []
        assert (await audit_page(gql, token, action="TAG_CREATED"))["edges"] == []
        choices = (await gql(op("AuditLogChoices"), {}, token))["data"]["auditLogChoices"]
        assert choices == {"actors": [], "actions": []}
    resident = await token_for(collaborators, world["member"])
    assert error_code(await gql(op("FilteredAuditLog"), {"first": 5}, resident)) == "FORBIDDEN"


async def test_an_audit_page_runs_the_same_statements_for_two_entries_or_twenty(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    admin: Member = world["admin"]
    token = await token_for(collaborators, admin)
    counts = []
    for size in (2, 20):
        while await AuditLogEntry.all().count() < size:
            n = await AuditLogEntry.all().count()
            await tags.create_tag(collaborators, admin, f"标签{n}")
        with count_sql() as statements:
            page = await audit_page(gql, token, first=size)
        assert len(page["edges"]) == size
        counts.append(len(statements))
    assert counts[0] == counts[1]
