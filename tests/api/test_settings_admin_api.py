"""Programme settings over GraphQL (api/contract/backoffice_settings.graphql): admins read the
rules with their history, save a version, publish a privacy policy; every other role is refused
with nothing changed; anyone reads the policy in force; the ledger names the rule version."""

from __future__ import annotations

from typing import Any

import pytest

from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.points.services import award_points
from domain.posts.models import AuditLogEntry
from domain.programme.models import PrivacyPolicy, ProgrammeRules
from tests.api.test_identity_api import op
from tests.api.test_points_api import error_code, token_for
from tests.conftest import GraphQLClient
from tests.factories import make_member

POLICY = "我们只为登录和邻里活动保存你的手机号与昵称，并且不会出售任何数据。"
REFUSED = (Role.RESIDENT, Role.HOST, Role.MODERATOR)


async def admin_token(collaborators: Collaborators) -> str:
    admin = await make_member(display_name="运营小林", roles=(Role.RESIDENT, Role.ADMIN))
    return await token_for(collaborators, admin)


async def role_token(collaborators: Collaborators, role: Role | None) -> str | None:
    if role is None:
        return None
    return await token_for(collaborators, await make_member(roles=(Role.RESIDENT, role)))


async def save(gql: GraphQLClient, token: str | None, **changes: Any) -> dict[str, Any]:
    return await gql(op("UpdateProgrammeRules"), {"input": changes}, token)


async def publish(gql: GraphQLClient, token: str | None, version: str, body: str) -> dict[str, Any]:
    return await gql(
        op("PublishPrivacyPolicy"), {"input": {"version": version, "body": body}}, token
    )


async def test_an_admin_reads_the_built_in_rules_then_saves_a_version_and_sees_its_history(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    token = await admin_token(collaborators)
    before = (await gql(op("ProgrammeRules"), {}, token))["data"]["programmeRules"]
    assert before["current"]["version"] == 1 and before["current"]["postPublished"] == 10
    assert before["current"]["createdBy"] is None and len(before["versions"]) == 1

    body = await save(gql, token, postPublished=15, expiryYears=2, note="春季", baseVersion=1)
    saved = body["data"]["updateProgrammeRules"]
    assert saved["__typename"] == "UpdateProgrammeRulesSuccess"
    assert (saved["rules"]["version"], saved["rules"]["postPublished"]) == (2, 15)
    assert saved["rules"]["referral"] == 100  # left out: unchanged
    row = await ProgrammeRules.get(version=2)
    assert row.rules["expiry_years"] == 2 and row.note == "春季"

    after = (await gql(op("ProgrammeRules"), {}, token))["data"]["programmeRules"]
    assert [v["version"] for v in after["versions"]] == [2, 1]
    assert after["current"]["createdBy"]["displayName"] == "运营小林"
    assert after["current"]["note"] == "春季" and after["current"]["createdAt"]
    assert await AuditLogEntry.filter(action="PROGRAMME_RULES_CHANGED").count() == 1


async def test_values_out_of_bounds_come_back_as_invalid_input_per_field(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    token = await admin_token(collaborators)
    body = await save(gql, token, dailyContributionCap=0, reportsToHide=0, voteCast=-1)
    refused = body["data"]["updateProgrammeRules"]
    assert refused["__typename"] == "InvalidInput" and refused["code"] == "INVALID_INPUT"
    assert {e["field"] for e in refused["fieldErrors"]} == {
        "dailyContributionCap",
        "reportsToHide",
        "voteCast",
    }
    nothing = (await save(gql, token))["data"]["updateProgrammeRules"]
    assert nothing["fieldErrors"][0]["field"] == "rules"
    assert not await ProgrammeRules.exists() and not await AuditLogEntry.exists()


async def test_saving_over_a_version_saved_since_comes_back_as_rules_changed(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    token = await admin_token(collaborators)
    await save(gql, token, voteCast=2, baseVersion=1)
    body = await save(gql, token, referral=50, baseVersion=1)
    refused = body["data"]["updateProgrammeRules"]
    assert (refused["__typename"], refused["code"]) == ("RulesChanged", "RULES_CHANGED")
    assert [r.version for r in await ProgrammeRules.all()] == [2]


@pytest.mark.parametrize("role", [*REFUSED, None], ids=["resident", "host", "moderator", "anon"])
async def test_every_other_role_is_refused_the_rules_and_changes_nothing(
    gql: GraphQLClient, collaborators: Collaborators, role: Role | None
) -> None:
    token = await role_token(collaborators, role)
    expected = "UNAUTHENTICATED" if role is None else "FORBIDDEN"
    assert error_code(await gql(op("ProgrammeRules"), {}, token)) == expected
    assert error_code(await save(gql, token, postPublished=99)) == expected
    assert error_code(await publish(gql, token, "2027-01", POLICY)) == expected
    assert not await ProgrammeRules.exists() and not await PrivacyPolicy.exists()
    assert not await AuditLogEntry.exists()


async def test_anyone_reads_the_policy_in_force_and_an_admin_publishes_the_next(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    built_in = (await gql(op("PrivacyPolicy"), {}, None))["data"]["privacyPolicy"]
    assert built_in["version"] == "2026-11" and built_in["publishedAt"] is None
    assert "手机号" in built_in["body"]
    token = await admin_token(collaborators)
    published = (await publish(gql, token, "2027-01", POLICY))["data"]["publishPrivacyPolicy"]
    assert published["__typename"] == "PublishPrivacyPolicySuccess"
    assert published["policy"]["version"] == "2027-01" and published["policy"]["publishedAt"]
    now = (await gql(op("PrivacyPolicy"), {}, None))["data"]["privacyPolicy"]
    assert (now["version"], now["body"]) == ("2027-01", POLICY)
    assert await AuditLogEntry.filter(action="PRIVACY_POLICY_PUBLISHED").count() == 1


async def test_a_used_label_or_a_bad_policy_is_a_typed_refusal(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    token = await admin_token(collaborators)
    taken = (await publish(gql, token, "2026-11", POLICY))["data"]["publishPrivacyPolicy"]
    assert (taken["__typename"], taken["code"]) == ("PolicyVersionTaken", "VERSION_TAKEN")
    bad = (await publish(gql, token, "新 版", "短"))["data"]["publishPrivacyPolicy"]
    assert bad["__typename"] == "InvalidInput"
    assert [e["field"] for e in bad["fieldErrors"]] == ["version", "body"]
    assert not await PrivacyPolicy.exists() and not await AuditLogEntry.exists()


async def test_the_ledger_names_the_rule_version_of_each_award(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await make_member()
    await award_points(collaborators, member.id, "referral", "r-1")
    await save(gql, await admin_token(collaborators), referral=40)
    await award_points(collaborators, member.id, "referral", "r-2")
    body = await gql(
        "query { viewer { points { ledger(first: 5) {"
        " edges { node { amount ruleVersion } } } } } }",
        {},
        await token_for(collaborators, await Member.get(id=member.id)),
    )
    nodes = [e["node"] for e in body["data"]["viewer"]["points"]["ledger"]["edges"]]
    assert nodes == [{"amount": 40, "ruleVersion": 2}, {"amount": 100, "ruleVersion": 1}]
