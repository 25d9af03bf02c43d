"""Staff read only what they run: a host's dashboard scope is theirs in every part it names, a
host's audit log holds their own groups' entries, and a check-in code of another group's event
answers exactly like an unknown one. What the host types is checked before it reaches the
database: a malformed code is `InvalidInput`, never "Unexpected error."."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from domain.campaigns.models import CampaignEntry, EntryStatus
from domain.campaigns.services import moderate_entry
from domain.collaborators import Collaborators
from domain.events import services as events
from domain.events.models import EventRegistration, RegistrationStatus
from domain.groups.models import GroupMembership
from domain.identity.models import Estate, Member, Role
from domain.points.models import LedgerEntry
from domain.posts import services as posts
from domain.posts.models import AuditLogEntry, Post, PostKind, PostStatus, ReportReason
from domain.segments.models import AcquisitionSpend
from tests.api.test_groups_api import token_for
from tests.api.test_identity_api import op
from tests.conftest import GraphQLClient
from tests.domain.campaign_helpers import voting_campaign
from tests.domain.events_helpers import make_event, make_group
from tests.domain.test_posts import veteran
from tests.factories import make_estate, make_member
from tests.refusals import expected_refusal, refused_at_the_edge
from web.ids import encode_id

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}
DASHBOARD = (
    "query($estateId: ID, $groupId: ID, $from: Date!, $to: Date!) { dashboard(estateId: "
    "$estateId, groupId: $groupId, from: $from, to: $to) { members newMembers cacCents } }"
)
AUDIT = (
    "query($first: Int!) { auditLog(first: $first) { edges { node { id action targetType "
    "targetId reason actor { id displayName } } } } }"
)
NODE = "query($id: ID!) { node(id: $id) { __typename ... on AuditLogEntry { id actor { id } } } }"
CHECK_IN = (
    "mutation($code: String!) { checkInAttendee(input: {checkInCode: $code}) { __typename "
    "... on CheckInAttendeeSuccess { registration { id status } } "
    "... on InvalidInput { fieldErrors { field message } } ... on UserError { code message } } }"
)
# What a host may type by mistake or on purpose: the length of a pickup code, a 9-character
# code, characters outside the alphabet (0, O, 1, I), a NUL, control characters, other scripts,
# a very long string, nothing at all.
MALFORMED = [
    "ABCDEFGHJ",
    "ABCDEFG",
    "ABCDE",
    "ABCDE0",
    "ABCDEO",
    "ABC\x00EF",
    "ABC\x07EF",
    "ABC\x1b[2J",
    "ＡＢＣＤＥＦ",
    "ABCDE٣",
    "签到码签到码",
    "ABCDE😀",
    "A" * 10_000,
    "",
    "   ",
]


async def _spend(c: Collaborators, estate: Estate, cents: int, admin: Member) -> None:
    await AcquisitionSpend.create(
        estate=estate,
        spent_on=c.clock.now().date() - timedelta(days=5),
        amount_cents=cents,
        note="传单",
        recorded_by=admin,
        created_at=c.clock.now(),
    )


async def test_a_host_naming_another_estate_with_their_own_group_gets_forbidden_not_its_cac(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    ours, theirs = await make_estate("阳光花园"), await make_estate("绿地小区")
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN), estate=ours)
    host = await make_member(roles=(Role.RESIDENT, Role.HOST), estate=ours)
    group = await make_group(host)
    neighbour = await make_member(estate=theirs)  # in the host's group, living in the other estate
    await GroupMembership.create(group=group, member=neighbour, joined_at=c.clock.now())
    # Both joined this month (by the test clock): the period's new members CAC divides by.
    await Member.filter(id__in=[host.id, neighbour.id]).update(created_at=c.clock.now())
    await Member.filter(id=admin.id).update(created_at=c.clock.now() - timedelta(days=90))
    await _spend(c, theirs, 1_234_500, admin)
    await _spend(c, ours, 100, admin)
    token = await token_for(c, host)
    mixed = {
        **NOVEMBER,
        "estateId": encode_id("Estate", theirs.id),
        "groupId": encode_id("InterestGroup", group.id),
    }
    refused = await gql(DASHBOARD, mixed, token)
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "1234500" not in json.dumps(refused)
    # The admin's answer for the same scope is the figure the host must not get.
    admins = await gql(DASHBOARD, mixed, await token_for(c, admin))
    assert admins["data"]["dashboard"]["cacCents"] == 1_234_500
    # Every part named the host's own: served, without the other estate's spend.
    own_estate = {**NOVEMBER, "estateId": encode_id("Estate", ours.id)}
    served = (await gql(DASHBOARD, own_estate, token))["data"]["dashboard"]
    assert served == {"members": 2, "newMembers": 1, "cacCents": 100}  # the host joined
    own_group = {**own_estate, "groupId": mixed["groupId"]}
    assert "errors" not in await gql(DASHBOARD, own_group, token)
    baking = await make_group(admin, "烘焙", "baking")
    not_theirs = {**own_estate, "groupId": encode_id("InterestGroup", baking.id)}
    refused = await gql(DASHBOARD, not_theirs, token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def _audit_world(c: Collaborators) -> dict[str, Any]:
    """Host A and host B with a group each; in B's group a post hidden by three reporters (the
    last one, 举报人小李, is named on the AUTO_HIDE entry) and one approved by host B; in A's
    group a post host A approved; a campaign entry a moderator approved (the campaign's creation
    is audited too, for admins)."""
    host_a = await make_member(roles=(Role.RESIDENT, Role.HOST), display_name="主理人甲")
    host_b = await make_member(roles=(Role.RESIDENT, Role.HOST), display_name="主理人乙")
    moderator = await make_member(roles=(Role.RESIDENT, Role.MODERATOR))
    group_a, group_b = await make_group(host_a), await make_group(host_b, "烘焙", "baking")
    author = await veteran(c)
    drafts = {
        name: await posts.submit_post(
            c,
            author,
            posts.PostDraft(
                PostKind.TIP,
                f"{name}组的番茄防虫小技巧",
                "用稀释的肥皂水喷叶背，三天一次。",
                group_id=g.id,
            ),
        )
        for name, g in (("a", group_a), ("b", group_b), ("b2", group_b))
    }
    await posts.moderate_post(c, host_a, drafts["a"].id, "APPROVE")
    await posts.moderate_post(c, host_b, drafts["b"].id, "APPROVE")
    await posts.moderate_post(c, host_b, drafts["b2"].id, "APPROVE")
    for n in range(3):
        reporter = await veteran(c)
        if n == 2:
            await Member.filter(id=reporter.id).update(display_name="举报人小李")
            reporter = await Member.get(id=reporter.id)
        await posts.report_post(c, reporter, drafts["b2"].id, ReportReason.SPAM, None)
    assert (await Post.get(id=drafts["b2"].id)).status == PostStatus.HIDDEN
    _, entries = await voting_campaign(c, entries=1)
    pending = await CampaignEntry.create(
        campaign_id=entries[0].campaign_id,
        proposer=author,
        title="新名字",
        status=EntryStatus.PENDING,
        created_at=c.clock.now(),
    )
    await moderate_entry(c, moderator, pending.id, "APPROVE")
    return {"host_a": host_a, "host_b": host_b, "moderator": moderator, "posts": drafts}


def _entries(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (e["node"]["action"], e["node"]["targetType"], e["node"]["targetId"])
        for e in body["data"]["auditLog"]["edges"]
    ]


async def test_a_host_reads_the_audit_entries_of_their_own_groups_and_no_reporter_elsewhere(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    world = await _audit_world(c)
    post_a = encode_id("Post", world["posts"]["a"].id)
    host_a = await gql(AUDIT, {"first": 50}, await token_for(c, world["host_a"]))
    assert _entries(host_a) == [("APPROVE", "POST", post_a)]
    assert "举报人小李" not in json.dumps(host_a, ensure_ascii=False)
    assert "主理人乙" not in json.dumps(host_a, ensure_ascii=False)
    host_b = await gql(AUDIT, {"first": 50}, await token_for(c, world["host_b"]))
    assert [action for action, _, _ in _entries(host_b)] == ["AUTO_HIDE", "APPROVE", "APPROVE"]
    assert "举报人小李" in json.dumps(host_b, ensure_ascii=False)
    everything = await gql(AUDIT, {"first": 50}, await token_for(c, world["moderator"]))
    assert len(_entries(everything)) == 5
    # ... and the campaign's creation, which only admins read.
    assert await AuditLogEntry.all().count() == 6
    # node(id:) follows the same rule: another group's entry is no entry at all.
    auto_hide = await AuditLogEntry.get(action="AUTO_HIDE")
    entry_id = encode_id("AuditLogEntry", auto_hide.id)
    seen = await gql(NODE, {"id": entry_id}, await token_for(c, world["host_a"]))
    assert seen["data"]["node"] is None
    mine = await gql(NODE, {"id": entry_id}, await token_for(c, world["host_b"]))
    assert mine["data"]["node"]["__typename"] == "AuditLogEntry"


async def _seat_at_the_door(c: Collaborators) -> tuple[Member, Member, EventRegistration]:
    """(the event's host, another group's host, a confirmed seat) an hour before the start."""
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    other_host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    await make_group(other_host, "烘焙", "baking")
    event = await make_event(c, await make_group(host), starts_in=timedelta(hours=1))
    seat = await events.register_for_event(c, await make_member(), event.id)
    return host, other_host, seat


async def _unchanged(seat: EventRegistration) -> None:
    assert (await EventRegistration.get(id=seat.id)).status == RegistrationStatus.CONFIRMED
    assert await LedgerEntry.all().count() == 0


async def test_another_groups_check_in_code_answers_exactly_like_an_unknown_one(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    host, other_host, seat = await _seat_at_the_door(c)
    code = seat.check_in_code or ""
    unknown = next(x for x in ("ZZZZZZ", "YYYYYY") if x != code)
    token = await token_for(c, other_host)
    foreign = await gql(CHECK_IN, {"code": code}, token)
    missing = await gql(CHECK_IN, {"code": unknown}, token)
    assert foreign == missing
    assert foreign["data"]["checkInAttendee"]["code"] == "NOT_FOUND"
    await _unchanged(seat)
    done = await gql(CHECK_IN, {"code": code.lower()}, await token_for(c, host))
    assert done["data"]["checkInAttendee"]["registration"]["status"] == "CHECKED_IN"


@pytest.mark.parametrize("typed", MALFORMED, ids=lambda s: repr(s[:12]))
async def test_a_malformed_check_in_code_is_invalid_input_and_changes_nothing(
    gql: GraphQLClient, collaborators: Collaborators, typed: str
) -> None:
    c = collaborators
    host, _, seat = await _seat_at_the_door(c)
    body = await gql(CHECK_IN, {"code": typed}, await token_for(c, host))
    if expected_refusal(typed, "INVALID_INPUT") == "BAD_USER_INPUT":
        assert refused_at_the_edge(body), body  # control characters stop at the edge
    else:
        assert "errors" not in body, body
        answer = body["data"]["checkInAttendee"]
        assert answer["__typename"] == "InvalidInput"
        assert [e["field"] for e in answer["fieldErrors"]] == ["checkInCode"]
    await _unchanged(seat)


async def test_a_code_typed_with_spaces_and_lower_case_still_checks_in(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    host, _, seat = await _seat_at_the_door(c)
    code = seat.check_in_code or ""
    typed = f" {code[:3].lower()} {code[3:]}\t"
    body = await gql(CHECK_IN, {"code": typed}, await token_for(c, host))
    assert body["data"]["checkInAttendee"]["registration"]["status"] == "CHECKED_IN"
    assert (await EventRegistration.get(id=seat.id)).status == RegistrationStatus.CHECKED_IN


async def test_a_hosts_moderation_of_another_groups_post_answers_like_a_missing_post(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    world = await _audit_world(c)
    token = await token_for(c, world["host_a"])
    document = op("ModeratePost")
    hidden = world["posts"]["b2"]
    foreign = await gql(
        document, {"postId": encode_id("Post", hidden.id), "action": "RESTORE"}, token
    )
    missing = await gql(
        document, {"postId": encode_id("Post", 999_999), "action": "RESTORE"}, token
    )
    assert foreign == missing
    assert foreign["data"]["moderatePost"]["code"] == "NOT_FOUND"
    assert (await Post.get(id=hidden.id)).status == PostStatus.HIDDEN
    assert await AuditLogEntry.all().count() == 6  # the world's five and the campaign's creation
