"""recordPostViews (api/contract/exposures.graphql): the mini-program reports the posts a resident
saw; each counts once per member and day, and bad ids are a typed error that records nothing."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import print_ast

from domain.collaborators import Collaborators
from domain.exposures import services as exposures
from domain.exposures.models import ExposureSource, PostExposure
from tests.api.test_contract import OPERATIONS
from tests.api.test_groups_api import token_for
from tests.api.test_posts_api import make_post
from tests.conftest import GraphQLClient
from tests.factories import make_member
from web.ids import encode_id


async def report(gql: GraphQLClient, token: str | None, ids: list[str]) -> dict[str, Any]:
    document = print_ast(OPERATIONS["RecordPostViews"])
    return await gql(document, {"input": {"postIds": ids}}, token)


async def test_the_mini_program_reports_sightings_counted_once_a_day(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    reader, author = await make_member(), await make_member()
    posts = [await make_post(c, author, f"帖子{n}") for n in range(3)]
    token = await token_for(c, reader)
    ids = [encode_id("Post", p.id) for p in posts]
    first = (await report(gql, token, ids))["data"]["recordPostViews"]
    assert first == {"__typename": "PostViewsRecorded", "recorded": 3}
    again = (await report(gql, token, ids[:1]))["data"]["recordPostViews"]
    assert again == {"__typename": "PostViewsRecorded", "recorded": 0}
    await exposures.flush(c)
    rows = await PostExposure.filter(member_id=reader.id).values_list("post_id", "source")
    assert sorted(rows) == sorted((p.id, ExposureSource.MINIPROGRAM) for p in posts)


async def test_with_exposures_off_the_report_answers_as_before_and_records_nothing(
    gql: GraphQLClient, collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = collaborators
    monkeypatch.setattr(c, "settings", c.settings.with_overrides(exposures_enabled=False))
    reader, author = await make_member(), await make_member()
    post = await make_post(c, author)
    token = await token_for(c, reader)
    answer = (await report(gql, token, [encode_id("Post", post.id)]))["data"]["recordPostViews"]
    assert answer == {"__typename": "PostViewsRecorded", "recorded": 0}
    assert await c.redis.exists(exposures.BUFFER) == 0
    await exposures.flush(c)
    assert await PostExposure.all().count() == 0


async def test_bad_ids_and_too_many_are_typed_errors_that_record_nothing(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    reader, author = await make_member(), await make_member()
    post = await make_post(c, author)
    token = await token_for(c, reader)
    wrong_type = (await report(gql, token, [encode_id("Member", reader.id)]))["data"]
    assert wrong_type["recordPostViews"]["__typename"] == "InvalidInput"
    assert wrong_type["recordPostViews"]["fieldErrors"][0]["field"] == "postIds"
    many = [encode_id("Post", post.id + n) for n in range(exposures.MAX_POSTS + 1)]
    too_many = (await report(gql, token, many))["data"]["recordPostViews"]
    assert too_many["__typename"] == "InvalidInput"
    assert "50" in too_many["fieldErrors"][0]["message"]
    assert await c.redis.exists(exposures.BUFFER) == 0


async def test_a_signed_out_report_is_refused(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    post = await make_post(collaborators, await make_member())
    answer = await report(gql, None, [encode_id("Post", post.id)])
    assert answer["data"] is None or answer["data"]["recordPostViews"] is None
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await collaborators.redis.exists(exposures.BUFFER) == 0
