"""A small estate where every operation of the contract has something real to act on, built
through the contract's own operations, and the well-formed value of every input position, so a
hostile value in one position reaches as deep as it can."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.groups.models import GroupHost, InterestGroup
from domain.identity import services as identity
from domain.identity.models import Member, PickupPoint, Role
from domain.notifications.models import Notification
from tests.factories import PASSWORD, make_estate, make_member, make_tag
from tests.hostile.contract import Leaf, Operation
from tests.hostile.probe import send
from web.ids import encode_id

_fresh = itertools.count(1)


@dataclass
class World:
    ops: dict[str, Operation]
    clock: FrozenClock
    tokens: dict[str, str] = field(default_factory=dict)  # role -> access token
    refresh: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # thing -> global id
    codes: dict[str, str] = field(default_factory=dict)  # pickup, check-in, invite codes
    resident_phone: str = ""


async def _ok(
    http: httpx.AsyncClient, world: World, op: str, variables: dict[str, Any], role: str
) -> dict[str, Any]:
    operation = world.ops[op]
    reply = await send(http, operation.text, variables, world.tokens[role])
    body = reply.body
    assert isinstance(body, dict) and not body.get("errors"), f"{op}: {reply.text[:400]}"
    payload: dict[str, Any] = body["data"][operation.root_field]
    assert payload["__typename"].endswith("Success"), f"{op}: {payload}"
    return payload


async def _log_in(
    collaborators: Collaborators, world: World, resident: Member, admin: Member
) -> None:
    for role, member in (("resident", resident), ("admin", admin)):
        pair = await identity.issue_api_tokens(collaborators, member)
        world.tokens[role] = pair.access_token
        world.refresh[role] = pair.refresh_token


async def build_world(
    http: httpx.AsyncClient,
    collaborators: Collaborators,
    clock: FrozenClock,
    ops: dict[str, Operation],
) -> World:
    world = World(ops=ops, clock=clock)
    estate = await make_estate()
    await make_estate("碧水苑")
    tag = await make_tag("手冲爱好者")
    resident = await make_member(estate=estate, display_name="居民小王")
    admin = await make_member(
        estate=estate, display_name="运营小林", roles=(Role.RESIDENT, Role.ADMIN)
    )
    await _log_in(collaborators, world, resident, admin)
    assert resident.phone is not None
    world.resident_phone = resident.phone
    world.codes["invite"] = resident.invite_code
    world.ids["estate"] = encode_id("Estate", estate.id)
    point = await PickupPoint.create(
        estate=estate,
        name="南门驿站",
        address="南门",
        opening_hours="每天 9:00–21:00",
        created_at=clock.now(),
    )
    world.ids["pickup_point"] = encode_id("PickupPoint", point.id)
    world.ids["tag"] = encode_id("InterestTag", tag.id)
    world.ids["member"] = encode_id("Member", resident.id)
    world.ids["image"] = encode_id("Image", 1)  # only its type name is used: images are optional
    group = await InterestGroup.create(
        name="周末烘焙",
        slug="weekend-baking",
        description="一起烤面包",
        host=admin,
        created_at=clock.now(),
    )
    await GroupHost.create(group=group, member=admin, appointed_at=group.created_at)
    world.ids["group"] = encode_id("InterestGroup", group.id)
    for role in ("resident", "admin"):
        await _ok(http, world, "JoinGroup", {"groupId": world.ids["group"]}, role)

    now = clock.now()
    voting = await _ok(
        http,
        world,
        "CreateCampaign",
        {
            "input": {
                "kind": "NAMING",
                "title": "给花园起名",
                "description": "大家来起名",
                "proposalStartsAt": now.isoformat(),
                "proposalEndsAt": (now + timedelta(hours=1)).isoformat(),
                "votingStartsAt": (now + timedelta(hours=1)).isoformat(),
                "votingEndsAt": (now + timedelta(days=7)).isoformat(),
            }
        },
        "admin",
    )
    world.ids["voting_campaign"] = voting["campaign"]["id"]
    entry = await _ok(
        http,
        world,
        "ProposeEntry",
        {
            "input": {
                "campaignId": world.ids["voting_campaign"],
                "title": "翠湖园",
            }
        },
        "resident",
    )
    world.ids["entry"] = entry["entry"]["id"]
    await _ok(
        http, world, "ModerateEntry", {"entryId": world.ids["entry"], "action": "APPROVE"}, "admin"
    )

    post = await _ok(
        http,
        world,
        "SubmitPost",
        {
            "input": {
                "kind": "STORY",
                "title": "周末的面包",
                "body": "第一次烤出了好看的面包。",
                "groupId": world.ids["group"],
            }
        },
        "resident",
    )
    world.ids["post"] = post["post"]["id"]
    await _ok(
        http, world, "ModeratePost", {"postId": world.ids["post"], "action": "APPROVE"}, "admin"
    )
    comment = await _ok(
        http, world, "AddComment", {"postId": world.ids["post"], "body": "真棒"}, "admin"
    )
    world.ids["comment"] = comment["comment"]["id"]
    told = await Notification.filter(kind="COMMENT").order_by("-id").first()  # the author's
    assert told is not None
    world.ids["notification"] = encode_id("Notification", told.id)

    await _ok(
        http,
        world,
        "AdjustPoints",
        {
            "input": {
                "memberId": world.ids["member"],
                "amount": 1000,
                "reason": "活动奖励",
                "idempotencyKey": uuid.uuid4().hex,
            }
        },
        "admin",
    )
    reward = await _ok(
        http,
        world,
        "CreateReward",
        {
            "input": {
                "name": "挂耳咖啡",
                "description": "一盒十包",
                "costPoints": 10,
                "stock": 1000,
            }
        },
        "admin",
    )
    world.ids["reward"] = reward["reward"]["id"]
    redemption = await _ok(
        http,
        world,
        "RedeemReward",
        {
            "rewardId": world.ids["reward"],
            "quantity": 1,
            "idempotencyKey": uuid.uuid4().hex,
        },
        "resident",
    )
    world.ids["redemption"] = redemption["redemption"]["id"]
    world.codes["pickup"] = redemption["redemption"]["pickupCode"]

    event = await _ok(
        http,
        world,
        "CreateEvent",
        {
            "input": {
                "title": "面包分享会",
                "description": "带上你的面包",
                "groupId": world.ids["group"],
                "location": "会所一楼",
                "startsAt": (now + timedelta(hours=4)).isoformat(),
                "endsAt": (now + timedelta(hours=6)).isoformat(),
                "capacity": 30,
            }
        },
        "admin",
    )
    world.ids["event"] = event["event"]["id"]
    registration = await _ok(
        http, world, "RegisterForEvent", {"eventId": world.ids["event"]}, "resident"
    )
    world.ids["registration"] = registration["registration"]["id"]
    world.codes["check_in"] = registration["registration"]["checkInCode"]

    clock.advance(hours=3)  # the naming campaign votes now; the event's check-in is open
    await _log_in(collaborators, world, resident, admin)  # the first tokens lapsed meanwhile
    now = clock.now()
    open_campaign = await _ok(
        http,
        world,
        "CreateCampaign",
        {
            "input": {
                "kind": "NAMING",
                "title": "秋天的小区",
                "description": "拍下秋天",
                "proposalStartsAt": now.isoformat(),
                "proposalEndsAt": (now + timedelta(days=1)).isoformat(),
                "votingStartsAt": (now + timedelta(days=1)).isoformat(),
                "votingEndsAt": (now + timedelta(days=8)).isoformat(),
            }
        },
        "admin",
    )
    world.ids["open_campaign"] = open_campaign["campaign"]["id"]
    return world


# -- well-formed values ---------------------------------------------------------------------------

# ID positions by (operation, name) first, then by name alone.
_ID_BY_OPERATION = {
    ("PostDetail", "id"): "post",
    ("Campaign", "id"): "voting_campaign",
    ("CampaignTally", "campaignId"): "voting_campaign",
    ("CloseCampaign", "campaignId"): "voting_campaign",
    ("MarkNotificationsRead", "ids"): "notification",
}
_ID_BY_NAME = {
    "postId": "post",
    "groupId": "group",
    "entryId": "entry",
    "campaignId": "open_campaign",
    "rewardId": "reward",
    "redemptionId": "redemption",
    "eventId": "event",
    "registrationId": "registration",
    "estateId": "estate",
    "pickupPointId": "pickup_point",
    "memberId": "member",
    "hostIds": "member",
    "coverImageId": "image",
    "commentId": "comment",
    "interestTagIds": "tag",
    "tagId": "tag",
    "sourceId": "tag",
    "targetId": "tag",
    "actorId": "member",
    "imageIds": "image",
    "imageId": "image",
    "avatarImageId": "image",
}
_INTS = {
    "first": 5,
    "commentsFirst": 5,
    "quantity": 1,
    "servings": 2,
    "minutes": 30,
    "votesPerMember": 3,
    "costPoints": 10,
    "stock": 100,
    "perMemberLimit": 5,
    "capacity": 20,
    "amountCents": 1000,
    "amount": 5,
}
_STRINGS = {
    "password": PASSWORD,
    "displayName": "新邻居",
    "title": "阳台上的番茄",
    "body": "今年结了很多果子。",
    "note": "广告",
    "description": "说明",
    "reason": "核对",
    "location": "会所",
    "name": "面粉",
    "steps": "和面",
    "items": "牛奶",
    "refreshToken": "not-a-token",
    "slug": "weekend-reading",
    "city": "上海",
    "district": "浦东新区",
    "openingHours": "每天 9:00–21:00",
}
# Optional input fields sent with well-formed values even when not under test, so the refusal
# under test is not an earlier one ("say what to report").
_ALWAYS = {
    ("ReportContentInput", "postId"),
    ("SubmitPostInput", "groupId"),
    ("PurchaseInput", "memberId"),
}


def good_leaf(world: World, operation: str, leaf: Leaf) -> Any:
    now = world.clock.now()
    if leaf.kind == "ID":
        thing = _ID_BY_OPERATION.get((operation, leaf.name)) or _ID_BY_NAME.get(leaf.name, "post")
        return world.ids[thing]
    if leaf.kind == "enum":
        assert isinstance(leaf.type, GraphQLEnumType)
        preferred = {"PostKind": "STORY", "ModerationAction": "APPROVE"}.get(leaf.type.name)
        return preferred or next(iter(leaf.type.values))
    if leaf.kind == "Int":
        return _INTS.get(leaf.name, 1)
    if leaf.kind == "Boolean":
        return leaf.name == "acceptPrivacyPolicy"
    if leaf.kind == "DateTime":
        offsets = {
            "proposalStartsAt": timedelta(0),
            "proposalEndsAt": timedelta(days=1),
            "votingStartsAt": timedelta(days=1),
            "votingEndsAt": timedelta(days=8),
            "startsAt": timedelta(days=2),
            "endsAt": timedelta(days=2, hours=2),
            "availableFrom": timedelta(0),
            "availableUntil": timedelta(days=30),
            "occurredAt": -timedelta(days=1),
        }
        return (now + offsets.get(leaf.name, timedelta(0))).isoformat()
    if leaf.kind == "Date":
        days = 30 if leaf.name == "from" else 0
        return (world.clock.today() - timedelta(days=days)).isoformat()
    if operation == "PhoneLogin" and leaf.name == "phone":
        return world.resident_phone
    if operation == "PublishPrivacyPolicy" and leaf.name == "body":
        return "我们只为登录和邻里活动保存你的手机号与昵称，不出售任何数据。"
    n = next(_fresh)
    fresh = {
        "phone": f"137{n:08d}",
        "idempotencyKey": uuid.uuid4().hex,
        "orderId": f"order-{n}",
        "code": f"ok-openid-{n}",
        "pickupCode": world.codes.get("pickup", ""),
        "checkInCode": world.codes.get("check_in", ""),
        "inviteCode": world.codes["invite"],
        "version": f"2027.{n}",
    }
    if leaf.name in fresh:
        return fresh[leaf.name]
    return _STRINGS.get(leaf.name, "邻里")


def build(
    world: World, operation: Operation, leaves: list[Leaf], target: tuple[str, ...], value: Any
) -> dict[str, Any]:
    """The variables of ``operation``: ``value`` at ``target``, well-formed values in every
    required position and on the way to ``target``; other optional positions left out."""
    by_path = {leaf.path: leaf for leaf in leaves}
    variables: dict[str, Any] = {}
    for name, type_ in operation.variables.items():
        on_path = target[0] == name
        if not on_path and not isinstance(type_, GraphQLNonNull):
            continue
        variables[name] = _fill(world, operation, by_path, type_, (name,), target, value, None)
    return variables


def _fill(
    world: World,
    operation: Operation,
    by_path: dict[tuple[str, ...], Leaf],
    type_: Any,
    path: tuple[str, ...],
    target: tuple[str, ...],
    value: Any,
    parent: str | None,
) -> Any:
    if path == target:
        return value
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        return [
            _fill(world, operation, by_path, type_.of_type, (*path, "0"), target, value, parent)
        ]
    if isinstance(type_, GraphQLInputObjectType):
        result: dict[str, Any] = {}
        for field_name, field_def in type_.fields.items():
            child = (*path, field_name)
            wanted = (
                isinstance(field_def.type, GraphQLNonNull)
                or target[: len(child)] == child
                or (type_.name, field_name) in _ALWAYS
            )
            if wanted:
                result[field_name] = _fill(
                    world, operation, by_path, field_def.type, child, target, value, type_.name
                )
        return result
    return good_leaf(world, operation.name, by_path[path])
