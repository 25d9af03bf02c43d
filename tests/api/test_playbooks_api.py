"""Tier playbooks over GraphQL, with the contract's own operations: admins list them with the
reports, make one (each bad field an `InvalidInput` that changes nothing) and switch one;
every other role is refused top-level."""

from __future__ import annotations

from typing import Any

import pytest

from domain.collaborators import Collaborators
from domain.identity.models import Role
from domain.playbooks.models import Playbook, PlaybookRun
from domain.playbooks.runner import run_playbook
from domain.posts.models import AuditLogEntry
from domain.segments.models import TierChange
from tests.api.test_identity_api import op
from tests.api.test_points_api import ADMIN, error_code, statements_of, token_for
from tests.conftest import GraphQLClient
from tests.domain.host_console_helpers import buys, moved
from tests.domain.playbook_helpers import win_back_playbook
from tests.factories import make_member
from web.ids import encode_id

DRAFT: dict[str, Any] = {
    "name": "沉睡唤醒",
    "toTier": "DORMANT",
    "message": "好久不见，送你一份回归积分",
    "bonusPoints": 30,
    "addToWinback": True,
}


async def test_an_admin_makes_lists_and_switches_a_playbook(
    collaborators: Collaborators, gql: GraphQLClient
) -> None:
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    made = (await gql(op("CreatePlaybook"), {"input": DRAFT}, token))["data"]["createPlaybook"]
    assert made["__typename"] == "CreatePlaybookSuccess"
    playbook = made["playbook"]
    assert (playbook["toTier"], playbook["fromTier"], playbook["holdoutPercent"]) == (
        "DORMANT",
        None,
        10,
    )
    assert (playbook["bonusExpiryDays"], playbook["active"]) == (14, True)
    assert playbook["treatment"]["pointsPerReactivated"] is None
    listed = (await gql(op("Playbooks"), {}, token))["data"]["playbooks"]
    assert [p["id"] for p in listed] == [playbook["id"]]
    assert listed[0]["holdout"] == {
        "runs": 0,
        "members": 0,
        "reactivated": 0,
        "reactivationRate": 0.0,
        "purchases": 0,
        "purchasesPerMember": 0.0,
        "points": 0,
        "pointsPerReactivated": None,
    }
    assert listed[0]["lift"] is None  # no member in either arm yet
    off = await gql(op("UpdatePlaybook"), {"id": playbook["id"], "active": False}, token)
    assert off["data"]["updatePlaybook"]["playbook"] == {"id": playbook["id"], "active": False}
    assert not (await Playbook.get()).active
    assert await AuditLogEntry.filter(target_type="PLAYBOOK").count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "唤"}, "name"),
        ({"fromTier": "DORMANT"}, "fromTier"),
        ({"bonusPoints": -5}, "bonusPoints"),
        ({"bonusExpiryDays": 0}, "bonusExpiryDays"),
        ({"holdoutPercent": 60}, "holdoutPercent"),
    ],
)
async def test_each_bad_field_is_invalid_input_and_changes_nothing(
    collaborators: Collaborators, gql: GraphQLClient, changes: dict[str, Any], field: str
) -> None:
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    body = await gql(op("CreatePlaybook"), {"input": {**DRAFT, **changes}}, token)
    result = body["data"]["createPlaybook"]
    assert result["__typename"] == "InvalidInput"
    assert [e["field"] for e in result["fieldErrors"]] == [field]
    assert not await Playbook.exists()


async def test_switching_a_playbook_that_is_not_there_is_not_found_or_invalid_input(
    collaborators: Collaborators, gql: GraphQLClient
) -> None:
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    missing = encode_id("Playbook", 999)
    body = await gql(op("UpdatePlaybook"), {"id": missing, "active": True}, token)
    assert body["data"]["updatePlaybook"]["__typename"] == "NotFound"
    wrong = encode_id("Post", 1)
    body = await gql(op("UpdatePlaybook"), {"id": wrong, "active": True}, token)
    assert body["data"]["updatePlaybook"]["__typename"] == "InvalidInput"


@pytest.mark.parametrize("roles", [(Role.RESIDENT,), (Role.HOST,), (Role.MODERATOR,)])
async def test_every_other_role_is_refused_each_operation(
    collaborators: Collaborators, gql: GraphQLClient, roles: tuple[Role, ...]
) -> None:
    token = await token_for(collaborators, await make_member(roles=roles))
    id_ = encode_id("Playbook", 1)
    calls: list[tuple[str, dict[str, Any]]] = [
        ("Playbooks", {}),
        ("CreatePlaybook", {"input": DRAFT}),
        ("UpdatePlaybook", {"id": id_, "active": False}),
    ]
    for name, variables in calls:
        assert error_code(await gql(op(name), variables, token)) == "FORBIDDEN"
    assert error_code(await gql(op("Playbooks"), {})) == "UNAUTHENTICATED"
    assert not await Playbook.exists()


async def test_the_list_costs_the_same_statements_for_one_playbook_or_five(
    collaborators: Collaborators, gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    c = collaborators
    admin = await make_member(roles=ADMIN)
    token = await token_for(c, admin)

    async def playbook_with_a_buyer() -> None:
        playbook = await win_back_playbook(c, admin, holdout=0)
        member = await make_member()
        await moved(c, member, "DORMANT", days_ago=-1)
        await buys(c, member, 1, 5_000, days_ago=-2)
        await run_playbook(c, playbook, await TierChange.get(member_id=member.id))

    await playbook_with_a_buyer()
    one = await statements_of(caplog, lambda: gql(op("Playbooks"), {}, token))
    for _ in range(4):
        await playbook_with_a_buyer()
    five = await statements_of(caplog, lambda: gql(op("Playbooks"), {}, token))
    assert one == five == 4  # the token, the playbooks, their runs, the runs' members' purchases
    listed = (await gql(op("Playbooks"), {}, token))["data"]["playbooks"]
    assert [p["treatment"]["reactivated"] for p in listed] == [1] * 5


async def test_the_lift_over_the_holdout_and_its_interval(
    collaborators: Collaborators, gql: GraphQLClient
) -> None:
    c = collaborators
    admin = await make_member(roles=ADMIN)
    playbook = await win_back_playbook(c, admin, holdout=50)
    members = [await make_member() for _ in range(12)]
    for member in members:
        await moved(c, member, "DORMANT", days_ago=-1)
        await buys(c, member, 1, 5_000, days_ago=-2)  # everyone comes back, either arm
        await run_playbook(c, playbook, await TierChange.get(member_id=member.id))
    arms = {run.arm for run in await PlaybookRun.filter(playbook_id=playbook.id)}
    assert arms == {"TREATMENT", "HOLDOUT"}
    listed = (await gql(op("Playbooks"), {}, await token_for(c, admin)))["data"]["playbooks"]
    lift = listed[0]["lift"]
    # Both arms reactivated wholly: no difference, and an interval around 0 that spans it.
    assert lift["difference"] == 0.0 and lift["low"] < 0 < lift["high"]
