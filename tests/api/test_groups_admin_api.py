"""The back office's group operations over GraphQL (api/contract/backoffice_groups.graphql):
admins run them, every other role is refused with nothing changed; the typed errors; archived
groups refusing joins, posts, likes and comments."""

from __future__ import annotations

from typing import Any

import pytest

from domain.collaborators import Collaborators
from domain.groups import admin
from domain.groups.models import GroupHost, GroupMembership, InterestGroup
from domain.identity.models import Estate, Member, Role
from domain.posts.models import AuditLogEntry, Post
from tests.api.test_identity_api import op
from tests.api.test_points_api import token_for
from tests.api.test_posts_api import make_post
from tests.conftest import GraphQLClient
from tests.domain.test_groups_admin import group_input
from tests.factories import make_estate, make_image, make_member
from web.ids import encode_id

REFUSED = {
    "resident": ((Role.RESIDENT,), "FORBIDDEN"),
    "host": ((Role.RESIDENT, Role.HOST), "FORBIDDEN"),
    "moderator": ((Role.RESIDENT, Role.MODERATOR), "FORBIDDEN"),
    "anonymous": ((), "UNAUTHENTICATED"),
}


OPERATIONS = (
    "createGroup",
    "updateGroup",
    "archiveGroup",
    "restoreGroup",
    "appointHost",
    "removeHost",
    "setLeadHost",
)
# The operations whose admin call needs the world's `other` member appointed a co-host first.
NEED_CO_HOST = ("removeHost", "setLeadHost")


def gid(group: InterestGroup | int) -> str:
    return encode_id("InterestGroup", group if isinstance(group, int) else group.id)


def mid(member: Member) -> str:
    return encode_id("Member", member.id)


@pytest.fixture
async def world(collaborators: Collaborators) -> dict[str, Any]:
    boss = await make_member(display_name="运营小林", roles=(Role.RESIDENT, Role.ADMIN))
    lead = await make_member(phone="13811112222", display_name="陈姐")
    group = await admin.create_group(collaborators, boss, group_input(), [lead.id])
    return {"admin": boss, "lead": lead, "group": group, "other": await make_member()}


def calls(world: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each operation with well-formed variables that an admin's call would carry out."""
    group, lead, other = world["group"], world["lead"], world["other"]
    fields = {"name": "亲子烘焙", "slug": "kids-baking", "description": "周末一起烤面包"}
    return {
        "createGroup": ("CreateGroup", {"input": {**fields, "hostIds": [mid(other)]}}),
        "updateGroup": ("UpdateGroup", {"input": {**fields, "groupId": gid(group)}}),
        "archiveGroup": ("ArchiveGroup", {"groupId": gid(group)}),
        "restoreGroup": ("RestoreGroup", {"groupId": gid(group)}),
        "appointHost": ("AppointHost", {"groupId": gid(group), "memberId": mid(other)}),
        "removeHost": ("RemoveHost", {"groupId": gid(group), "memberId": mid(lead)}),
        "setLeadHost": ("SetLeadHost", {"groupId": gid(group), "memberId": mid(other)}),
    }


async def state() -> tuple[Any, ...]:
    fields = ("name", "slug", "archived_at", "host_id", "cover_url")
    groups = await InterestGroup.all().order_by("id").values_list(*fields)
    hosts = await GroupHost.all().order_by("id").values_list("group_id", "member_id")
    roles = await Member.all().order_by("id").values_list("id", "roles")
    return (groups, hosts, roles, await AuditLogEntry.all().count())


@pytest.mark.parametrize("who", list(REFUSED))
@pytest.mark.parametrize(
    "field",
    list(OPERATIONS),
)
async def test_every_group_operation_is_refused_to_anyone_but_admins_and_changes_nothing(
    gql: GraphQLClient,
    collaborators: Collaborators,
    world: dict[str, Any],
    who: str,
    field: str,
) -> None:
    roles, code = REFUSED[who]
    if field == "restoreGroup":
        await admin.archive_group(collaborators, world["admin"], world["group"].id)
    if field in NEED_CO_HOST:
        await admin.appoint_host(
            collaborators, world["admin"], world["group"].id, world["other"].id
        )
    token = await token_for(collaborators, await make_member(roles=roles)) if roles else None
    before = await state()
    name, variables = calls(world)[field]
    body = await gql(op(name), variables, token)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == code
    assert await state() == before


@pytest.mark.parametrize(
    "field",
    list(OPERATIONS),
)
async def test_an_admin_runs_every_group_operation(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any], field: str
) -> None:
    boss, group = world["admin"], world["group"]
    if field == "restoreGroup":
        await admin.archive_group(collaborators, boss, group.id)
    if field in NEED_CO_HOST:
        await admin.appoint_host(collaborators, boss, group.id, world["other"].id)
    name, variables = calls(world)[field]
    body = await gql(op(name), variables, await token_for(collaborators, boss))
    result = body["data"][field]
    assert result["__typename"].endswith("Success"), result
    audited = await AuditLogEntry.filter(actor_id=boss.id, target_type="GROUP").count()
    set_up = 1 + (field in ("restoreGroup", *NEED_CO_HOST))  # the world's group, the setup step
    assert audited == set_up + 1
    if field == "createGroup":
        made = await InterestGroup.get(slug="kids-baking")
        assert result["group"]["hosts"][0]["id"] == mid(world["other"])
        assert made.host_id == world["other"].id
        assert (await Member.get(id=world["other"].id)).has_role(Role.HOST)
    elif field == "updateGroup":
        assert (await InterestGroup.get(id=group.id)).slug == "kids-baking"
    elif field == "archiveGroup":
        assert result["group"]["archived"] and (await InterestGroup.get(id=group.id)).archived_at
    elif field == "restoreGroup":
        assert not result["group"]["archived"]
        assert (await InterestGroup.get(id=group.id)).archived_at is None
    elif field == "appointHost":
        hosts = [h["id"] for h in result["group"]["hosts"]]
        assert hosts == [mid(world["lead"]), mid(world["other"])]
        assert await GroupHost.exists(group_id=group.id, member_id=world["other"].id)
    elif field == "removeHost":
        assert result["group"]["host"]["id"] == mid(world["other"])
        assert not await GroupHost.exists(group_id=group.id, member_id=world["lead"].id)
    else:
        assert result["group"]["host"]["id"] == mid(world["other"])
        assert (await InterestGroup.get(id=group.id)).host_id == world["other"].id
        assert await GroupHost.exists(group_id=group.id, member_id=world["lead"].id)
        entry = await AuditLogEntry.filter(action="LEAD_HOST_SET").get()
        assert (entry.target_id, entry.before, entry.after) == (
            group.id,
            {"host_id": world["lead"].id},
            {"host_id": world["other"].id},
        )


async def test_the_admin_list_shows_archived_groups_and_hosts_with_masked_phones(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    boss, group = world["admin"], world["group"]
    await admin.archive_group(collaborators, boss, group.id)
    token = await token_for(collaborators, boss)
    body = await gql(op("AdminGroups"), {"first": 10}, token)
    (node,) = [e["node"] for e in body["data"]["interestGroups"]["edges"]]
    assert node["archived"] and node["archivedAt"]
    assert node["hosts"] == [
        {"id": mid(world["lead"]), "displayName": "陈姐", "phoneMasked": "138****2222"}
    ]
    public = await gql(op("Groups"), {"first": 10}, token)
    assert public["data"]["interestGroups"]["edges"] == []  # out of the pickers and filters


async def test_a_taken_slug_and_an_archived_estate_are_typed_errors(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    token = await token_for(collaborators, world["admin"])
    hosts = [mid(world["other"])]
    taken = {"name": "新名字", "slug": "balcony-garden", "description": "说明", "hostIds": hosts}
    body = await gql(op("CreateGroup"), {"input": taken}, token)
    assert body["data"]["createGroup"]["code"] == "SLUG_TAKEN"
    closed = await make_estate("旧小区")
    await Estate.filter(id=closed.id).update(archived_at=collaborators.clock.now())
    estate_only = {**taken, "slug": "new-one", "estateId": encode_id("Estate", closed.id)}
    body = await gql(op("CreateGroup"), {"input": estate_only}, token)
    result = body["data"]["createGroup"]
    assert (result["__typename"], result["code"]) == ("EstateArchived", "ESTATE_ARCHIVED")
    unknown = {**estate_only, "estateId": encode_id("Estate", 99999)}
    result = (await gql(op("CreateGroup"), {"input": unknown}, token))["data"]["createGroup"]
    assert [e["field"] for e in result["fieldErrors"]] == ["estateId"]
    moved = {"groupId": gid(world["group"]), **estate_only, "slug": "balcony-garden"}
    moved.pop("hostIds")
    result = (await gql(op("UpdateGroup"), {"input": moved}, token))["data"]["updateGroup"]
    assert result["code"] == "ESTATE_ARCHIVED"
    same_name = {**taken, "slug": "other", "name": "阳台种菜"}
    body = await gql(op("CreateGroup"), {"input": same_name}, token)
    assert body["data"]["createGroup"]["code"] == "GROUP_NAME_TAKEN"
    body = await gql(
        op("RemoveHost"), {"groupId": gid(world["group"]), "memberId": mid(world["lead"])}, token
    )
    assert body["data"]["removeHost"]["code"] == "LAST_HOST"
    assert await InterestGroup.all().count() == 1
    assert await GroupHost.all().count() == 1


async def test_making_a_member_who_is_not_a_co_host_the_lead_is_a_typed_error(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    group = world["group"]
    token = await token_for(collaborators, world["admin"])
    before = await state()
    variables = {"groupId": gid(group), "memberId": mid(world["other"])}
    result = (await gql(op("SetLeadHost"), variables, token))["data"]["setLeadHost"]
    assert (result["__typename"], result["code"]) == ("NotFound", "NOT_FOUND")
    assert (await InterestGroup.get(id=group.id)).host_id == world["lead"].id
    assert await state() == before


def with_cover(world: dict[str, Any], field: str, cover_id: str) -> tuple[str, dict[str, Any]]:
    name, variables = calls(world)[field]
    return name, {"input": {**variables["input"], "coverImageId": cover_id}}


@pytest.mark.parametrize("field", ["createGroup", "updateGroup"])
async def test_the_cover_is_set_from_an_image_the_admin_uploaded(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any], field: str
) -> None:
    image = await make_image(world["admin"])
    name, variables = with_cover(world, field, encode_id("Image", image.id))
    body = await gql(op(name), variables, await token_for(collaborators, world["admin"]))
    result = body["data"][field]
    assert result["__typename"].endswith("Success"), result
    assert result["group"]["coverUrl"] == f"/media/{image.storage_key}"
    group = await InterestGroup.get(slug="kids-baking")
    assert group.cover_url == f"/media/{image.storage_key}"


@pytest.mark.parametrize("image", ["unknown", "someone else's", "not an image"])
@pytest.mark.parametrize("field", ["createGroup", "updateGroup"])
async def test_a_cover_that_is_not_an_upload_of_the_admins_is_a_typed_error_changing_nothing(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any], field: str, image: str
) -> None:
    cover_ids = {
        "unknown": encode_id("Image", 999_999),
        "someone else's": encode_id("Image", (await make_image(world["other"])).id),
        "not an image": gid(world["group"]),
    }
    name, variables = with_cover(world, field, cover_ids[image])
    before = await state()
    body = await gql(op(name), variables, await token_for(collaborators, world["admin"]))
    result = body["data"][field]
    assert result["__typename"] == "InvalidInput", result
    assert [e["field"] for e in result["fieldErrors"]] == ["coverImageId"]
    assert await state() == before


async def test_an_archived_group_refuses_joins_posts_likes_and_comments(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    group = world["group"]
    post = await make_post(collaborators, world["lead"], group=group)
    await admin.archive_group(collaborators, world["admin"], group.id)
    resident = await make_member()
    token = await token_for(collaborators, resident)
    post_id = encode_id("Post", post.id)
    draft = {
        "kind": "STORY",
        "title": "阳台的早晨",
        "body": "今年的番茄红了。",
        "groupId": gid(group),
    }
    answers = {
        "joinGroup": await gql(op("JoinGroup"), {"groupId": gid(group)}, token),
        "submitPost": await gql(op("SubmitPost"), {"input": draft}, token),
        "likePost": await gql(op("LikePost"), {"postId": post_id}, token),
        "addComment": await gql(op("AddComment"), {"postId": post_id, "body": "真好"}, token),
    }
    for field, body in answers.items():
        assert body["data"][field]["code"] == "GROUP_ARCHIVED", body
    assert not await GroupMembership.exists(group_id=group.id, member_id=resident.id)
    assert await Post.all().count() == 1
    assert (await Post.get(id=post.id)).like_count == 0


async def test_an_appointed_co_host_moderates_at_once_and_a_removed_one_no_longer(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    boss, group = world["admin"], world["group"]
    pending = await make_post(collaborators, world["lead"], "待审的帖子", group=group)
    await Post.filter(id=pending.id).update(status="PENDING", published_at=None, report_count=2)
    co = await make_member(roles=(Role.RESIDENT, Role.HOST), display_name="新主理人")
    token = await token_for(collaborators, co)
    admin_token = await token_for(collaborators, boss)
    queue = await gql(op("ModerationQueue"), {"first": 10}, token)
    assert queue["data"]["moderationQueue"]["edges"] == []

    await gql(op("AppointHost"), {"groupId": gid(group), "memberId": mid(co)}, admin_token)
    queue = await gql(op("ModerationQueue"), {"first": 10}, token)
    (node,) = [e["node"] for e in queue["data"]["moderationQueue"]["edges"]]
    assert node["reportCount"] == 2  # staff-only field: the co-host counts as staff here

    await gql(op("RemoveHost"), {"groupId": gid(group), "memberId": mid(co)}, admin_token)
    queue = await gql(op("ModerationQueue"), {"first": 10}, token)
    assert queue["data"]["moderationQueue"]["edges"] == []
    post_id = encode_id("Post", pending.id)
    moderated = await gql(op("ModeratePost"), {"postId": post_id, "action": "APPROVE"}, token)
    assert moderated["data"]["moderatePost"]["code"] == "NOT_FOUND"
    assert (await Post.get(id=pending.id)).status == "PENDING"
