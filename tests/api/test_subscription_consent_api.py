"""recordSubscriptionConsent: each accepted template allows one more message; unknown template
ids are refused as typed data and record nothing; signed out is refused top-level."""

from __future__ import annotations

import pytest

from domain.collaborators import Collaborators
from domain.notifications.push_models import SubscriptionConsent
from tests.api.test_identity_api import op
from tests.api.test_points_api import error_code, token_for
from tests.conftest import GraphQLClient
from tests.factories import make_member

TEMPLATES = (("COMMENT", "tpl-comment"), ("WAITLIST_PROMOTED", "tpl-waitlist"))


@pytest.fixture
def collaborators(collaborators: Collaborators) -> Collaborators:
    collaborators.settings = collaborators.settings.with_overrides(wechat_templates=TEMPLATES)
    return collaborators


async def report(gql: GraphQLClient, token: str | None, *template_ids: str) -> dict[str, object]:
    variables = {"input": {"templateIds": list(template_ids)}}
    return await gql(op("RecordSubscriptionConsent"), variables, token)


async def test_each_accepted_template_allows_one_more_message(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await make_member()
    token = await token_for(collaborators, member)
    await report(gql, token, "tpl-comment")
    body = await report(gql, token, "tpl-waitlist", "tpl-comment", "tpl-comment")
    assert body["data"] == {
        "recordSubscriptionConsent": {
            "__typename": "RecordSubscriptionConsentSuccess",
            "consents": [
                {"templateId": "tpl-comment", "remaining": 2},
                {"templateId": "tpl-waitlist", "remaining": 1},
            ],
        }
    }
    rows = await SubscriptionConsent.filter(member_id=member.id).order_by("template_id")
    assert [(r.template_id, r.remaining) for r in rows] == [
        ("tpl-comment", 2),
        ("tpl-waitlist", 1),
    ]


async def test_an_unknown_template_is_refused_as_data_and_nothing_is_recorded(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    token = await token_for(collaborators, await make_member())
    body = await report(gql, token, "tpl-comment", "tpl-made-up")
    result = body["data"]["recordSubscriptionConsent"]  # type: ignore[index]
    assert result["__typename"] == "InvalidInput"
    assert result["code"] == "UNKNOWN_TEMPLATE"
    assert result["fieldErrors"] == [
        {"field": "templateIds", "message": "未知的订阅消息模板：tpl-made-up"}
    ]
    assert await SubscriptionConsent.all().count() == 0


async def test_signed_out_the_report_is_refused_and_records_nothing(gql: GraphQLClient) -> None:
    body = await report(gql, None, "tpl-comment")
    assert body["data"] is None
    assert error_code(body) == "UNAUTHENTICATED"
    assert await SubscriptionConsent.all().count() == 0
