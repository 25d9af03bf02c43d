"""Consent to a new privacy policy over GraphQL (api/contract/privacy_consent.graphql): the
viewer sees the version they still have to accept, accepting it records one consent and clears
it, a version no longer in force is refused on `version` with nothing recorded, and an anonymous
caller is refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.privacy.record_models import ConsentRecord
from domain.programme.services import publish_privacy_policy
from tests.api.test_identity_api import op
from tests.api.test_points_api import error_code, token_for
from tests.conftest import GraphQLClient
from tests.factories import make_member

NEW_POLICY = "我们更新了照片的保存方式：原图在处理后立即删除，只保留去除位置信息的副本。"
NEWER_POLICY = "我们不再保存活动签到的位置，只记录签到时间；其余条款不变，请阅读后同意。"


async def publish(c: Collaborators, version: str, body: str = NEW_POLICY) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    await publish_privacy_policy(c, admin, version, body)


async def to_accept(gql: GraphQLClient, token: str) -> dict[str, Any] | None:
    body = await gql(op("PrivacyPolicyToAccept"), {}, token)
    policy: dict[str, Any] | None = body["data"]["viewer"]["privacyPolicyToAccept"]
    return policy


async def accept(gql: GraphQLClient, token: str | None, version: str) -> dict[str, Any]:
    return await gql(op("AcceptPrivacyPolicy"), {"version": version}, token)


async def test_a_member_who_accepted_the_policy_in_force_has_nothing_to_accept(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    token = await token_for(collaborators, await make_member())
    assert await to_accept(gql, token) is None


async def test_a_new_version_is_to_accept_until_the_member_accepts_it_once(
    gql: GraphQLClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    member = await make_member()
    await publish(c, "2026-12")
    token = await token_for(c, member)

    asked = await to_accept(gql, token)
    assert asked is not None
    assert (asked["version"], asked["body"]) == ("2026-12", NEW_POLICY)
    assert asked["publishedAt"] is not None

    done = (await accept(gql, token, "2026-12"))["data"]["acceptPrivacyPolicy"]
    assert done["__typename"] == "AcceptPrivacyPolicySuccess"
    assert done["policy"]["version"] == "2026-12"
    assert await to_accept(gql, token) is None
    stored = await Member.get(id=member.id)
    assert (stored.consent_version, stored.consented_at) == ("2026-12", c.clock.now())
    record = await ConsentRecord.get(member_id=member.id)
    assert (record.version, record.accepted_at) == ("2026-12", c.clock.now())

    clock.advance(minutes=1)
    again = (await accept(gql, token, "2026-12"))["data"]["acceptPrivacyPolicy"]
    assert again["__typename"] == "AcceptPrivacyPolicySuccess"
    assert await ConsentRecord.filter(member_id=member.id).count() == 1
    assert (await Member.get(id=member.id)).consented_at == record.accepted_at


async def test_a_version_no_longer_in_force_is_refused_and_nothing_is_recorded(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    member = await make_member()
    await publish(c, "2026-12")
    token = await token_for(c, member)
    await publish(c, "2027-01", NEWER_POLICY)  # while the member was reading 2026-12

    refused = (await accept(gql, token, "2026-12"))["data"]["acceptPrivacyPolicy"]

    assert (refused["__typename"], refused["code"]) == ("InvalidInput", "INVALID_INPUT")
    assert [e["field"] for e in refused["fieldErrors"]] == ["version"]
    assert await ConsentRecord.filter(member_id=member.id).count() == 0
    assert (await Member.get(id=member.id)).consent_version == member.consent_version
    asked = await to_accept(gql, token)
    assert asked is not None and asked["version"] == "2027-01"


async def test_an_anonymous_caller_is_refused(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    await publish(collaborators, "2026-12")

    refused = await accept(gql, None, "2026-12")

    assert refused["data"] is None and error_code(refused) == "UNAUTHENTICATED"
    assert await ConsentRecord.all().count() == 0
    anonymous = await gql(op("PrivacyPolicyToAccept"), {}, None)
    assert anonymous["data"] is None and error_code(anonymous) == "UNAUTHENTICATED"


async def test_a_suspended_member_may_still_accept_as_the_portals_sign_in_lets_them(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    member = await make_member()
    until = c.clock.now() + timedelta(days=3)
    await Member.filter(id=member.id).update(suspended=True, suspended_until=until)
    await publish(c, "2026-12")
    token = await token_for(c, member)

    done = (await accept(gql, token, "2026-12"))["data"]["acceptPrivacyPolicy"]

    assert done["__typename"] == "AcceptPrivacyPolicySuccess"
    assert await ConsentRecord.filter(member_id=member.id, version="2026-12").count() == 1
